from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin page to look at rows with, never to add, change or delete one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
