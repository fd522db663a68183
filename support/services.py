"""Support services and action plans: one transaction per write, with its timeline event and audit row.

Support services (`support_service_record`, `support_service_update`), the rules:
- A service is recorded while the case is in support (identified or in its period: policy RECORD_SUPPORT) by case
  work (CMM and DIS), as offered or as accepted (one the person already receives); never as declined or ended.
- It starts on or after the day the referral was received and at most a year from today; a planned end date is
  on or after the start.
- Status moves forward only: offered → accepted or declined; accepted → ended. A declined or an ended service
  is history and cannot be changed (offer it again as a new service). Staying in the same status changes only
  the planned end date or the note.
- Ending a service sets its end date: the date given, or today; it cannot be before the start, nor in the
  future (a future end of a running service is its planned end date: keep it accepted).
- Recording checks the case's version (a new service changes the case); updating checks the service's own
  version, so that two people changing other parts of the case do not refuse each other.

Action plans (`action_plan_version_save`), the rules:
- A new version is made while the case is in support (policy EDIT_ACTION_PLAN), with the person or their
  representative (or both), on a day from the referral's receipt to today; it has at least one goal and at least
  one review date; review dates lie after the day the plan was made, from today on, within two years, each once;
  an activity's due date is not before the plan was made.
- Versions are numbered 1, 2, ... and never overwritten (see support.models).
- Each review date is an `action_plan_review` deadline (several open at once). A new version closes the previous
  version's pending reviews: one due by today counts as met by this new version (met in time, or missed if it
  was late); later ones are cancelled, replaced by the new version's own review dates.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from audit.models import AuditEvent
from audit.services import audit_record
from cases.deadlines import DeadlineKind, end_of_day
from cases.errors import DomainError, StaleCase
from cases.models import Case, CaseEvent, Deadline
from cases.services import (
    case_check_state,
    case_check_status,
    case_save_transition,
    deadline_open,
    event_record,
    reminders_cancel_for,
)

from .models import ActionPlan, ActionPlanVersion, SupportService

Status = SupportService.Status

# The statuses a service may move to from each status (staying put changes the end date or the note only).
TRANSITIONS = {
    Status.OFFERED: frozenset({Status.OFFERED, Status.ACCEPTED, Status.DECLINED}),
    Status.ACCEPTED: frozenset({Status.ACCEPTED, Status.ENDED}),
    Status.DECLINED: frozenset(),
    Status.ENDED: frozenset(),
}
SERVICE_STALE = gettext_lazy(
    "Støtten er blevet ændret af en anden, efter du åbnede den. Dine indtastninger er bevaret: gennemse støtten og "
    "gem igen."
)
RECORDED_AS = frozenset({Status.OFFERED, Status.ACCEPTED})
START_AHEAD_DAYS = 366
REVIEW_AHEAD_DAYS = 2 * 366


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _raise_first(problems: list[DomainError]) -> None:
    if problems:
        raise problems[0]


def support_service_problems(
    *, case: Case, starts_on: dt.date | None, ends_on: dt.date | None, status: str | None = None
) -> list[DomainError]:
    """The domain's checks of a new service's dates and status, all of them (a missing value is not checked)."""
    problems = []
    today = timezone.localdate()
    if status is not None and status not in RECORDED_AS:
        problems.append(DomainError(_("En ny støtte registreres som tilbudt eller accepteret."), field="status"))
    if starts_on is not None:
        received = timezone.localdate(case.referral.received_at)
        if starts_on < received:
            problems.append(
                DomainError(
                    _("Støtten kan ikke begynde før henvisningen blev modtaget, %(received)s.")
                    % {"received": _day(received)},
                    field="starts_on",
                )
            )
        elif starts_on > today + dt.timedelta(days=START_AHEAD_DAYS):
            problems.append(DomainError(_("Støtten kan højst begynde et år fra i dag."), field="starts_on"))
    problems += _end_problems(starts_on=starts_on, ends_on=ends_on)
    return problems


def _end_problems(*, starts_on: dt.date | None, ends_on: dt.date | None) -> list[DomainError]:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        return [
            DomainError(
                _("Slutdatoen kan ikke ligge før støtten begynder, %(start)s.") % {"start": _day(starts_on)},
                field="ends_on",
            )
        ]
    return []


def support_service_change_problems(
    *, service: SupportService, status: str | None, ends_on: dt.date | None, note: str | None = None
) -> list[DomainError]:
    """Why this change of a service is refused (the rules in the module's docstring); [] if it is allowed."""
    if service.status not in (Status.OFFERED, Status.ACCEPTED):
        return [
            DomainError(
                _("Støtten er %(status)s og kan ikke ændres. Registrér en ny støtte, hvis den tilbydes igen.")
                % {"status": service.get_status_display().lower()}
            )
        ]
    if status is None:
        return []
    if status not in TRANSITIONS[service.status]:
        return [
            DomainError(
                _("Støtte, der er %(old)s, kan ikke blive %(new)s.")
                % {"old": service.get_status_display().lower(), "new": Status(status).label.lower()},
                field="status",
            )
        ]
    problems = _end_problems(starts_on=service.starts_on, ends_on=ends_on)
    if status == Status.ENDED and ends_on is not None and ends_on > timezone.localdate():
        problems.append(
            DomainError(
                _("En afsluttet støtte kan ikke slutte i fremtiden. Lad den være accepteret med en planlagt slutdato."),
                field="ends_on",
            )
        )
    unchanged = status == service.status and ends_on == service.ends_on and (note is None or note == service.note)
    if unchanged and not problems:
        problems.append(DomainError(_("Der er ingen ændringer at gemme.")))
    return problems


@transaction.atomic
def support_service_record(
    *,
    case: Case,
    actor,
    expected_version: int,
    type: str,  # noqa: A002 - the model's field
    provider: str,
    starts_on: dt.date,
    status: str = Status.OFFERED,
    ends_on: dt.date | None = None,
    note: str = "",
) -> SupportService:
    """Record a service offered to the person, or one they receive (accepted)."""
    policy.require(actor, policy.Action.RECORD_SUPPORT)
    case_check_state(case=case, action=policy.Action.RECORD_SUPPORT, expected_version=expected_version)
    _raise_first(support_service_problems(case=case, starts_on=starts_on, ends_on=ends_on, status=status))
    case_save_transition(case=case, expected_version=expected_version)
    service = SupportService.objects.create(
        case=case,
        type=type,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        note=note,
        recorded_by=actor,
    )
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.SUPPORT_SERVICE_RECORDED,
        data={"service": service.pk, "type": type, "status": status, "starts_on": starts_on, "ends_on": ends_on},
    )
    fields = ["type", "provider", "starts_on", "status", *(["ends_on"] if ends_on else []), *(["note"] if note else [])]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        what="support_service_record",
        case=case,
        detail={"fields": ["case.version", *(f"support_service.{name}" for name in fields)]},
    )
    return service


