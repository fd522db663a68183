"""Deadlines are judged by when things were done, whenever they are recorded and whenever the scan ran."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from cases import services as case_services
from cases.codes import ResidenceStatus
from cases.deadlines import COPENHAGEN, DeadlineKind, LegalSource
from cases.errors import DomainError
from cases.models import Deadline
from cases.services import deadlines_mark_missed
from grants import services as grants
from identification import services
from tests.factories import make_case
from tests.states import assessed, extended, period_case

pytestmark = pytest.mark.django_db


def _detained_case(referrer, hours_ago: float):
    detained_at = timezone.now() - dt.timedelta(hours=hours_ago)
    return make_case(referrer, detained=True, detained_at=detained_at, received_at=detained_at)


def _assess_at(case, assessor, moment: dt.datetime, decision: str = "victim"):
    local = moment.astimezone(COPENHAGEN)
    return services.assessment_record(
        case=case,
        actor=assessor,
        expected_version=case.version,
        decision=decision,
        decided_on=local.date(),
        decided_time=local.time(),
        reasons="Samtale og indikatorer.",
    )


def _deadline(case, kind):
    return Deadline.objects.get(case=case, kind=kind)


def test_a_decision_after_the_72_hours_is_late_even_before_the_scan_marks_it(cmm_worker, dis_worker):
    case = _detained_case(cmm_worker, hours_ago=80)
    assert _deadline(case, DeadlineKind.IDENTIFICATION).status == Deadline.Status.OPEN  # the scan has not run

    _assess_at(case, dis_worker, timezone.now())

    deadline = _deadline(case, DeadlineKind.IDENTIFICATION)
    assert deadline.status == Deadline.Status.MISSED
    assert deadline.met_late and not deadline.is_overdue


def test_a_decision_in_time_recorded_after_the_scan_counts_as_met(cmm_worker, dis_worker):
    case = _detained_case(cmm_worker, hours_ago=80)
    deadlines_mark_missed()
    assert _deadline(case, DeadlineKind.IDENTIFICATION).status == Deadline.Status.MISSED

    decided_at = case.referral.detained_at + dt.timedelta(hours=70)
    _assess_at(case, dis_worker, decided_at)

    deadline = _deadline(case, DeadlineKind.IDENTIFICATION)
    assert deadline.status == Deadline.Status.MET
    assert deadline.closed_at == decided_at


def test_the_notification_deadline_runs_from_the_decision_not_from_its_recording(cmm_worker, dis_worker):
    case = make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=20))
    decided_at = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=10), dt.time(10, 0), tzinfo=COPENHAGEN)

    _assess_at(case, dis_worker, decided_at, decision="not_victim")

    deadline = _deadline(case, DeadlineKind.NOT_VICTIM_NOTIFICATION)
    assert deadline.due_at == decided_at + dt.timedelta(hours=24)
    assert deadline.is_overdue
    assert case.assessment.decided_at == decided_at


def test_a_decision_on_an_earlier_day_without_a_time_counts_from_the_end_of_that_day(cmm_worker, dis_worker):
    case = make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=20))
    day = timezone.localdate() - dt.timedelta(days=5)

    assessed(case, dis_worker, decision="not_victim", decided_on=day)

    deadline = _deadline(case, DeadlineKind.NOT_VICTIM_NOTIFICATION)
    end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=COPENHAGEN)
    assert deadline.due_at == end_of_day - dt.timedelta(seconds=1) + dt.timedelta(hours=24)


def test_a_late_notification_is_recorded_as_met_late(cmm_worker, dis_worker):
    case = make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=20))
    decided_at = timezone.now() - dt.timedelta(days=3)
    _assess_at(case, dis_worker, decided_at, decision="not_victim")
    case.refresh_from_db()

    case_services.notification_record(
        case=case, actor=dis_worker, expected_version=case.version, notified_at=timezone.now()
    )

    deadline = _deadline(case, DeadlineKind.NOT_VICTIM_NOTIFICATION)
    assert deadline.met_late


def test_a_period_cannot_be_extended_once_its_last_day_has_passed(cmm_worker, dis_worker):
    case = make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=60))
    assessed(case, dis_worker, decided_on=timezone.localdate() - dt.timedelta(days=40))
    case = services.period_grant(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        starts_on=timezone.localdate() - dt.timedelta(days=40),
    )

    with pytest.raises(DomainError, match="kan ikke længere forlænges"):
        extended(case, dis_worker)
    assert case.period.days_total == 30
    assert _deadline(case, DeadlineKind.PERIOD_END).status == Deadline.Status.OPEN


def test_a_period_can_be_extended_on_its_last_day(cmm_worker, dis_worker):
    starts_on = timezone.localdate() - dt.timedelta(days=29)
    case = make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=40))
    assessed(case, dis_worker, decided_on=starts_on)
    case = services.period_grant(case=case, actor=dis_worker, expected_version=case.version, starts_on=starts_on)
    assert case.period.last_day == timezone.localdate()

    extended(case, dis_worker, days=10)

    case.period.refresh_from_db()
    assert case.period.days_total == 40


def test_after_a_handover_the_refusal_names_the_cases_own_authority_and_the_action(cmm_worker, coordinator, dis_worker):
    case = period_case(cmm_worker, dis_worker)
    grants.handover_request(case=case, actor=dis_worker, expected_version=case.version, reason="Nyt opholdsgrundlag")
    case.refresh_from_db()
    grants.handover_decide(case=case, actor=coordinator, expected_version=case.version, accept=True)
    case.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        extended(case, dis_worker)

    message = str(refused.value.message)
    assert "Center mod Menneskehandel er kompetent myndighed" in message
    assert "forlænge perioden" in message
    assert "vurdere" not in message and "opholdsgrundlag" not in message


def test_deadline_sources_are_codes_shown_in_the_readers_language(cmm_worker, dis_worker):
    case = _detained_case(cmm_worker, hours_ago=1)
    deadline = _deadline(case, DeadlineKind.IDENTIFICATION)

    assert deadline.legal_source == LegalSource.ACTION_PLAN_72H
    with translation.override("en"):
        english = deadline.get_legal_source_display()
    with translation.override("da"):
        danish = deadline.get_legal_source_display()
    assert "72 timer" in danish and "72 timer" not in english and "72 hours" in english


def test_a_recovery_period_does_not_cite_the_departure_deadline(cmm_worker, coordinator):
    legal = period_case(cmm_worker, coordinator, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    assert _deadline(legal, DeadlineKind.PERIOD_END).legal_source == LegalSource.ACTION_PLAN_RECOVERY

    extended(legal, coordinator)
    sources = set(
        Deadline.objects.filter(case=legal, kind=DeadlineKind.PERIOD_END).values_list("legal_source", flat=True)
    )
    assert sources == {LegalSource.ACTION_PLAN_RECOVERY}


def test_a_reflection_period_cites_the_aliens_act(cmm_worker, dis_worker):
    case = period_case(cmm_worker, dis_worker)
    assert _deadline(case, DeadlineKind.PERIOD_END).legal_source == LegalSource.ALIENS_ACT_33_14
