"""Cases in the admin: a read-only overview for system administrators. Changes go through the services only."""

from django.contrib import admin

from .models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "competent_authority", "created_at")
    list_per_page = 50
    # No identifying data: the person is left out of the admin on purpose.
    fields = (
        "number",
        "status",
        "competent_authority",
        "team",
        "contact_person",
        "exit_reason",
        "closed_at",
        "version",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
