"""A second, informational yardstick: the admin changelist showing what the case list shows.

The issue's yardstick is the production CaseAdmin (cases/admin.py: four plain columns, no joins). This
bench-only admin site lists the same columns as the case list (person, nationalities, next pending
deadline), so that "the same page built with the admin" can be read off as well. Mounted at
/bench/admin/ by bench/urls.py only.
"""

from django.contrib import admin
from django.db.models import OuterRef, Subquery

from cases.models import Case, Deadline
from cases.queries import PENDING

site = admin.AdminSite(name="bench_admin")


@admin.register(Case, site=site)
class CaseListColumnsAdmin(admin.ModelAdmin):
    list_display = ("number", "person_name", "status", "competent_authority", "nationalities", "next_due", "created_at")
    list_select_related = ("person",)
    list_per_page = 50

    def get_queryset(self, request):
        next_due = Deadline.objects.filter(PENDING, case=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
        return super().get_queryset(request).annotate(next_due=Subquery(next_due))

    @admin.display(description="person")
    def person_name(self, case):
        return case.person.full_name

    @admin.display(description="statsborgerskab")
    def nationalities(self, case):
        return ", ".join(case.person.nationalities)

    @admin.display(description="næste frist")
    def next_due(self, case):
        return case.next_due

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
