"""A victim's case after identification: its CMM contact person, a minor's representative, and its closing.

One transaction per transition, as in cases.services: the policy's role check, the state and stale-write check,
the domain's checks (`*_problems`, all at once for the form; the service refuses the first), the write, its
timeline event and its audit row. Staff are named in the timeline's data and the audit row by user id only.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from access import policy
from accounts.models import Agency, Role, User
from audit.models import AuditEvent
from audit.services import audit_record
from cmm import validators as checks
from grants.services import handovers_cancel_on_close

from .deadlines import DeadlineKind
from .errors import DomainError
from .models import Case, CaseEvent, Deadline, Representative
from .services import case_check_state, case_save_transition, event_record, reminders_cancel_for

PENDING_STATUSES = (Deadline.Status.OPEN, Deadline.Status.MISSED)

# Closing a victim's case: every exit but "not a victim", which only the assessment records.
CLOSING_REASONS = tuple(reason for reason in Case.ExitReason if reason != Case.ExitReason.NOT_VICTIM)
appointed = checks.DateRange(checks.EARLIEST_BIRTH, future_message=_("Beskikkelsen kan ikke ligge i fremtiden."))
exit_day = checks.DateRange(checks.EARLIEST_EVENT, future_message=_("Afslutningsdatoen kan ikke ligge i fremtiden."))


def _raise_first(problems: list[DomainError]) -> None:
    if problems:
        raise problems[0]


# The contact person.


def contact_persons() -> QuerySet[User]:
    """The staff a case can be given to: CMM's active contact persons, by name."""
    return (
        User.objects.filter(is_active=True, role=Role.CMM_CONTACT_PERSON, agency=Agency.CMM)
        .select_related("team")
        .order_by("first_name", "last_name", "username")
    )


def contact_person_refusal(user) -> str | None:
    """Why this user cannot be a case's contact person; None if they can."""
    if not (user.is_active and user.role == Role.CMM_CONTACT_PERSON and user.agency == Agency.CMM):
        return _("%(user)s er ikke en aktiv kontaktperson i Center mod Menneskehandel.") % {"user": user}
    return None


def contact_person_assign_problems(*, case: Case, contact_person) -> list[DomainError]:
    if contact_person is None:
        return []
    refused = contact_person_refusal(contact_person)
    if refused:
        return [DomainError(refused, field="contact_person")]
    if contact_person.pk == case.contact_person_id:
        return [
            DomainError(
                _("%(user)s er allerede sagens kontaktperson.") % {"user": contact_person}, field="contact_person"
            )
        ]
    return []


@transaction.atomic
def contact_person_assign(*, case: Case, actor, expected_version: int, contact_person) -> Case:
    """Give the case its CMM contact person, or another one (CMM and DIS cases alike)."""
    policy.require(actor, policy.Action.ASSIGN_CONTACT_PERSON)
    case_check_state(case=case, action=policy.Action.ASSIGN_CONTACT_PERSON, expected_version=expected_version)
    _raise_first(contact_person_assign_problems(case=case, contact_person=contact_person))
    previous = case.contact_person_id
    case_save_transition(case=case, expected_version=expected_version, contact_person=contact_person)
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.CONTACT_PERSON_ASSIGNED,
        data={"from": previous, "to": contact_person.pk},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="contact_person_assign",
        case=case,
        detail={"fields": ["case.contact_person"], "user": contact_person.pk, "previous_user": previous},
    )
    return case


def open_cases_of(contact_person) -> QuerySet[Case]:
    """The cases a contact person holds that are still open."""
    return Case.objects.filter(contact_person=contact_person).exclude(status=Case.Status.CLOSED)


def leavers() -> QuerySet[User]:
    """CMM contact persons (active or not) who hold open cases: those whose cases a coordinator can move."""
    holding = Case.objects.filter(contact_person=OuterRef("pk")).exclude(status=Case.Status.CLOSED)
    return (
        User.objects.filter(role=Role.CMM_CONTACT_PERSON, agency=Agency.CMM)
        .filter(Exists(holding))
        .select_related("team")
        .order_by("is_active", "first_name", "last_name", "username")
    )


def cases_move_problems(*, leaver, receiver) -> list[DomainError]:
    """The checks of a move of all a leaver's open cases to a colleague (a None value is not checked)."""
    problems = []
    if leaver is not None:
        if leaver.role != Role.CMM_CONTACT_PERSON or leaver.agency != Agency.CMM:
            problems.append(
                DomainError(
                    _("%(user)s er ikke kontaktperson i Center mod Menneskehandel.") % {"user": leaver}, field="leaver"
                )
            )
        elif not open_cases_of(leaver).exists():
            problems.append(DomainError(_("%(user)s har ingen åbne sager.") % {"user": leaver}, field="leaver"))
    if receiver is not None:
        refused = contact_person_refusal(receiver)
        if refused:
            problems.append(DomainError(refused, field="receiver"))
        elif leaver is not None and receiver.pk == leaver.pk:
            problems.append(DomainError(_("Vælg en anden kollega end den, sagerne flyttes fra."), field="receiver"))
    return problems


