"""A police liaison notifies CMM of a planned operation; a CMM coordinator sees it, staffs it, and the liaison
sees that CMM takes part."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Operation
from tests.browser.helpers import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operation_notice_from_a_police_liaison_is_seen_and_staffed_by_a_coordinator(
    ui, open_ui, police, coordinator, cmm_worker
):
    starts = timezone.localtime() + dt.timedelta(days=3)
    page = ui.page
    ui.login(police)
    page.locator("nav").get_by_role("link", name="Politiaktioner").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine meldinger om politiaktioner")
    page.get_by_role("link", name="Meld en politiaktion").click()
    page.get_by_label("Tidspunkt").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Politikreds").select_option(label="Københavns Politi")
    page.get_by_label("Type sted").select_option(label="Massageklinik")
    page.get_by_label("Forventet antal personer").fill("12")
    choose(page, "Sprog, der er brug for", "tha", "Thai")
    ui.check("operation-notice-form")
    page.get_by_role("button", name="Send til CMM").click()

    expect(page.get_by_role("status")).to_have_text("Politiaktionen er meldt til CMM.")
    notice = page.get_by_test_id("notice")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Københavns Politi")
    expect(notice).to_contain_text("Modtaget af CMM")
    ui.check("own-operation-notices")

    cmm = open_ui("coordinator")
    cmm.login(coordinator)
    cmm.page.locator("nav").get_by_role("link", name="Politiaktioner").first.click()
    expect(cmm.page.get_by_role("heading", level=1)).to_have_text("Kommende politiaktioner")
    row = cmm.page.get_by_test_id("operation")
    expect(row).to_have_count(1)
    for text in ("Københavns Politi", "Massageklinik", "12", "Thai", "Ingen endnu"):
        expect(row).to_contain_text(text)
    cmm.check("operation-list")
    row.get_by_role("link").click()
    cmm.page.get_by_role("checkbox", name=str(cmm_worker)).check()
    cmm.check("operation-detail")
    cmm.page.get_by_role("button", name="Gem bemanding").click()
    expect(cmm.page.get_by_role("status")).to_have_text("Bemandingen af politiaktionen er gemt.")
    expect(cmm.page.get_by_test_id("operation-staff")).to_have_text(str(cmm_worker))

    page.reload()
    expect(page.get_by_test_id("notice")).to_contain_text("CMM deltager (medarbejdere: 1)")
    expect(page.get_by_test_id("notice")).not_to_contain_text(str(cmm_worker))
    assert list(Operation.objects.get().staff.all()) == [cmm_worker]
