"""Reading the access log: the auditor's search and the per-person access report (GDPR art. 15)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from cases.services import person_search

from .models import AuditEvent, ChainHead


def case_number_clean(value: str) -> str:
    number = value.strip().upper()
    return number if number.startswith("CMM-") or not number else f"CMM-{number}"


def person_cases(case_number: str) -> list[Case]:
    """All cases about the person that the case with this number is about (none if no such case)."""
    person = Case.objects.filter(number=case_number_clean(case_number)).values("person_id")[:1]
    return list(Case.objects.filter(person_id__in=person).only("id", "number").order_by("id"))


def person_cases_by_name(value: str) -> list[Case]:
    """All cases of the persons with exactly this name or identity number, through the blind index.

    Names are encrypted: only their keyed hashes can be compared (cases.services.person_search).
    """
    if not value.strip():
        return []
    return list(Case.objects.filter(person_search(value, via="person__")).only("id", "number").order_by("id"))


def searched_cases(*, case_number: str = "", person: str = "") -> list[Case] | None:
    """The cases a search is about: one case, all cases of one person, or both (None: no case criterion)."""
    if not case_number and not person:
        return None
    found = None
    if case_number:
        found = list(Case.objects.filter(number=case_number_clean(case_number)).only("id", "number"))
    if person:
        of_person = person_cases(person) or person_cases_by_name(person)
        found = of_person if found is None else [case for case in of_person if case in found]
    return found


def events_search(
    *,
    user: str = "",
    case_ids: list[int] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit rows, newest first, by staff member, touching any of `case_ids`, within a period (local days)."""
    events = AuditEvent.objects.order_by("-seq")
    if user:
        # By the account, so rows written under an earlier username are found too.
        account = User.objects.filter(username__iexact=user.strip()).values("pk")[:1]
        events = events.filter(actor__in=account)
    if case_ids is not None:
        events = events.filter(case_ids__overlap=case_ids)
    if date_from:
        events = events.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return events


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def case_numbers(events: list[AuditEvent]) -> dict[int, str]:
    """The numbers of the cases the rows mention, in one query."""
    ids = {case_id for event in events for case_id in event.case_ids}
    return dict(Case.objects.filter(pk__in=ids).values_list("pk", "number")) if ids else {}


def chain_heads_recent(count: int = 5) -> list[ChainHead]:
    """The last heads exported on schedule, newest first: the auditor can note them outside the system."""
    return list(ChainHead.objects.order_by("-id")[:count])