@transaction.atomic
def cases_move(*, actor, leaver, receiver, expected_count: int | None = None) -> list[Case]:
    """Move every open case of `leaver` to `receiver` at once: one event per case, one audit row for all.

    `expected_count` is the number the coordinator confirmed; if the leaver's open cases have changed since,
    nothing moves and the refusal says how many there are now.
    """
    policy.require(actor, policy.Action.MOVE_CASES)
    _raise_first(cases_move_problems(leaver=leaver, receiver=receiver))
    cases = list((policy.visible_cases(actor) & open_cases_of(leaver)).select_for_update(of=("self",)).order_by("id"))
    if expected_count is not None and len(cases) != expected_count:
        raise DomainError(
            _("%(user)s har nu %(count)s åbne sager, ikke %(expected)s. Kontrollér, og bekræft igen.")
            % {"user": leaver, "count": len(cases), "expected": expected_count}
        )
    for case in cases:
        case_save_transition(case=case, expected_version=case.version, contact_person=receiver)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            actor=actor,
            event_type=CaseEvent.Type.CONTACT_PERSON_ASSIGNED,
            data={"from": leaver.pk, "to": receiver.pk, "moved": True},
        )
        for case in cases
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="cases_move",
        cases=cases,
        detail={"fields": ["case.contact_person"], "user": receiver.pk, "previous_user": leaver.pk},
    )
    return cases


# A minor's representative.


def current_representative(case: Case) -> Representative | None:
    """The case's representative now: the latest recorded that has not ended (the action plan names them).

    The case page's query brings it along as JSON (cases.queries.case_detail); otherwise one query.
    """
    if hasattr(case, "representative_json"):
        row = case.representative_json
        return None if row is None else _representative_from(case, row)
    return case.representatives.filter(ended_at__isnull=True).order_by("-recorded_at", "-id").first()


def _representative_from(case: Case, row: dict) -> Representative:
    """A Representative from the JSON of the case's query: the encrypted columns come as ciphertext."""

    def plain(name: str):
        return Representative._meta.get_field(name).from_db_value(row[name], None, None)

    return Representative(
        pk=row["pk"],
        case=case,
        kind=row["kind"],
        name=plain("name"),
        phone=plain("phone"),
        organisation=row["organisation"],
        appointed_on=dt.date.fromisoformat(row["appointed_on"]),
        recorded_at=dt.datetime.fromisoformat(row["recorded_at"]),
    )


def representative_refusal(case: Case) -> str | None:
    if not case.minor_at_referral:
        return _("Personen var ikke mindreårig ved henvisningen, så der skal ikke registreres en repræsentant.")
    return None


def representative_problems(*, appointed_on: dt.date | None) -> list[DomainError]:
    if appointed_on is not None and appointed_on > timezone.localdate():
        return [DomainError(_("Beskikkelsen kan ikke ligge i fremtiden."), field="appointed_on")]
    return []


@transaction.atomic
def representative_record(
    *,
    case: Case,
    actor,
    expected_version: int,
    kind: str,
    name: str,
    appointed_on: dt.date,
    phone: str = "",
    organisation: str = "",
) -> Case:
    """Record a minor's personal representative (or person with parental responsibility); it ends the one before."""
    policy.require(actor, policy.Action.RECORD_REPRESENTATIVE)
    case_check_state(case=case, action=policy.Action.RECORD_REPRESENTATIVE, expected_version=expected_version)
    refused = representative_refusal(case)
    if refused:
        raise DomainError(refused)
    _raise_first(representative_problems(appointed_on=appointed_on))
    now = timezone.now()
    case_save_transition(case=case, expected_version=expected_version)
    ended = Representative.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    Representative.objects.create(
        case=case,
        kind=kind,
        name=name,
        phone=phone,
        organisation=organisation,
        appointed_on=appointed_on,
        recorded_by=actor,
        recorded_at=now,
    )
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.REPRESENTATIVE_RECORDED,
        data={"kind": kind, "appointed_on": appointed_on, "replaced": bool(ended)},
    )
    fields = ["representative.kind", "representative.name", "representative.appointed_on"]
    fields += [f"representative.{name}" for name, value in (("phone", phone), ("organisation", organisation)) if value]
    if ended:
        fields.append("representative.ended_at")
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, what="representative_record", case=case, detail={"fields": fields}
    )
    return case


# Closing.


def _pending(deadlines) -> list[Deadline]:
    return [d for d in deadlines if d.closed_at is None and d.status in PENDING_STATUSES]


def follow_up_last_day(deadlines) -> dt.date | None:
    """The last day of a follow-up still running (a pending follow_up_end deadline), if any."""
    pending = [d for d in _pending(deadlines) if d.kind == DeadlineKind.FOLLOW_UP_END]
    return max((d.last_day for d in pending), default=None)


