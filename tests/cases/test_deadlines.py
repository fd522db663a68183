import datetime as dt

import pytest
from django.utils import timezone

from cases import services, tasks
from cases.deadlines import COPENHAGEN, DeadlineKind, period_end_due
from cases.errors import DomainError
from cases.models import Case, CaseEvent, Deadline
from tests.factories import make_case
from tests.states import assessed, not_victim_case

pytestmark = pytest.mark.django_db


def test_a_30_day_period_ends_at_copenhagen_midnight_after_its_last_day_across_dst():
    due = period_end_due(dt.date(2026, 3, 10), 30)  # last day 8 April; summer time from 29 March

    assert due == dt.datetime(2026, 4, 8, 22, 0, tzinfo=dt.UTC)
    assert due.astimezone(COPENHAGEN) == dt.datetime(2026, 4, 9, 0, 0, tzinfo=COPENHAGEN)


def test_a_period_ending_in_winter_time_ends_at_2300_utc():
    assert period_end_due(dt.date(2026, 10, 1), 30) == dt.datetime(2026, 10, 30, 23, 0, tzinfo=dt.UTC)


def overdue_case(actor, hours_overdue=1):
    return make_case(actor, detained=True, detained_at=timezone.now() - dt.timedelta(hours=72 + hours_overdue))


def test_overdue_open_deadline_becomes_missed_with_a_timeline_event(cmm_worker):
    case = overdue_case(cmm_worker)
    due_soon = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=1))

    marked = services.deadlines_mark_missed()

    assert marked == 1
    deadline = Deadline.objects.get(case=case)
    assert deadline.status == Deadline.Status.MISSED
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.DEADLINE_MISSED)
    assert event.actor is None
    assert event.data["kind"] == DeadlineKind.IDENTIFICATION
    assert Deadline.objects.get(case=due_soon).status == Deadline.Status.OPEN
    assert not CaseEvent.objects.filter(case=due_soon, event_type=CaseEvent.Type.DEADLINE_MISSED).exists()


def test_marking_missed_twice_records_one_event(cmm_worker):
    case = overdue_case(cmm_worker)

    first = services.deadlines_mark_missed()
    second = services.deadlines_mark_missed()

    assert (first, second) == (1, 0)
    assert CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.DEADLINE_MISSED).count() == 1


def test_a_met_deadline_past_its_due_time_is_not_marked_missed(cmm_worker):
    case = overdue_case(cmm_worker)
    Deadline.objects.filter(case=case).update(status=Deadline.Status.MET, closed_at=timezone.now())

    assert services.deadlines_mark_missed() == 0
    assert Deadline.objects.get(case=case).status == Deadline.Status.MET


def test_the_scheduled_task_marks_overdue_deadlines_once(cmm_worker):
    case = overdue_case(cmm_worker)

    assert tasks.deadlines_mark_missed.delay().get() == 1
    assert tasks.deadlines_mark_missed.delay().get() == 0

    assert Deadline.objects.get(case=case).status == Deadline.Status.MISSED
    assert CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.DEADLINE_MISSED).count() == 1


def notification_deadline(case) -> Deadline:
    return Deadline.objects.get(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION)


def record_notification(case, actor, notified_at=None):
    case = Case.objects.get(pk=case.pk)
    return services.notification_record(
        case=case, actor=actor, expected_version=case.version, notified_at=notified_at or timezone.now()
    )


def test_notification_in_time_meets_the_open_deadline(cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    # Right after the decision: minutes earlier can fall on the day before it, just after midnight.
    notified_at = timezone.now()

    record_notification(case, dis_worker, notified_at)

    deadline = notification_deadline(case)
    assert (deadline.status, deadline.closed_at) == (Deadline.Status.MET, notified_at)
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.NOTIFICATION_RECORDED)
    assert event.actor == dis_worker
    assert Case.objects.get(pk=case.pk).version == case.version + 1


def test_late_notification_closes_the_missed_deadline_but_leaves_it_missed(cmm_worker, dis_worker):
    case = assessed(
        make_case(cmm_worker, received_at=timezone.now() - dt.timedelta(days=5)),
        dis_worker,
        decision="not_victim",
        decided_on=timezone.localdate() - dt.timedelta(days=2),
    )
    services.deadlines_mark_missed()
    notified_at = timezone.now()

    record_notification(case, dis_worker, notified_at)

    deadline = notification_deadline(case)
    assert (deadline.status, deadline.closed_at) == (Deadline.Status.MISSED, notified_at)
    assert services.deadlines_mark_missed(now=timezone.now() + dt.timedelta(hours=25)) == 0


def test_a_second_notification_is_refused(cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    record_notification(case, dis_worker)

    with pytest.raises(DomainError, match="allerede"):
        record_notification(case, dis_worker)

    assert CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.NOTIFICATION_RECORDED).count() == 1


def test_notification_in_the_future_is_refused_on_its_field(cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)

    with pytest.raises(DomainError) as refused:
        record_notification(case, dis_worker, timezone.now() + dt.timedelta(hours=1))

    assert refused.value.field == "notified_at"
    assert notification_deadline(case).status == Deadline.Status.OPEN


def test_a_notification_dated_before_the_decision_is_refused(cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    before_decision = dt.datetime.combine(
        case.assessment.decided_on - dt.timedelta(days=1), dt.time(12), tzinfo=COPENHAGEN
    )

    with pytest.raises(DomainError) as refused:
        record_notification(case, dis_worker, before_decision)

    assert refused.value.field == "notified_at"
    assert notification_deadline(case).status == Deadline.Status.OPEN


def test_only_the_competent_authority_records_the_notification(cmm_worker, dis_worker, coordinator):
    case = not_victim_case(cmm_worker, dis_worker)

    with pytest.raises(DomainError, match="kompetente myndighed"):
        record_notification(case, coordinator)

    assert notification_deadline(case).status == Deadline.Status.OPEN
