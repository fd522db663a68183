"""Read-side querysets for pages and the API: each is a fixed number of queries, whatever the data."""

from django.db.models import Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import Role

from . import access
from .models import Case, CaseEvent, Deadline

PENDING = Q(closed_at__isnull=True, status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED])


def case_list(user) -> QuerySet[Case]:
    """The visible cases, newest first, with what a list row shows and the next pending deadline."""
    next_due = (
        Deadline.objects.filter(PENDING, case=OuterRef("pk"))
        .values("case")
        .annotate(first=Min("due_at"))
        .values("first")
    )
    return (
        access.visible_cases(user)
        .select_related("person", "referral")
        .only(
            "id",
            "number",
            "status",
            "competent_authority",
            "created_at",
            "person__given_name",
            "person__family_name",
            "person__nationalities",
            "referral__exploitation_forms",
            "referral__received_at",
        )
        .annotate(next_due=Subquery(next_due[:1]))
        .order_by("-id")
    )


def case_detail(user, number: str) -> Case:
    """One visible case with everything its page shows (Http404 if not visible)."""
    qs = Case.objects.select_related(
        "person",
        "referral",
        "referral__registered_by",
        "assessment",
        "assessment__decided_by",
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
    """Deadlines still to act on in the user's visible cases; overdue first, then soonest."""
    visible = access.visible_cases(user).values("pk")
    return list(
        Deadline.objects.filter(PENDING, case__in=visible)
        .select_related("case")
        .only("id", "kind", "due_at", "status", "case__number", "case__status")
        .order_by("due_at")[:limit]
    )


def my_cases(user, limit: int = 10) -> list[Case]:
    """Open cases the user is contact person for; for others, the open cases they may see."""
    qs = case_list(user).exclude(status=Case.Status.CLOSED)
    if user.role == Role.CMM_CONTACT_PERSON:
        qs = qs.filter(contact_person=user)
    return list(qs[:limit])
