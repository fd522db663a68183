"""Deadline kinds and their arithmetic.

Times are stored in UTC. Hour deadlines are real elapsed hours (72 hours across a daylight-saving
change is 72 real hours); day periods end at midnight Copenhagen time after their last day.

Months (reintegration support and follow-up after a prepared repatriation), one rule, `months_after`:
a period of months from a day ends on the day with the same number in the last month, and on that month's
last day where it has no such day. Six months of reintegration support from a return on 31 August 2026
last until and including 28 February 2027 (29 February in a leap year: from 31 August 2027 to 29 February
2028); from 15 March they last until 15 September. Follow-up lasts six months more (our rule: counted from
the return too, as twelve months, so a short February does not shorten it: a return on 31 August 2026 is
followed up until and including 31 August 2027). Both are deadlines of days, due at midnight Copenhagen time
after their last day.
"""

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

IDENTIFICATION_HOURS = 72
NOTIFICATION_HOURS = 24
PERIOD_DEFAULT_DAYS = 30
PERIOD_MAX_DAYS = 120
REINTEGRATION_MONTHS = 6
FOLLOW_UP_MONTHS = 6


class DeadlineKind(models.TextChoices):
    IDENTIFICATION = "identification_72h", _("Identifikation af frihedsberøvet person (72 timer)")
    NOT_VICTIM_NOTIFICATION = "not_victim_notification", _("Underretning af politi og Udlændingestyrelsen")
    PERIOD_END = "period_end", _("Refleksions-/restitutionsperioden udløber")
    ACTION_PLAN_REVIEW = "action_plan_review", _("Opfølgning på handlingsplanen")
    REINTEGRATION_END = "reintegration_end", _("Reintegrationsstøtten slutter")
    FOLLOW_UP_END = "follow_up_end", _("Opfølgningen efter hjemrejsen slutter")


# Deadlines of whole days, due at midnight after their last day; the others run in real hours.
DAY_DEADLINES = frozenset(
    {
        DeadlineKind.PERIOD_END,
        DeadlineKind.ACTION_PLAN_REVIEW,
        DeadlineKind.REINTEGRATION_END,
        DeadlineKind.FOLLOW_UP_END,
    }
)
# Kinds a case may have several of open at once (one per review date); the others one at a time.
MANY_OPEN = frozenset({DeadlineKind.ACTION_PLAN_REVIEW})


class LegalSource(models.TextChoices):
    """Where a deadline comes from. Stored as a code and translated when shown, never as text."""

    ACTION_PLAN_72H = "action_plan_72h", _("Handlingsplan 2019-2021: identifikation normalt inden for 72 timer")
    ACTION_PLAN_NOTIFY = (
        "action_plan_notify",
        _("Handlingsplan 2019-2021: politi og Udlændingestyrelsen underrettes straks (CMM-regel: 24 timer)"),
    )
    ALIENS_ACT_33_14 = "aliens_act_33_14", _("Udlændingelovens § 33, stk. 14 (udvidet udrejsefrist); højst 120 dage")
    # A legal resident has no departure deadline: the recovery period is the action plan's offer.
    ACTION_PLAN_RECOVERY = (
        "action_plan_recovery",
        _(
            "Handlingsplan 2019-2021: restitutionsperiode for personer med lovligt ophold (CMM-regel: 30 dage, "
            "højst 120)"
        ),
    )
    ACTION_PLAN_REVIEW = "action_plan_review", _("CMM-regel: opfølgningsdato fastsat i personens handlingsplan")
    REINTEGRATION = (
        "action_plan_reintegration",
        _("Handlingsplan 2019-2021: reintegrationsstøtte i seks måneder efter hjemkomsten"),
    )
    FOLLOW_UP = (
        "action_plan_follow_up",
        _("Handlingsplan 2019-2021: opfølgning i seks måneder efter reintegrationsstøtten"),
    )


# The source of each kind; a period's end depends on the period's kind (period_legal_source).
LEGAL_SOURCES = {
    DeadlineKind.IDENTIFICATION: LegalSource.ACTION_PLAN_72H,
    DeadlineKind.NOT_VICTIM_NOTIFICATION: LegalSource.ACTION_PLAN_NOTIFY,
    DeadlineKind.PERIOD_END: LegalSource.ALIENS_ACT_33_14,
    DeadlineKind.ACTION_PLAN_REVIEW: LegalSource.ACTION_PLAN_REVIEW,
    DeadlineKind.REINTEGRATION_END: LegalSource.REINTEGRATION,
    DeadlineKind.FOLLOW_UP_END: LegalSource.FOLLOW_UP,
}


def period_legal_source(*, legal_residence: bool) -> str:
    return LegalSource.ACTION_PLAN_RECOVERY if legal_residence else LegalSource.ALIENS_ACT_33_14


def _after_real_hours(moment: dt.datetime, hours: int) -> dt.datetime:
    # Arithmetic on a zone-aware datetime counts wall-clock time; in UTC it counts real time.
    return moment.astimezone(dt.UTC) + dt.timedelta(hours=hours)


def identification_due(detained_at: dt.datetime) -> dt.datetime:
    return _after_real_hours(detained_at, IDENTIFICATION_HOURS)


def notification_due(decided_at: dt.datetime) -> dt.datetime:
    return _after_real_hours(decided_at, NOTIFICATION_HOURS)


def period_last_day(starts_on: dt.date, days: int) -> dt.date:
    return starts_on + dt.timedelta(days=days - 1)


def end_of_day(day: dt.date) -> dt.datetime:
    """Midnight in Copenhagen after `day`, in UTC: something that lasts "until and including" that day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=COPENHAGEN).astimezone(dt.UTC)


def period_end_due(starts_on: dt.date, days: int) -> dt.datetime:
    """Midnight in Copenhagen after the period's last day, as an aware datetime."""
    return end_of_day(period_last_day(starts_on, days))


def months_after(day: dt.date, months: int) -> dt.date:
    """The day with the same number `months` later, or that month's last day if it has none (see the docstring)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reintegration_last_day(returned_on: dt.date) -> dt.date:
    """The last day of reintegration support: six months from the return."""
    return months_after(returned_on, REINTEGRATION_MONTHS)


def follow_up_last_day(returned_on: dt.date) -> dt.date:
    """The last day of follow-up: six months after the support, counted from the return (twelve months)."""
    return months_after(returned_on, REINTEGRATION_MONTHS + FOLLOW_UP_MONTHS)