@transaction.atomic
def support_service_update(
    *,
    service: SupportService,
    actor,
    expected_version: int,
    status: str,
    ends_on: dt.date | None = None,
    note: str | None = None,
) -> SupportService:
    """Change a service's status, its (planned) end date or its note; ending it without a date ends it today.

    `expected_version` is the service's version the user saw; `note` None keeps the note.
    """
    policy.require(actor, policy.Action.RECORD_SUPPORT)
    case = service.case
    case_check_status(case=case, action=policy.Action.RECORD_SUPPORT)
    if service.version != expected_version:
        raise StaleCase(str(SERVICE_STALE))
    if status == Status.ENDED and ends_on is None:
        ends_on = timezone.localdate()
    _raise_first(support_service_change_problems(service=service, status=status, ends_on=ends_on, note=note))
    old_status, old_ends_on, old_note = service.status, service.ends_on, service.note
    changes = {"status": status, "ends_on": ends_on, **({"note": note} if note is not None else {})}
    now = timezone.now()
    updated = SupportService.objects.filter(pk=service.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise StaleCase()
    for name, value in changes.items():
        setattr(service, name, value)
    service.version, service.updated_at = expected_version + 1, now
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.SUPPORT_SERVICE_CHANGED,
        data={
            "service": service.pk,
            "type": service.type,
            "old_status": old_status,
            "status": status,
            "ends_on": ends_on,
        },
    )
    changed = [
        name
        for name, old, new in (
            ("status", old_status, status),
            ("ends_on", old_ends_on, ends_on),
            ("note", old_note, note),
        )
        if new is not None and old != new
    ]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="support_service_update",
        case=case,
        detail={"fields": [*(f"support_service.{name}" for name in changed), "support_service.version"]},
    )
    return service


def action_plan_problems(
    *,
    case: Case,
    made_on: dt.date | None,
    made_with_person: bool | None,
    made_with_representative: bool | None,
    goals: list[str] | None,
    activities: list[dict] | None,
    review_dates: list[dt.date] | None,
) -> list[DomainError]:
    """The domain's checks of a new version of the plan, all of them (a missing value is not checked).

    The fields named are the form's: made_on, made_with, goals, activities and review_dates.
    """
    problems = []
    today = timezone.localdate()
    if made_on is not None:
        received = timezone.localdate(case.referral.received_at)
        if made_on > today:
            problems.append(DomainError(_("Handlingsplanen kan ikke være udarbejdet i fremtiden."), field="made_on"))
        elif made_on < received:
            problems.append(
                DomainError(
                    _("Handlingsplanen kan ikke være udarbejdet før henvisningen blev modtaget, %(received)s.")
                    % {"received": _day(received)},
                    field="made_on",
                )
            )
    if made_with_person is False and made_with_representative is False:
        problems.append(
            DomainError(
                _("Handlingsplanen udarbejdes med personen eller med personens repræsentant: markér hvem."),
                field="made_with",
            )
        )
    if goals is not None and not goals:
        problems.append(DomainError(_("Skriv mindst ét mål."), field="goals"))
    for activity in activities or []:
        due_on = activity.get("due_on")
        if due_on is not None and made_on is not None and due_on < made_on:
            problems.append(
                DomainError(
                    _("En aktivitets frist kan ikke ligge før planen blev udarbejdet, %(made)s.")
                    % {"made": _day(made_on)},
                    field="activities",
                )
            )
            break
    if review_dates is not None:
        problems += _review_date_problems(review_dates, made_on, today)
    return problems


