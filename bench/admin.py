"""The admin yardsticks: bench-only admin sites, mounted by bench/urls.py only (never in production).

Production registers no case in the admin at all (separation of duties: the system administrator reads no
case file), so the issue's yardstick "the Django admin changelist of the same cases at 50 per page" is
built here, as a straightforward admin author would build it with guardian's standard admin integration:

- `site` (/bench/admin/): the case list's columns (number, person, status, authority, nationalities, next
  pending deadline), 50 per page, newest first, scoped the guardian way: guardian's
  `GuardedModelAdminMixin` with `user_can_access_permitted_objects_only` (get_objects_for_user(user,
  "cases.view_case", accept_global_perms=False): the per-object grants), ORed with the visibility that
  follows from relations (the user's own cases and their team's). Requested by the same CMM contact person
  as the case list (bench/seed.py makes them staff with the model-level view permission, in the benchmark
  database only), it shows exactly the cases the case list shows (bench/run.py checks that).
- `plain_site` (/bench/plain-admin/): the read-only overview that production had before (cases/admin.py),
  four plain columns, no joins, unscoped, requested by the system administrator: informational only.
"""

from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery
from guardian.admin import GuardedModelAdminMixin

from cases.models import Case, Deadline
from cases.queries import PENDING

site = admin.AdminSite(name="bench_admin")
plain_site = admin.AdminSite(name="bench_plain_admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page to look at rows with, never to add, change or delete one (production has no admin)."""

    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case, site=site)
class ScopedCaseAdmin(GuardedModelAdminMixin, ReadOnlyAdmin):
    list_display = ("number", "person_name", "status", "competent_authority", "nationalities", "next_due")
    list_select_related = ("person",)
    ordering = ("-id",)
    # Guardian's own scoping: the cases the user holds an object permission on (shares, break-the-glass);
    # the model-level view permission that lets a contact person into the admin does not count.
    user_can_access_permitted_objects_only = True
    permitted_objects_perms = ["view_case"]
    permitted_objects_accept_global_perms = False
    include_object_permissions_urls = False

    def get_queryset(self, request):
        granted = super().get_queryset(request)  # guardian: get_objects_for_user (unscoped for superusers)
        user = request.user
        if not user.is_superuser:
            # ... ORed with what follows from relations: the user's own cases and their team's.
            owned = Q(contact_person=user)
            if user.team_id:
                owned |= Q(team=user.team_id)
            granted = admin.ModelAdmin.get_queryset(self, request).filter(owned) | granted
        next_due = Deadline.objects.filter(PENDING, case=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
        return granted.annotate(next_due=Subquery(next_due))

    @admin.display(description="person")
    def person_name(self, case):
        return case.person.full_name

    @admin.display(description="statsborgerskab")
    def nationalities(self, case):
        return ", ".join(case.person.nationalities)

    @admin.display(description="næste frist")
    def next_due(self, case):
        return case.next_due


@admin.register(Case, site=plain_site)
class PlainCaseAdmin(ReadOnlyAdmin):
    """What cases/admin.py registered in production before: four plain columns, no joins."""

    list_display = ("number", "status", "competent_authority", "created_at")
