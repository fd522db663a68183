from django.contrib import admin

from .models import CspReport


@admin.register(CspReport)
class CspReportAdmin(admin.ModelAdmin):
    """The browsers' CSP violation counts, for the system administrator: read only, nothing about a case."""

    list_display = ("day", "directive", "blocked", "disposition", "count", "last_seen")
    list_filter = ("directive", "disposition")
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
