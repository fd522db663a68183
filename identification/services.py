"""Identification decisions and reflection/recovery periods: one transaction per transition."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from access import policy
from audit.models import AuditEvent
from audit.services import audit_record
from cases.codes import ResidenceStatus
from cases.deadlines import (
    COPENHAGEN,
    PERIOD_DEFAULT_DAYS,
    PERIOD_MAX_DAYS,
    DeadlineKind,
    end_of_day,
    notification_due,
    period_end_due,
    period_legal_source,
)
from cases.errors import DomainError
from cases.models import Case, CaseEvent
from cases.services import (
    case_check_state,
    case_save_transition,
    competent_authority,
    deadline_cancel,
    deadline_meet,
    deadline_open,
    event_record,
)
from cmm.validators import PERIOD_START_YEARS, years_after
from grants.services import handovers_cancel_on_close

from .models import Assessment, Period, PeriodExtension


def _refuse_wrong_authority(*, actor, case: Case, action: str) -> None:
    """Only the case's competent authority acts on it; the refusal names that authority and the action.

    The authority is the case's own (it follows hand-overs), not the one the residence status would give;
    the residence status is named as the reason only where it is the reason.
    """
    if actor.agency == case.competent_authority:
        return
    values = {
        "authority": case.get_competent_authority_display(),
        "action": str(policy.POLICY[action].description).lower(),
        "residence": ResidenceStatus(case.referral.residence_status).label,
    }
    if competent_authority(case.referral.residence_status) == case.competent_authority:
        message = _(
            "Opholdsgrundlaget er “%(residence)s”, så %(authority)s er kompetent myndighed i sagen, og kun "
            "%(authority)s kan: %(action)s."
        )
    else:
        message = _("%(authority)s er kompetent myndighed i sagen, så kun %(authority)s kan: %(action)s.")
    raise DomainError(message % values)


def decision_moment(decided_on: dt.date, decided_time: dt.time | None) -> dt.datetime:
    """When a decision was made, in Copenhagen time.

    Without a time, a decision today is taken as made now, and one on an earlier day at the end of that
    day: a deadline that ran out during it is then not recorded as met unless the time says so.
    """
    if decided_time is not None:
        return dt.datetime.combine(decided_on, decided_time, tzinfo=COPENHAGEN)
    if decided_on == timezone.localdate():
        return timezone.now()
    return end_of_day(decided_on) - dt.timedelta(seconds=1)


def _raise_first(problems: list[DomainError]) -> None:
    if problems:
        raise problems[0]


def assessment_problems(
    *, case: Case, decided_on: dt.date | None, decided_time: dt.time | None = None, interview_on: dt.date | None = None
) -> list[DomainError]:
    """The domain's checks of an assessment's dates, all of them: the form shows each, the service refuses the first.

    A value that is None (missing, or refused by the form already) is not checked.
    """
    problems = []
    if decided_on is None:
        return problems
    received = case.referral.received_at
    if decided_on > timezone.localdate():
        problems.append(DomainError(_("Afgørelsesdatoen kan ikke ligge i fremtiden."), field="decided_on"))
    elif decided_on < timezone.localdate(received):
        problems.append(
            DomainError(
                _("Afgørelsen kan ikke ligge før henvisningen blev modtaget, %(received)s. Ret afgørelsesdatoen.")
                % {"received": date_format(timezone.localtime(received), "DATE_FORMAT")},
                field="decided_on",
            )
        )
    else:
        decided_at = decision_moment(decided_on, decided_time)
        if decided_at > timezone.now() + dt.timedelta(minutes=5):
            problems.append(DomainError(_("Afgørelsen kan ikke ligge i fremtiden."), field="decided_time"))
        # Times are typed to the minute: a decision in the minute the referral arrived is not before it.
        if decided_at < received.replace(second=0, microsecond=0):
            problems.append(
                DomainError(
                    _("Afgørelsen kan ikke ligge før henvisningen blev modtaget, kl. %(time)s.")
                    % {"time": date_format(timezone.localtime(received), "H:i")},
                    field="decided_time",
                )
            )
    if interview_on and interview_on > decided_on:
        problems.append(
            DomainError(
                _("Samtalen kan ikke ligge efter afgørelsen (%(decided)s).")
                % {"decided": date_format(decided_on, "DATE_FORMAT")},
                field="interview_on",
            )
        )
    return problems


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    actor,
    expected_version: int,
    decision: str,
    decided_on: dt.date,
    reasons: str,
    interview_on: dt.date | None = None,
    interpreter_language: str = "",
    indicators: list[str] | None = None,
    decided_time: dt.time | None = None,
) -> Case:
    """Record the identification decision of the competent authority, made on `decided_on` (at `decided_time`)."""
    policy.require(actor, policy.Action.ASSESS)
    case_check_state(case=case, action=policy.Action.ASSESS, expected_version=expected_version)
    _refuse_wrong_authority(actor=actor, case=case, action=policy.Action.ASSESS)
    _raise_first(
        assessment_problems(case=case, decided_on=decided_on, decided_time=decided_time, interview_on=interview_on)
    )
    decided_at = decision_moment(decided_on, decided_time)

    victim = decision == Assessment.Decision.VICTIM
    if victim:
        case_save_transition(case=case, expected_version=expected_version, status=Case.Status.IDENTIFIED)
    else:
        case_save_transition(
            case=case,
            expected_version=expected_version,
            status=Case.Status.CLOSED,
            exit_reason=Case.ExitReason.NOT_VICTIM,
            closed_at=timezone.now(),
        )
    Assessment.objects.create(
        case=case,
        decision=decision,
        decided_on=decided_on,
        decided_at=decided_at,
        assessing_authority=actor.agency,
        interview_on=interview_on,
        interpreter_language=interpreter_language,
        indicators=indicators or [],
        reasons=reasons,
        decided_by=actor,
    )
    deadline_meet(case=case, kind=DeadlineKind.IDENTIFICATION, at=decided_at)
    cancelled_handover = 0
    if not victim:
        deadline_open(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION, due_at=notification_due(decided_at))
        cancelled_handover = handovers_cancel_on_close(case=case)
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.ASSESSMENT_RECORDED,
        data={"decision": decision, "decided_on": decided_on, "decided_at": decided_at, "authority": actor.agency},
        reason=reasons,
    )
    case_fields = ["case.status"] if victim else ["case.closed_at", "case.exit_reason", "case.status"]
    assessment_fields = [
        "decided_at",
        "decided_on",
        "decision",
        "indicators",
        "interpreter_language",
        "interview_on",
        "reasons",
    ]
    handover_fields = ["handover.status"] if cancelled_handover else []
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="assessment_record",
        case=case,
        detail={
            "fields": [
                *case_fields,
                *(f"assessment.{name}" for name in assessment_fields),
                "deadline.status",
                *handover_fields,
            ]
        },
    )
    return case


def period_kind_for(case: Case) -> str:
    legal = case.referral.residence_status == ResidenceStatus.LEGAL_RESIDENCE
    return Period.Kind.RECOVERY if legal else Period.Kind.REFLECTION


def period_grant_problems(*, case: Case, starts_on: dt.date | None) -> list[DomainError]:
    """The domain's checks of a period's first day (none if it is missing)."""
    if starts_on is None:
        return []
    decided_on = case.assessment.decided_on
    if starts_on < decided_on:
        message = _("Perioden kan ikke begynde før afgørelsen, %(decided)s. Vælg den dag eller en senere.") % {
            "decided": date_format(decided_on, "DATE_FORMAT")
        }
        return [DomainError(message, field="starts_on")]
    latest = years_after(decided_on, PERIOD_START_YEARS)
    if starts_on > latest:
        message = _("Perioden skal begynde senest et år efter afgørelsen, det vil sige senest %(latest)s.") % {
            "latest": date_format(latest, "DATE_FORMAT")
        }
        return [DomainError(message, field="starts_on")]
    return []


@transaction.atomic
def period_grant(*, case: Case, actor, expected_version: int, starts_on: dt.date) -> Case:
    """Grant the 30-day reflection or recovery period, from the decision or a later grant date."""
    policy.require(actor, policy.Action.GRANT_PERIOD)
    case_check_state(case=case, action=policy.Action.GRANT_PERIOD, expected_version=expected_version)
    _refuse_wrong_authority(actor=actor, case=case, action=policy.Action.GRANT_PERIOD)
    _raise_first(period_grant_problems(case=case, starts_on=starts_on))
    case_save_transition(case=case, expected_version=expected_version, status=Case.Status.PERIOD)
    period = Period.objects.create(
        case=case,
        kind=period_kind_for(case),
        starts_on=starts_on,
        days_total=PERIOD_DEFAULT_DAYS,
        granted_by=actor,
    )
    deadline_open(
        case=case,
        kind=DeadlineKind.PERIOD_END,
        due_at=period_end_due(starts_on, period.days_total),
        legal_source=period_legal_source(legal_residence=period.kind == Period.Kind.RECOVERY),
    )
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.PERIOD_GRANTED,
        data={
            "kind": period.kind,
            "starts_on": starts_on,
            "last_day": period.last_day,
            "days": period.days_total,
        },
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="period_grant",
        case=case,
        detail={"fields": ["case.status", "period.kind", "period.starts_on", "period.days_total", "deadline.due_at"]},
    )
    return case


def period_extension_refusal(period: Period) -> str | None:
    """Why the period cannot be extended at all (the case page then offers no extension); None if it can."""
    if timezone.localdate() > period.last_day:
        # Our rule: an extension is decided while the period runs; afterwards it would open a deadline
        # that has already passed.
        return _(
            "Perioden udløb %(last_day)s og kan ikke længere forlænges. Forlængelsen skal besluttes senest på "
            "periodens sidste dag."
        ) % {"last_day": date_format(period.last_day, "DATE_FORMAT")}
    if period.days_total >= PERIOD_MAX_DAYS:
        return _("Perioden har nået det højeste antal dage, %(max)s, og kan ikke forlænges mere.") % {
            "max": PERIOD_MAX_DAYS
        }
    return None


def period_extension_problems(
    *,
    period: Period,
    days: int | None,
    exceptional_circumstances: str | None,
    cooperates_on_repatriation: bool | None,
) -> list[DomainError]:
    """The domain's checks of an extension's input, all of them (a None value is not checked)."""
    problems = []
    remaining = PERIOD_MAX_DAYS - period.days_total
    if days is not None and days < 1:
        problems.append(DomainError(_("Forlæng med mindst 1 dag."), field="days"))
    elif days is not None and days > remaining:
        problems.append(
            DomainError(
                _(
                    "Du kan højst forlænge med %(remaining)s dage: perioden er nu %(total)s dage og kan højst vare "
                    "%(max)s dage i alt."
                )
                % {"max": PERIOD_MAX_DAYS, "total": period.days_total, "remaining": remaining},
                field="days",
            )
        )
    if exceptional_circumstances is not None and not exceptional_circumstances.strip():
        problems.append(DomainError(_("Beskriv de særlige omstændigheder."), field="exceptional_circumstances"))
    if cooperates_on_repatriation is False:
        problems.append(
            DomainError(
                _("Perioden kan kun forlænges, hvis personen vil samarbejde om en forberedt hjemrejse."),
                field="cooperates_on_repatriation",
            )
        )
    return problems


@transaction.atomic
def period_extend(
    *,
    case: Case,
    actor,
    expected_version: int,
    days: int,
    exceptional_circumstances: str,
    cooperates_on_repatriation: bool,
) -> Case:
    """Extend the period: both conditions recorded, and never past 120 days in total."""
    policy.require(actor, policy.Action.EXTEND_PERIOD)
    case_check_state(case=case, action=policy.Action.EXTEND_PERIOD, expected_version=expected_version)
    _refuse_wrong_authority(actor=actor, case=case, action=policy.Action.EXTEND_PERIOD)
    period = Period.objects.select_for_update().get(case=case)
    refused = period_extension_refusal(period)
    if refused:
        raise DomainError(refused)
    _raise_first(
        period_extension_problems(
            period=period,
            days=days,
            exceptional_circumstances=exceptional_circumstances,
            cooperates_on_repatriation=cooperates_on_repatriation,
        )
    )
    case_save_transition(case=case, expected_version=expected_version)
    PeriodExtension.objects.create(
        period=period,
        days=days,
        exceptional_circumstances=exceptional_circumstances,
        cooperates_on_repatriation=cooperates_on_repatriation,
        granted_by=actor,
    )
    period.days_total += days
    period.save(update_fields=["days_total"])
    deadline_cancel(case=case, kind=DeadlineKind.PERIOD_END)
    deadline_open(
        case=case,
        kind=DeadlineKind.PERIOD_END,
        due_at=period_end_due(period.starts_on, period.days_total),
        legal_source=period_legal_source(legal_residence=period.kind == Period.Kind.RECOVERY),
    )
    event_record(
        case=case,
        actor=actor,
        event_type=CaseEvent.Type.PERIOD_EXTENDED,
        data={"days": days, "days_total": period.days_total, "last_day": period.last_day},
        reason=exceptional_circumstances,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="period_extend",
        case=case,
        detail={
            "fields": [
                "period.days_total",
                "period_extension.days",
                "period_extension.exceptional_circumstances",
                "period_extension.cooperates_on_repatriation",
                "deadline.status",
                "deadline.due_at",
            ]
        },
    )
    return case