def closing_early(deadlines, today: dt.date | None = None) -> dt.date | None:
    """The follow-up's last day if closing today ends it before then (our rule: on its last day is in time)."""
    last_day = follow_up_last_day(deadlines)
    today = today or timezone.localdate()
    return last_day if last_day is not None and today < last_day else None


def case_close_problems(
    *, case: Case, deadlines, exit_reason: str | None, exit_on: dt.date | None, exit_note: str | None
) -> list[DomainError]:
    """The checks of a closing, all of them (a None value is not checked); `deadlines` the case's."""
    problems = []
    if exit_reason is not None:
        if exit_reason not in CLOSING_REASONS:
            problems.append(DomainError(_("Vælg en af afslutningsårsagerne på listen."), field="exit_reason"))
        elif exit_reason == Case.ExitReason.PREPARED_REPATRIATION and case.status != Case.Status.RETURNED:
            problems.append(
                DomainError(
                    _("Forberedt hjemrejse kan kun være årsagen, når personens hjemrejse er registreret."),
                    field="exit_reason",
                )
            )
    if exit_on is not None:
        received = timezone.localdate(case.referral.received_at)
        if exit_on > timezone.localdate():
            problems.append(DomainError(_("Afslutningsdatoen kan ikke ligge i fremtiden."), field="exit_on"))
        elif exit_on < received:
            problems.append(
                DomainError(
                    _("Afslutningsdatoen kan ikke ligge før henvisningen blev modtaget, %(received)s.")
                    % {"received": date_format(received, "DATE_FORMAT")},
                    field="exit_on",
                )
            )
    if exit_note is not None and not exit_note.strip():
        early = closing_early(deadlines)
        if early is not None:
            problems.append(DomainError(early_closure_refusal(early), field="exit_note"))
        elif exit_reason == Case.ExitReason.OTHER:
            problems.append(DomainError(_("Beskriv afslutningen, når årsagen er “Andet”."), field="exit_note"))
    return problems


def early_closure_refusal(last_day: dt.date) -> str:
    return _("Opfølgningen efter hjemrejsen slutter først %(day)s. Skriv begrundelsen for at afslutte sagen før.") % {
        "day": date_format(last_day, "DATE_FORMAT")
    }


@transaction.atomic
def case_close(
    *, case: Case, actor, expected_version: int, exit_reason: str, exit_on: dt.date, exit_note: str = ""
) -> Case:
    """Close a victim's case with its exit reason and day; its pending deadlines are met or cancelled.

    A follow-up on or after its last day is met; every other pending deadline no longer applies and is cancelled.
    A follow-up still running is ended early only with a recorded reason (`exit_note`).
    """
    policy.require(actor, policy.Action.CLOSE_CASE)
    case_check_state(case=case, action=policy.Action.CLOSE_CASE, expected_version=expected_version)
    if actor.agency != case.competent_authority:
        raise DomainError(
            _("Sagen afsluttes af den kompetente myndighed, %(authority)s.")
            % {"authority": case.get_competent_authority_display()}
        )
    pending = list(
        Deadline.objects.select_for_update().filter(case=case, closed_at__isnull=True, status__in=PENDING_STATUSES)
    )
    _raise_first(
        case_close_problems(case=case, deadlines=pending, exit_reason=exit_reason, exit_on=exit_on, exit_note=exit_note)
    )
    now = timezone.now()
    today = timezone.localdate(now)
    early = closing_early(pending, today)
    case_save_transition(
        case=case,
        expected_version=expected_version,
        status=Case.Status.CLOSED,
        exit_reason=exit_reason,
        exit_on=exit_on,
        exit_note=exit_note,
        closed_at=now,
    )
    met = [d for d in pending if d.kind == DeadlineKind.FOLLOW_UP_END and d.last_day <= today]
    cancelled = [d for d in pending if d not in met]
    reminders_cancel_for(Deadline.objects.filter(pk__in=[d.pk for d in pending]))
    Deadline.objects.filter(pk__in=[d.pk for d in met]).update(status=Deadline.Status.MET, closed_at=now)
    Deadline.objects.filter(pk__in=[d.pk for d in cancelled]).update(status=Deadline.Status.CANCELLED, closed_at=now)
    cancelled_handover = handovers_cancel_on_close(case=case)
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.CASE_CLOSED,
        data={
            "exit_reason": exit_reason,
            "exit_on": exit_on,
            "early": early is not None,
            "met": sorted(d.kind for d in met),
            "cancelled": sorted(d.kind for d in cancelled),
        },
        reason=exit_note,
    )
    fields = ["case.status", "case.exit_reason", "case.exit_on", "case.closed_at"]
    if exit_note:
        fields.append("case.exit_note")
    if pending:
        fields += ["deadline.status", "deadline.closed_at"]
    if cancelled_handover:
        fields.append("handover.status")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="case_close",
        case=case,
        detail={"fields": fields, "deadlines": [d.pk for d in pending]},
    )
    return case
