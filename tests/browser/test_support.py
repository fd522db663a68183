"""A contact person records a support service, makes an action plan with a review date, and prints it.

Every page is checked with axe-core and for console errors at 1366 and 390 px, and photographed under
/tmp/e2e-shots/support-*.png.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from support.models import ActionPlanVersion, SupportService
from tests.states import period_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support(ui, cmm_worker, dis_worker):
    case = period_case(cmm_worker, dis_worker)
    page = ui.page
    ui.login(cmm_worker)
    ui.goto(f"/sager/{case.number}/")
    page.get_by_role("link", name="Registrér støtte").click()
    ui.check("support-service-form")

    page.get_by_label("Støtte", exact=True).select_option("shelter")
    page.get_by_label("Udbyder").fill("Krisecentret Øst")
    page.get_by_role("radio", name="Accepteret").check()
    page.get_by_role("button", name="Registrér støtte").click()
    expect(page.get_by_test_id("support-services")).to_contain_text("Krisecentret Øst")
    assert SupportService.objects.get().status == SupportService.Status.ACCEPTED

    page.get_by_role("link", name="Lav handlingsplan").click()
    page.locator("#id_goal_1").fill("Finde en sikker bolig")
    page.locator("#id_activity_1_text").fill("Besøge boligkontoret")
    page.locator("#id_activity_1_responsible").fill("Kontaktpersonen")
    review = timezone.localdate() + dt.timedelta(days=21)
    page.locator("#id_review_1").fill(review.isoformat())
    page.get_by_role("button", name="Tilføj række: mål").click()  # one more row, nothing saved
    expect(page.locator("#id_goal_3")).to_be_visible()
    expect(page.locator("#id_goal_1")).to_have_value("Finde en sikker bolig")
    ui.check("support-plan-form")
    page.get_by_role("button", name="Gem ny udgave").click()

    expect(page.get_by_test_id("action-plan-summary")).to_contain_text("Finde en sikker bolig")
    expect(page.get_by_test_id("action-plan-next-review")).not_to_contain_text("Ingen planlagt")
    assert ActionPlanVersion.objects.get().review_dates == [review]
    ui.check("support-case-page")

    page.get_by_role("link", name="Se planen").click()
    ui.check("support-plan-version")
    with page.expect_download() as download:
        page.get_by_test_id("print-en").click()
    assert download.value.suggested_filename == f"handlingsplan-{case.number}-v1.pdf"
    page.get_by_role("link", name="Handlingsplan").click()
    ui.check("support-plan-history")
