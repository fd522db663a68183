"""Consequential actions ask first, forms report every problem at once, and the page says what happened.

Each page is checked with axe-core and for console errors at 1366 px and again at 390 px (a phone), and
photographed under /tmp/e2e-shots/.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency
from cases.models import Case
from grants.models import Share
from tests.factories import TeamFactory, make_case
from tests.grants.test_api import shared
from tests.states import period_case

from .helpers import local_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_not_a_victim_asks_first_and_a_cancel_changes_nothing(ui, cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    page = ui.page
    ui.login(dis_worker)
    ui.goto(f"/sager/{case.number}/vurdering/")
    page.get_by_role("radio", name="Ikke vurderet som offer").check()
    page.get_by_label("Begrundelse").fill("Ingen indikatorer i samtalen.")
    page.get_by_role("button", name="Registrér vurdering").click()

    # The question: what will happen, and the two ways on.
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrér “ikke offer”")
    expect(page.get_by_test_id("confirm-consequence")).to_contain_text("Sagen afsluttes")
    expect(page.get_by_test_id("confirm-summary")).to_contain_text("Ingen indikatorer i samtalen.")
    ui.check("not-victim-confirm")

    # Back: the form again, as it was typed; the case is untouched.
    page.get_by_role("button", name="Tilbage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrér vurdering")
    expect(page.get_by_role("radio", name="Ikke vurderet som offer")).to_be_checked()
    expect(page.get_by_label("Begrundelse")).to_have_value("Ingen indikatorer i samtalen.")
    assert Case.objects.get(pk=case.pk).status == Case.Status.REFERRED

    # Asked again and confirmed: the case closes, and the page says so in words.
    page.get_by_role("button", name="Registrér vurdering").click()
    page.get_by_role("button", name="Ja, registrér “ikke offer” og afslut sagen").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/"))
    expect(page.get_by_role("status").filter(has_text="Vurderingen er registreret")).to_contain_text(
        "Vurderingen er registreret: ikke vurderet som offer"
    )
    expect(page.get_by_test_id("case-status")).to_have_text("Afsluttet")
    expect(page.locator(".actions").get_by_role("link", name="Registrér underretning")).to_be_visible()
    ui.check("not-victim-recorded")
    assert Case.objects.get(pk=case.pk).exit_reason == Case.ExitReason.NOT_VICTIM


def test_stopping_a_share_goes_through_a_page_naming_the_organisation(ui, cmm_worker):
    reden = TeamFactory(agency=Agency.NGO, name="Reden")
    case = make_case(cmm_worker)
    share = shared(case, cmm_worker, reden)
    page = ui.page
    ui.login(cmm_worker)
    ui.goto(f"/sager/{case.number}/")

    page.get_by_role("link", name="Samtykket er tilbagekaldt: stop delingen (Reden)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop delingen med Reden")
    expect(page.get_by_test_id("confirm-consequence")).to_contain_text("Reden mister straks adgangen til sagen")
    ui.check("share-withdraw-confirm")

    # Back to the case: still shared.
    page.get_by_role("link", name="Tilbage").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/"))
    assert Share.objects.get(pk=share.pk).withdrawn_at is None

    page.get_by_role("link", name="Samtykket er tilbagekaldt: stop delingen (Reden)").click()
    page.get_by_role("button", name="Ja, stop delingen med Reden").click()
    expect(page.get_by_role("status")).to_have_text(
        "Delingen med Reden er stoppet: organisationen har ikke længere adgang til sagen."
    )
    ui.check("share-withdrawn")
    assert Share.objects.get(pk=share.pk).withdrawn_at is not None


def test_an_extension_reports_every_problem_at_once_then_says_the_new_last_day(ui, cmm_worker, dis_worker):
    case = period_case(cmm_worker, dis_worker)
    page = ui.page
    ui.login(dis_worker)
    ui.goto(f"/sager/{case.number}/")
    page.get_by_role("link", name="Forlæng perioden").click()

    page.get_by_label("Forlæng med (dage)").fill("91")
    page.get_by_role("button", name="Forlæng", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    # The domain's limit with the case's numbers, and the form's own checks, in one answer.
    expect(summary).to_contain_text("Du kan højst forlænge med 90 dage: perioden er nu 30 dage")
    expect(summary).to_contain_text("Beskriv de særlige omstændigheder.")
    expect(summary).to_contain_text("forberedt hjemrejse")
    expect(page.locator(".form-error-message")).to_have_count(3)
    expect(page.locator("main")).not_to_contain_text("Dette felt er påkrævet")
    ui.check("extension-errors")

    page.get_by_label("Forlæng med (dage)").fill("30")
    page.get_by_label("Særlige omstændigheder").fill("Indlagt på hospital.")
    page.get_by_label("Personen vil samarbejde om en forberedt hjemrejse").check()
    page.get_by_role("button", name="Forlæng", exact=True).click()
    last_day = case.assessment.decided_on + dt.timedelta(days=59)
    expect(page.get_by_role("status")).to_have_text(
        f"Perioden er forlænget til og med {local_text(last_day, 'j. F Y')}: 60 dage i alt."
    )
    ui.check("extension-done")


def test_at_120_days_the_case_page_says_why_there_is_no_extension(ui, cmm_worker, dis_worker):
    from tests.states import extended

    case = period_case(cmm_worker, dis_worker, starts_on=timezone.localdate())
    extended(case, dis_worker, 90)
    ui.login(dis_worker)
    ui.goto(f"/sager/{case.number}/")

    expect(ui.page.get_by_role("link", name="Forlæng perioden")).to_have_count(0)
    expect(ui.page.get_by_test_id("case-unavailable")).to_contain_text(
        "Perioden har nået det højeste antal dage, 120, og kan ikke forlænges mere."
    )
    ui.check("case-at-120-days")