def _review_date_problems(review_dates: list[dt.date], made_on: dt.date | None, today: dt.date) -> list[DomainError]:
    if not review_dates:
        return [DomainError(_("Angiv mindst én opfølgningsdato."), field="review_dates")]
    problems = []
    if len(set(review_dates)) != len(review_dates):
        problems.append(DomainError(_("Hver opfølgningsdato må kun stå én gang."), field="review_dates"))
    earliest = max(today, made_on + dt.timedelta(days=1)) if made_on else today
    if min(review_dates) < earliest:
        problems.append(
            DomainError(
                _("En opfølgningsdato skal ligge efter planen blev udarbejdet og tidligst i dag (%(earliest)s).")
                % {"earliest": _day(earliest)},
                field="review_dates",
            )
        )
    if max(review_dates) > today + dt.timedelta(days=REVIEW_AHEAD_DAYS):
        problems.append(DomainError(_("En opfølgningsdato kan højst ligge to år frem."), field="review_dates"))
    return problems


def _pending_reviews(case: Case):
    return Deadline.objects.filter(
        case=case,
        kind=DeadlineKind.ACTION_PLAN_REVIEW,
        status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED],
        closed_at__isnull=True,
    )


@transaction.atomic
def action_plan_version_save(
    *,
    case: Case,
    actor,
    expected_version: int,
    made_on: dt.date,
    made_with_person: bool,
    made_with_representative: bool,
    goals: list[str],
    activities: list[dict],
    review_dates: list[dt.date],
) -> ActionPlanVersion:
    """Save the next version of the person's action plan and replace the review deadlines with its own.

    `activities` are dicts of text, responsible and due_on (a date or None).
    """
    policy.require(actor, policy.Action.EDIT_ACTION_PLAN)
    case_check_state(case=case, action=policy.Action.EDIT_ACTION_PLAN, expected_version=expected_version)
    _raise_first(
        action_plan_problems(
            case=case,
            made_on=made_on,
            made_with_person=made_with_person,
            made_with_representative=made_with_representative,
            goals=goals,
            activities=activities,
            review_dates=review_dates,
        )
    )
    case_save_transition(case=case, expected_version=expected_version)
    plan, _created = ActionPlan.objects.get_or_create(case=case)
    number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    review_dates = sorted(review_dates)
    version = ActionPlanVersion(
        plan=plan,
        number=number,
        made_on=made_on,
        made_with_person=made_with_person,
        made_with_representative=made_with_representative,
        content={
            "goals": list(goals),
            "activities": [
                {
                    "text": row["text"],
                    "responsible": row["responsible"],
                    "due_on": row["due_on"].isoformat() if row.get("due_on") else None,
                }
                for row in activities
            ],
        },
        review_dates=review_dates,
        created_by=actor,
    )
    version.full_clean(exclude=["plan", "created_by"])
    version.save()
    now = timezone.now()
    reminders_cancel_for(_pending_reviews(case))  # the old reviews' unsent reminders go with them
    # The previous version's reviews: one due by today is met by this version; later ones give way to its own.
    due = _pending_reviews(case).filter(due_at__lte=end_of_day(timezone.localdate(now)))
    met = due.filter(status=Deadline.Status.OPEN, due_at__gte=now).update(status=Deadline.Status.MET, closed_at=now)
    late = due.update(status=Deadline.Status.MISSED, closed_at=now)
    cancelled = _pending_reviews(case).update(status=Deadline.Status.CANCELLED, closed_at=now)
    for day in review_dates:
        deadline_open(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW, due_at=end_of_day(day))
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.ACTION_PLAN_SAVED,
        data={
            "number": number,
            "made_on": made_on,
            "made_with_person": made_with_person,
            "made_with_representative": made_with_representative,
            "goals": len(goals),
            "activities": len(activities),
            "review_dates": review_dates,
            "reviews_closed": met + late + cancelled,
        },
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        what="action_plan_version_save",
        case=case,
        detail={
            "fields": [
                "case.version",
                "action_plan_version.content",
                "action_plan_version.made_on",
                "action_plan_version.made_with_person",
                "action_plan_version.made_with_representative",
                "action_plan_version.number",
                "action_plan_version.review_dates",
                "deadline.status",
            ]
        },
    )
    return version
