"""Writes to a case. Each function is one transaction: the change, its timeline event and its deadlines."""

import datetime as dt

from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from accounts.models import Agency, Role
from audit.models import AuditEvent
from audit.services import audit_record
from ops.batches import in_batches
from privacy import crypto

from . import duplicates
from .codes import ResidenceStatus, age_band
from .deadlines import DeadlineKind, identification_due
from .errors import DomainError, StaleCase
from .models import Case, CaseEvent, CaseNumberCounter, Deadline, Person, Referral

COMPETENT_AUTHORITY = {
    ResidenceStatus.ASYLUM_SEEKER: Agency.DIS,
    ResidenceStatus.NO_LEGAL_RESIDENCE: Agency.DIS,
    ResidenceStatus.LEGAL_RESIDENCE: Agency.CMM,
    ResidenceStatus.LEGAL_RESIDENCE_EXPULSION: Agency.DIS,
}


def competent_authority(residence_status: str) -> str:
    """CMM assesses legal residents; DIS asylum seekers, people without legal residence and expulsion cases."""
    return COMPETENT_AUTHORITY[ResidenceStatus(residence_status)]


def case_number_next(*, year: int) -> str:
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"CMM-{year}-{counter.last:04d}"


@transaction.atomic
def referral_register(*, actor, person: dict, referral: dict) -> Case:
    """Open a case for a referred person, with the 72-hour deadline if the person is detained."""
    policy.require_referral(actor)
    detained_at = referral.get("detained_at") if referral.get("detained") else None
    if referral.get("detained") and detained_at is None:
        raise DomainError(_("Angiv hvornår personen blev frihedsberøvet."), field="detained_at")
    now = timezone.now()
    received_at = referral.get("received_at") or now
    if received_at > now + dt.timedelta(minutes=5):
        raise DomainError(_("Henvisningen kan ikke være modtaget i fremtiden."), field="received_at")
    if detained_at and detained_at > now + dt.timedelta(minutes=5):
        raise DomainError(_("Frihedsberøvelsen kan ikke ligge i fremtiden."), field="detained_at")
    if person.get("date_of_birth") and referral.get("age_estimate") is not None:
        raise DomainError(str(AGE_ESTIMATE_WITH_BIRTH_DATE), field="age_estimate")

    person_obj = Person(**person)
    person_obj.search_keys = person_search_keys(person_obj)
    person_obj.save()
    case = Case.objects.create(
        number=case_number_next(year=timezone.localdate(received_at).year),
        person=person_obj,
        competent_authority=competent_authority(referral["residence_status"]),
        team=actor.team if actor.agency == Agency.CMM else None,
        contact_person=actor if actor.role == Role.CMM_CONTACT_PERSON else None,
    )
    Referral.objects.create(
        case=case,
        registered_by=actor,
        **{**referral, "received_at": received_at, "detained_at": detained_at},
        residence_status_at_referral=referral["residence_status"],
        age_band=age_band(_age_at(person_obj, referral.get("age_estimate"), timezone.localdate(received_at))),
    )
    if detained_at:
        deadline_open(case=case, kind=DeadlineKind.IDENTIFICATION, due_at=identification_due(detained_at))
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.REFERRAL_REGISTERED,
        data={
            "competent_authority": case.competent_authority,
            "source": referral["source"],
            "channel": referral["channel"],
            "detained": bool(detained_at),
        },
    )
    # A possible match the registrant may not see goes to the coordinators; the registrant learns nothing of it.
    duplicates.duplicate_matches_queue(case=case, actor=actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        what="referral_register",
        case=case,
        detail={"fields": sorted([*(f"person.{name}" for name in person), *(f"referral.{name}" for name in referral)])},
    )
    return case


AGE_ESTIMATE_WITH_BIRTH_DATE = gettext_lazy(
    "Anslå kun alderen, når fødselsdatoen er ukendt. Fjern den anslåede alder, eller fjern fødselsdatoen."
)


def _age_at(person: Person, estimate: int | None, day: dt.date) -> int | None:
    """The age on the referral's day: by the date of birth, else the estimate (Case.age_at_referral)."""
    age = person.age_on(day)
    return estimate if age is None else age


