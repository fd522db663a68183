"""Lead times: when before a deadline its reminders go out, per deadline kind (settings.REMINDER_LEAD_TIMES).

A lead is a code: "24h" (real hours before the due time, so 24 hours before a deadline on the Monday after the
spring change is 25 wall-clock hours), "7d" (days before the last day of a deadline of days, at
REMINDER_DAY_HOUR o'clock Copenhagen time, so it comes at the same hour of the day on either side of a change).
Two more codes are no lead time: NOTICE (the "not a victim" decision itself, told to police and DIS when the
notification deadline opens) and OVERDUE (the deadline passed unmet).
"""

import datetime as dt
import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.deadlines import COPENHAGEN, DAY_DEADLINES

NOTICE = "notice"
OVERDUE = "overdue"
_LEAD = re.compile(r"(?P<amount>[1-9]\d{0,3})(?P<unit>[hd])")


def parse(code: str) -> tuple[int, str]:
    """A lead code as (amount, unit): "24h" is (24, "h"), "7d" (7, "d"). ValueError for anything else."""
    match = _LEAD.fullmatch(code)
    if match is None:
        raise ValueError(f"Not a lead time: {code!r} (write hours as '24h', days as '7d')")
    return int(match["amount"]), match["unit"]


def leads_for(kind: str) -> list[str]:
    """This kind's lead codes, longest first."""
    codes = settings.REMINDER_LEAD_TIMES.get(kind, [])
    return sorted(codes, key=lambda code: _length(code), reverse=True)


def _length(code: str) -> dt.timedelta:
    amount, unit = parse(code)
    return dt.timedelta(hours=amount) if unit == "h" else dt.timedelta(days=amount)


def last_day(due_at: dt.datetime) -> dt.date:
    """The last day of a deadline of days: the day before the Copenhagen midnight it is due at."""
    return (due_at.astimezone(COPENHAGEN) - dt.timedelta(microseconds=1)).date()


def remind_at(*, kind: str, due_at: dt.datetime, code: str) -> dt.datetime:
    """When the reminder with this lead is due, in UTC."""
    amount, unit = parse(code)
    if unit == "h" or kind not in DAY_DEADLINES:
        # Real elapsed time: arithmetic in UTC (in a zone it would count wall-clock time).
        return due_at.astimezone(dt.UTC) - _length(code)
    day = last_day(due_at) - dt.timedelta(days=amount)
    return dt.datetime.combine(day, dt.time(settings.REMINDER_DAY_HOUR), tzinfo=COPENHAGEN).astimezone(dt.UTC)


def window(kind: str, code: str) -> dt.timedelta:
    """How long before its due time a deadline may have this lead's reminder due (a bound for the scan's index)."""
    return _length(code) + (dt.timedelta(days=1) if kind in DAY_DEADLINES else dt.timedelta(0))


def current_lead(*, kind: str, due_at: dt.datetime, now: dt.datetime) -> str | None:
    """The lead whose reminder is due now: the shortest one whose time has come, while the deadline is ahead.

    A reminder whose time passed while a shorter one's has come too (a deadline opened late, a scan that did not
    run for a while) is not sent: the shorter one says more.
    """
    if due_at <= now:
        return None
    due = [code for code in leads_for(kind) if remind_at(kind=kind, due_at=due_at, code=code) <= now]
    return due[-1] if due else None


def describe(code: str) -> str:
    """The lead in words: "24 timer før", "7 dage før"."""
    if code == NOTICE:
        return _("Afgørelse")
    if code == OVERDUE:
        return _("Overskredet")
    amount, unit = parse(code)
    if unit == "h":
        return ngettext("%(n)s time før", "%(n)s timer før", amount) % {"n": amount}
    return ngettext("%(n)s dag før", "%(n)s dage før", amount) % {"n": amount}
