"""Read-side querysets for pages and the API: each is a fixed number of queries, whatever the data.

Measured at 50,000 cases by `bench/run.py`; keep what a page loads to what it shows.
"""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import Role

from . import access
from .models import Case, CaseEvent, Deadline

PENDING = Q(closed_at__isnull=True, status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED])

# What a row of the case table shows (cases/case_table.html).
LIST_FIELDS = (
    "id",
    "number",
    "status",
    "competent_authority",
    "created_at",
    "person__given_name",
    "person__family_name",
    "person__nationalities",
)
# The API's list rows show the referral's exploitation forms and receipt time as well.
API_LIST_FIELDS = (*LIST_FIELDS, "referral__exploitation_forms", "referral__received_at")


def case_list(user, *, with_referral: bool = False) -> QuerySet[Case]:
    """The visible cases, newest first, with what a list row shows and the next pending deadline.

    `with_referral` adds the referral (for the API's rows); the page's table does not show it.
    """
    next_due = Deadline.objects.filter(PENDING, case=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
    related, fields = (("person", "referral"), API_LIST_FIELDS) if with_referral else (("person",), LIST_FIELDS)
    return (
        access.visible_cases(user)
        .select_related(*related)
        .only(*fields)
        .annotate(next_due=Subquery(next_due))
        .order_by("-id")
    )


def case_detail(user, number: str) -> Case:
    """One visible case with everything its page shows (Http404 if not visible)."""
    qs = Case.objects.select_related(
        "person",
        "referral",
        "assessment",
        "period",
        "team",
        "contact_person",
    ).prefetch_related(
        Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")),
        Prefetch("period__extensions"),
    )
    return access.case_for_view(user, number, queryset=qs)


def case_timeline(case: Case, limit: int = 100) -> list[CaseEvent]:
    return list(case.events.select_related("actor").order_by("-created_at", "-id")[:limit])


def pending_deadlines(user, limit: int = 20) -> list[Deadline]:
    """Deadlines still to act on in the user's visible cases; overdue first, then soonest.

    Walks the partial index `deadline_pending_due` in due order and stops after `limit` visible ones.
    """
    visible = access.visible_cases(user).values("pk")
    return list(
        Deadline.objects.filter(PENDING, case__in=visible)
        .select_related("case")
        # The API's rows (DeadlineSerializer) show legal_source and closed_at too: deferring them would
        # cost one query per row.
        .only("id", "kind", "due_at", "status", "legal_source", "closed_at", "case__number", "case__status")
        .order_by("due_at")[:limit]
    )


def my_cases(user, limit: int = 10) -> list[Case]:
    """Open cases the user is contact person for; for others, the open cases they may see."""
    qs = case_list(user).exclude(status=Case.Status.CLOSED)
    if user.role == Role.CMM_CONTACT_PERSON:
        qs = qs.filter(contact_person=user)
    return list(qs[:limit])