def person_key_groups(person) -> tuple[set[str], set[str], str | None]:
    """A person's blind indexes by kind: (name parts, identity numbers, date of birth), for the search and the
    duplicate check (cases.duplicates).

    Every whole part of the given names, family names and aliases, folded (case, spacing, diacritics), so that
    any part in any order finds the person; the CPR and identity-document numbers as identifiers; the date of
    birth as its own kind (no search asks for it).
    """
    names = set()
    for name in (person.given_name, person.family_name, person.aliases):
        names |= crypto.name_keys(name or "")
    identifiers = {
        crypto.blind_index(number or "", kind=crypto.IDENTIFIER)
        for number in (person.cpr_number, person.document_number)
    }
    identifiers.discard(None)
    born = getattr(person, "date_of_birth", None)
    birth = crypto.blind_index(born.isoformat(), kind=crypto.BIRTH_DATE) if born else None
    return names, identifiers, birth


def person_search_keys(person) -> list[str]:
    """The blind indexes stored with a person (privacy.crypto): call it whenever the names, numbers or date of
    birth change."""
    names, identifiers, birth = person_key_groups(person)
    return sorted(names | identifiers | ({birth} if birth else set()))


def person_search(value: str, *, via: str = "") -> Q:
    """The people a search for `value` finds, as a filter on Person (or on Case with via="person__").

    See privacy.crypto.search_match: every whole name part in any order, or an identity number.
    """
    parts, identifier = crypto.search_match(value)
    found = Q(**{f"{via}search_keys__contains": parts}) if parts else Q(pk__in=[])
    return found | Q(**{f"{via}search_keys__overlap": [identifier]}) if identifier else found


def event_record(*, case: Case, actor, event_type: str, data: dict | None = None, reason: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor, event_type=event_type, data=data or {}, reason=reason)


def deadline_open(*, case: Case, kind: str, due_at: dt.datetime, legal_source: str = "") -> Deadline:
    return Deadline.objects.create(case=case, kind=kind, due_at=due_at, legal_source=legal_source)


def _pending_deadlines(case: Case, kind: str):
    return Deadline.objects.filter(
        case=case, kind=kind, status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED], closed_at__isnull=True
    )


def reminders_cancel_for(deadlines) -> None:
    """A deadline that closes takes its unsent reminders with it, in the same transaction (reminders.services)."""
    from reminders.services import reminders_cancel  # reminders builds on cases: imported late, as grants is

    reminders_cancel(deadlines=deadlines.values("pk"))


def deadline_meet(*, case: Case, kind: str, at: dt.datetime) -> int:
    """Close the pending deadline of this kind as met at `at`: met if in time, missed if late.

    The time the thing was done decides, not whether the periodic scan has marked the deadline missed yet:
    a decision after the due time is late even if it is recorded before the scan runs.
    """
    reminders_cancel_for(_pending_deadlines(case, kind))
    return _pending_deadlines(case, kind).update(
        status=SqlCase(When(due_at__gte=at, then=Value(Deadline.Status.MET)), default=Value(Deadline.Status.MISSED)),
        closed_at=at,
    )


def deadline_cancel(*, case: Case, kind: str) -> int:
    """Close the open deadline of this kind as no longer applying (a period replaced by its extension)."""
    reminders_cancel_for(Deadline.objects.filter(case=case, kind=kind, status=Deadline.Status.OPEN))
    return Deadline.objects.filter(case=case, kind=kind, status=Deadline.Status.OPEN).update(
        status=Deadline.Status.CANCELLED, closed_at=timezone.now()
    )


def case_check_state(*, case: Case, action: str, expected_version: int) -> None:
    """Refuse the action if the user's copy is stale or the case is in a state that does not allow it."""
    if case.version != expected_version:
        raise StaleCase()
    case_check_status(case=case, action=action)


def case_check_status(*, case: Case, action: str) -> None:
    """Refuse the action if the case's status is not one the policy allows it in."""
    if case.status not in policy.POLICY[action].states:
        raise DomainError(
            _("Handlingen er ikke mulig, når sagen har status “%(status)s”.") % {"status": case.get_status_display()}
        )
    # An unaccompanied minor's case goes on only with a representative: every gated service refuses here, alike.
    if action in policy.MINOR_GATED:
        refused = policy.minor_representative_refusal(case, action)
        if refused:
            raise DomainError(refused)


