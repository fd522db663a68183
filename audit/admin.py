from django.contrib import admin

from cmm.admin import ReadOnlyModelAdmin

from .models import CspReport


@admin.register(CspReport)
class CspReportAdmin(ReadOnlyModelAdmin):
    """The browsers' CSP violation counts, for the system administrator: nothing about a case."""

    list_display = ("day", "directive", "blocked", "disposition", "count", "last_seen")
    list_filter = ("directive", "disposition")
    date_hierarchy = "day"
