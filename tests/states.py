"""Cases brought to a given point of the lifecycle through the real services."""

import datetime as dt

from django.utils import timezone

from cases.models import Case
from identification import services
from identification.models import Assessment, Period, PeriodExtension
from tests.factories import make_case


def assessed(case: Case, assessor, decision: str = "victim", decided_on: dt.date | None = None) -> Case:
    return services.assessment_record(
        case=case,
        actor=assessor,
        expected_version=case.version,
        decision=decision,
        decided_on=decided_on or timezone.localdate(),
        reasons="Indikatorer og samtale.",
    )


def identified_case(referrer, assessor, **referral) -> Case:
    return assessed(make_case(referrer, **referral), assessor)


def granted(case: Case, actor, starts_on: dt.date | None = None) -> Case:
    return services.period_grant(
        case=case, actor=actor, expected_version=case.version, starts_on=starts_on or case.assessment.decided_on
    )


def period_case(referrer, assessor, starts_on: dt.date | None = None, **referral) -> Case:
    return granted(identified_case(referrer, assessor, **referral), assessor, starts_on)


def extended(case: Case, actor, days: int = 10) -> Case:
    return services.period_extend(
        case=case,
        actor=actor,
        expected_version=case.version,
        days=days,
        exceptional_circumstances="Indlagt på hospital",
        cooperates_on_repatriation=True,
    )


def not_victim_case(referrer, assessor, **referral) -> Case:
    """Closed as not a victim, with the notification of police and DIS still to be recorded."""
    return assessed(make_case(referrer, **referral), assessor, decision="not_victim")


def shared(case: Case, team, days: int = 30) -> Case:
    """Shared for support on consent given today for `days` days, as the case's CMM contact person would."""
    from grants import services as grants
    from grants.models import Share

    case = Case.objects.get(pk=case.pk)
    today = timezone.localdate()
    grants.share_create(
        case=case,
        actor=case.contact_person,
        expected_version=case.version,
        team=team,
        scope=Share.Scope.SUPPORT,
        consent_given_on=today,
        expires_on=today + dt.timedelta(days=days),
    )
    return Case.objects.get(pk=case.pk)


def bump_version(case: Case) -> int:
    """Another writer saves the case after this user loaded it."""
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    return case.version + 1


# The four case transitions, each with a case ready for it and input that a user would send.
TRANSITIONS = ["assessment", "period", "extension", "notification"]


def case_ready_for(transition: str, referrer, assessor) -> Case:
    """A DIS-competent case referred by `referrer`, brought by `assessor` (DIS) to where `transition` applies."""
    if transition == "assessment":
        return make_case(referrer)
    if transition == "period":
        return identified_case(referrer, assessor)
    if transition == "extension":
        return period_case(referrer, assessor)
    return not_victim_case(referrer, assessor)


def valid_input(transition: str, case: Case) -> dict:
    """Input as a browser form or an API client sends it: strings, dates in ISO form, the version seen."""
    case = Case.objects.get(pk=case.pk)
    if transition == "assessment":
        data = {
            "decision": "victim",
            "decided_on": timezone.localdate().isoformat(),
            "decided_time": timezone.localtime().strftime("%H:%M"),
            "reasons": "Troværdig forklaring og flere indikatorer.",
            "interview_on": timezone.localdate().isoformat(),
            "interpreter_language": "Engelsk",
            "indicators": ["debt", "violence"],
        }
    elif transition == "period":
        decided_on = case.assessment.decided_on if hasattr(case, "assessment") else timezone.localdate()
        data = {"starts_on": decided_on.isoformat()}
    elif transition == "extension":
        data = {"days": "30", "exceptional_circumstances": "Indlagt på hospital", "cooperates_on_repatriation": "on"}
    else:
        data = {"notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    return {"version": str(case.version), **data}


# After each transition: the case's status and the event it records.
OUTCOMES = {
    "assessment": (Case.Status.IDENTIFIED, "assessment_recorded"),
    "period": (Case.Status.PERIOD, "period_granted"),
    "extension": (Case.Status.PERIOD, "period_extended"),
    "notification": (Case.Status.CLOSED, "notification_recorded"),
}


def snapshot(case: Case) -> dict:
    """Everything a transition may write, to show a refused one wrote nothing."""
    case = Case.objects.get(pk=case.pk)
    return {
        "case": (case.status, case.version, case.exit_reason, case.updated_at),
        "events": list(case.events.order_by("id").values_list("event_type", flat=True)),
        "deadlines": list(case.deadlines.order_by("id").values_list("kind", "status", "due_at", "closed_at")),
        "assessment": list(Assessment.objects.filter(case=case).values_list("decision", "decided_on")),
        "period": list(Period.objects.filter(case=case).values_list("days_total", flat=True)),
        "extensions": PeriodExtension.objects.filter(period__case=case).count(),
    }