def case_save_transition(*, case: Case, expected_version: int, **changes) -> Case:
    """Write status and other case fields only if nobody else wrote since `expected_version`."""
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise StaleCase()
    for field, value in changes.items():
        setattr(case, field, value)
    case.version = expected_version + 1
    case.updated_at = now
    return case


@transaction.atomic
def notification_problems(*, case: Case, notified_at: dt.datetime | None) -> list[DomainError]:
    """The domain's checks of when the notification was made (none if the time is missing)."""
    if notified_at is None:
        return []
    if notified_at > timezone.now() + dt.timedelta(minutes=5):
        return [DomainError(_("Underretningen kan ikke ligge i fremtiden."), field="notified_at")]
    decided_on = case.assessment.decided_on
    if timezone.localdate(notified_at) < decided_on:
        message = _("Underretningen kan ikke ligge før afgørelsen, %(decided)s.") % {
            "decided": date_format(decided_on, "DATE_FORMAT")
        }
        return [DomainError(message, field="notified_at")]
    return []


def notification_record(*, case: Case, actor, expected_version: int, notified_at: dt.datetime) -> Case:
    """Record that police and DIS were told of a "not a victim" decision."""
    policy.require(actor, policy.Action.RECORD_NOTIFICATION)
    case_check_state(case=case, action=policy.Action.RECORD_NOTIFICATION, expected_version=expected_version)
    if case.exit_reason != Case.ExitReason.NOT_VICTIM:
        raise DomainError(_("Der er ingen afgørelse om “ikke offer” at underrette om."))
    if actor.agency != case.competent_authority:
        raise DomainError(
            _("Underretningen registreres af den kompetente myndighed, %(authority)s.")
            % {"authority": case.get_competent_authority_display()}
        )
    problems = notification_problems(case=case, notified_at=notified_at)
    if problems:
        raise problems[0]
    if not _pending_deadlines(case, DeadlineKind.NOT_VICTIM_NOTIFICATION).exists():
        raise DomainError(_("Underretningen er allerede registreret."))
    case_save_transition(case=case, expected_version=expected_version)
    deadline_meet(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION, at=notified_at)
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.NOTIFICATION_RECORDED,
        data={"notified_at": notified_at},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="notification_record",
        case=case,
        detail={"fields": ["case.version", "deadline.closed_at", "deadline.status"]},
    )
    return case


def deadlines_mark_missed(*, now: dt.datetime | None = None) -> int:
    """Mark open deadlines past due as missed, each with a timeline event. Safe to run twice at once.

    In batches of short transactions (ops.batches): a deadline whose row, or its case's, another transaction
    holds is skipped, not waited for, and marked by the next run. The case is locked FOR NO KEY UPDATE: enough
    to skip a case a user is changing, without holding up a user adding to the case's timeline meanwhile.
    """
    now = now or timezone.now()
    count = 0

    def batch(size: int) -> bool:
        nonlocal count
        overdue = list(
            Deadline.objects.select_for_update(skip_locked=True, no_key=True, of=("self", "case"))
            .select_related("case")
            .filter(status=Deadline.Status.OPEN, due_at__lt=now)
            .order_by("due_at", "pk")[:size]
        )
        if not overdue:
            return False
        Deadline.objects.filter(pk__in=[deadline.pk for deadline in overdue]).update(status=Deadline.Status.MISSED)
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case=deadline.case,
                actor=None,
                event_type=CaseEvent.Type.DEADLINE_MISSED,
                data={"kind": deadline.kind, "due_at": deadline.due_at},
            )
            for deadline in overdue
        )
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            what="deadlines_mark_missed",
            purpose=AuditEvent.Purpose.SYSTEM,
            cases=[deadline.case_id for deadline in overdue],
            detail={"fields": ["deadline.status"], "deadlines": [deadline.pk for deadline in overdue]},
        )
        count += len(overdue)
        return True

    in_batches(batch)
    return count
