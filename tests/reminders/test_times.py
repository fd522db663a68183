"""Reminder times across both daylight-saving changes in Europe/Copenhagen (time-machine moves the clock)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cases.deadlines import COPENHAGEN, DeadlineKind
from cases.models import Deadline
from reminders import leads, services
from reminders.models import Notification, Reminder
from tests.factories import make_case

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def copenhagen(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=COPENHAGEN)


def test_72_hours_from_the_friday_before_the_spring_change_remind_at_the_right_real_hour(cmm_worker):
    # Detained Friday 26 March 2027 at 10:00 (CET); the clocks go forward on Sunday 28 March at 02:00.
    with time_machine.travel(copenhagen(2027, 3, 26, 10, 0), tick=False):
        case = make_case(cmm_worker, detained=True, detained_at=timezone.now())
    deadline = Deadline.objects.get(case=case)
    # 72 real hours: Monday 09:00 UTC, 11:00 summer time (not 10:00).
    assert deadline.due_at == dt.datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert timezone.localtime(deadline.due_at).hour == 11

    with time_machine.travel(dt.datetime(2027, 3, 28, 8, 59, tzinfo=UTC), tick=False):
        services.reminders_scan()
    assert not Notification.objects.exists()  # 10:59 summer time: 24 real hours before is 11:00
    with time_machine.travel(dt.datetime(2027, 3, 28, 9, 0, tzinfo=UTC), tick=False):
        services.reminders_scan()
    notice = Notification.objects.get()
    assert notice.lead == "24h"
    assert timezone.localtime(notice.created_at) == copenhagen(2027, 3, 28, 11, 0)

    with time_machine.travel(dt.datetime(2027, 3, 29, 3, 0, tzinfo=UTC), tick=False):  # 05:00 summer time
        services.reminders_scan()
    assert list(Notification.objects.values_list("lead", flat=True).order_by("pk")) == ["24h", "6h"]


def test_72_hours_across_the_autumn_change_count_real_hours(cmm_worker):
    # Detained Friday 23 October 2026 at 10:00 (CEST); the clocks go back on Sunday 25 October at 03:00.
    with time_machine.travel(copenhagen(2026, 10, 23, 10, 0), tick=False):
        case = make_case(cmm_worker, detained=True, detained_at=timezone.now())
    due = Deadline.objects.get(case=case).due_at
    assert due == dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # 09:00 winter time
    with time_machine.travel(dt.datetime(2026, 10, 25, 7, 59, tzinfo=UTC), tick=False):
        services.reminders_scan()
    assert not Notification.objects.exists()
    with time_machine.travel(dt.datetime(2026, 10, 25, 8, 0, tzinfo=UTC), tick=False):  # 09:00 winter time
        services.reminders_scan()
    assert Notification.objects.get().lead == "24h"


@pytest.mark.parametrize(
    ("last_day", "code", "expected"),
    [
        # Days before a day deadline come at 08:00 Copenhagen time, in summer time and in winter time alike.
        (dt.date(2026, 10, 27), "7d", copenhagen(2026, 10, 20, 8, 0)),  # summer time: 06:00 UTC
        (dt.date(2026, 10, 27), "2d", copenhagen(2026, 10, 25, 8, 0)),  # the day of the change: 07:00 UTC
        (dt.date(2027, 3, 30), "2d", copenhagen(2027, 3, 28, 8, 0)),  # the spring change's day: 06:00 UTC
        (dt.date(2027, 4, 2), "7d", copenhagen(2027, 3, 26, 8, 0)),  # before it, winter time: 07:00 UTC
    ],
)
def test_days_before_a_period_end_come_at_eight_in_the_morning_copenhagen_time(last_day, code, expected):
    from cases.deadlines import end_of_day

    at = leads.remind_at(kind=DeadlineKind.PERIOD_END, due_at=end_of_day(last_day), code=code)
    assert at == expected.astimezone(UTC)
    assert timezone.localtime(at).hour == 8


def test_the_scans_claim_walks_the_due_rows_index(cmm_worker):
    """EXPLAIN: the claim reads the partial index on live rows by due time, not the table of all reminders."""
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=50))
    deadline = Deadline.objects.get(case=case)
    with connection.cursor() as cursor:
        # 50,000 rows already sent and a few due, as after a year of reminders.
        cursor.execute(
            "INSERT INTO reminders_reminder (deadline_id, lead, recipient_id, channel, status, attempts, "
            "next_attempt_at, created_at, last_error) SELECT %s, 'x' || i, %s, 'in_app', "
            "CASE WHEN i %% 10000 = 0 THEN 'pending' ELSE 'sent' END, 1, now() - interval '1 day', now(), '' "
            "FROM generate_series(1, 50000) AS i",
            [deadline.pk, cmm_worker.pk],
        )
        cursor.execute("ANALYZE reminders_reminder")
    claim = (
        Reminder.objects.filter(status__in=services.LIVE, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:100]
    )
    plan = claim.explain()
    assert "reminder_live_due" in plan, plan
    assert "Seq Scan" not in plan, plan
