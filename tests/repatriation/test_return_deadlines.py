"""The return's two deadlines: six months of reintegration support, six more of follow-up, by the one month rule
(cases.deadlines.months_after), due at midnight Copenhagen time after their last day, stored in UTC."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.deadlines import DeadlineKind, follow_up_last_day, months_after, reintegration_last_day
from repatriation import services

from .helpers import accepted_case, fresh

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),  # no 31 February: its last day
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),  # a leap year's
        (dt.date(2026, 3, 15), 6, dt.date(2026, 9, 15)),
        (dt.date(2026, 8, 31), 12, dt.date(2027, 8, 31)),
        (dt.date(2027, 10, 31), 4, dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 31), 2, dt.date(2027, 2, 28)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
    ],
)
def test_months_after_at_month_ends_and_in_leap_years(day, months, expected):
    assert months_after(day, months) == expected


def test_follow_up_is_counted_from_the_return_so_a_short_february_does_not_shorten_it():
    assert reintegration_last_day(dt.date(2026, 8, 31)) == dt.date(2027, 2, 28)
    assert follow_up_last_day(dt.date(2026, 8, 31)) == dt.date(2027, 8, 31)


def _record_return(case, actor, returned_on):
    case = fresh(case)
    services.return_record(case=case, actor=actor, expected_version=case.version, returned_on=returned_on)
    return dict(fresh(case).deadlines.filter(status="open").values_list("kind", "due_at"))


def test_a_return_on_31_august_2026_ends_support_on_28_february_2027_at_midnight_copenhagen(cmm_worker, dis_worker):
    with time_machine.travel(dt.datetime(2026, 9, 2, 10, tzinfo=UTC)):
        case = accepted_case(cmm_worker, dis_worker)
        due = _record_return(case, dis_worker, dt.date(2026, 8, 31))

    # Midnight after 28 February 2027 in Copenhagen is 23:00 UTC (winter time, UTC+1).
    assert due[DeadlineKind.REINTEGRATION_END] == dt.datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    # Midnight after 31 August 2027 is 22:00 UTC (summer time, UTC+2): across the change in DST.
    assert due[DeadlineKind.FOLLOW_UP_END] == dt.datetime(2027, 8, 31, 22, 0, tzinfo=UTC)
    deadline = fresh(case).deadlines.get(kind=DeadlineKind.REINTEGRATION_END)
    assert deadline.last_day == dt.date(2027, 2, 28)
    assert timezone.localtime(deadline.due_at).isoformat() == "2027-03-01T00:00:00+01:00"


def test_a_return_on_31_august_2027_ends_support_on_29_february_2028(cmm_worker, dis_worker):
    with time_machine.travel(dt.datetime(2027, 9, 1, 8, tzinfo=UTC)):
        case = accepted_case(cmm_worker, dis_worker)
        due = _record_return(case, dis_worker, dt.date(2027, 8, 31))

    assert due[DeadlineKind.REINTEGRATION_END] == dt.datetime(2028, 2, 29, 23, 0, tzinfo=UTC)
    assert due[DeadlineKind.FOLLOW_UP_END] == dt.datetime(2028, 8, 31, 22, 0, tzinfo=UTC)


def test_a_return_in_march_ends_support_in_september_in_summer_time(cmm_worker, dis_worker):
    with time_machine.travel(dt.datetime(2027, 3, 20, 8, tzinfo=UTC)):
        case = accepted_case(cmm_worker, dis_worker)
        due = _record_return(case, dis_worker, dt.date(2027, 3, 15))

    assert due[DeadlineKind.REINTEGRATION_END] == dt.datetime(2027, 9, 15, 22, 0, tzinfo=UTC)
    assert due[DeadlineKind.FOLLOW_UP_END] == dt.datetime(2028, 3, 15, 23, 0, tzinfo=UTC)
