"""A reminder in the browser: the count in the header, the notification, gone once read; a police liaison's
acknowledgement of a "not a victim" notice."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.deadlines import DeadlineKind
from cases.models import Deadline
from reminders import services
from tests.factories import make_case
from tests.states import assessed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_case_owner_sees_the_reminder_counted_and_opens_it(ui, cmm_worker):
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=50))
    services.reminders_scan()
    page = ui.page
    ui.login(cmm_worker)
    count = page.locator(".portal-user [data-testid=unread-count]")
    expect(count).to_have_text("1")
    ui.check("home-with-unread")

    page.locator(".portal-user [data-testid=notification-count]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Varsler")
    ui.check("notification-list")
    page.get_by_role("link", name=f"Påmindelse om en frist: {case.number}").click()
    expect(page.get_by_test_id("notification-case")).to_have_text(case.number)
    expect(count).to_have_count(0)  # read: the header of this very page counts it no more
    page.get_by_role("link", name="Se sagen").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/"))
    expect(count).to_have_count(0)


def test_the_police_liaison_acknowledges_a_not_victim_notice(ui, police, dis_worker):
    case = assessed(make_case(police), dis_worker, decision="not_victim")
    services.reminders_scan()
    page = ui.page
    ui.login(police)
    page.locator(".portal-user [data-testid=notification-count]").click()
    page.get_by_role("link", name=f"Afgørelse: ikke offer for menneskehandel: {case.number}").click()
    ui.check("not-victim-notice")
    expect(page.get_by_role("link", name="Se sagen")).to_have_count(0)
    page.get_by_role("button", name="Kvittér for underretningen").click()
    expect(page.get_by_role("status")).to_contain_text("Du har kvitteret")
    expect(page.get_by_test_id("acknowledged")).to_be_visible()
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION)
    assert deadline.status == Deadline.Status.MET
