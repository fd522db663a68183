"""Deadlines read as people count them: a period's last day, not the midnight after it; replaced ones as history."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import login, make_case
from tests.states import assessed, extended, granted

pytestmark = pytest.mark.django_db


def danish(day: dt.date) -> str:
    with translation.override("da"):
        return date_format(day, "DATE_FORMAT")


def period_from(starts_on: dt.date, referrer, assessor):
    """A reflection period that began on `starts_on`, decided that day."""
    case = make_case(referrer, received_at=timezone.now() - dt.timedelta(days=10))
    return granted(assessed(case, assessor, decided_on=starts_on), assessor, starts_on)


def deadline_section(page: str) -> str:
    start = page.index('id="section-deadlines"')
    return page[start : page.index("</section>", start)]


def test_a_period_end_shows_its_last_day_not_the_midnight_after_it(client, cmm_worker, dis_worker):
    starts_on = timezone.localdate() - dt.timedelta(days=5)
    case = period_from(starts_on, cmm_worker, dis_worker)
    last_day = starts_on + dt.timedelta(days=29)
    login(client, dis_worker)

    section = deadline_section(client.get(f"/sager/{case.number}/").content.decode())

    assert f"sidste dag {danish(last_day)}" in section
    assert danish(last_day + dt.timedelta(days=1)) not in section
    assert "00:00" not in section


def test_a_deadline_replaced_by_an_extension_is_history_not_a_task(client, cmm_worker, dis_worker):
    starts_on = timezone.localdate() - dt.timedelta(days=5)
    case = extended(period_from(starts_on, cmm_worker, dis_worker), dis_worker, days=10)
    login(client, dis_worker)

    section = deadline_section(client.get(f"/sager/{case.number}/").content.decode())

    current, history = section.split('<details class="details">')
    assert f"sidste dag {danish(starts_on + dt.timedelta(days=39))}" in current
    assert "Annulleret" not in current
    assert f"sidste dag {danish(starts_on + dt.timedelta(days=29))}, erstattet af en forlængelse" in history
