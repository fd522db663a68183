"""After identification, in the browser: a CMM coordinator gives a DIS victim a contact person from the start
page's task, a DIS caseworker records an unaccompanied minor's representative and closes a case. Every page is
checked with axe-core and photographed under /tmp/e2e-shots/lifecycle-*.png at 1366 and 390 px."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tests.states import identified_case, period_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lifecycle(ui, open_ui, coordinator, cmm_worker, dis_worker, police):
    victim = identified_case(police, dis_worker, person={"given_name": "Faith", "family_name": "Adeyemi"})
    minor = identified_case(
        police,
        dis_worker,
        person={"given_name": "Esther", "family_name": "Achieng"},
        unaccompanied=True,
        age_estimate=15,
    )
    leaving = period_case(police, dis_worker, person={"given_name": "Hope", "family_name": "Mensah"})
    page = ui.page

    # The coordinator's start page lists the DIS victim without a contact person; the task leads to the assignment.
    ui.login(coordinator)
    task = page.get_by_test_id("task").filter(has_text=victim.number)
    expect(task).to_contain_text("Offer uden kontaktperson")
    ui.check("home")
    task.get_by_role("link", name="Tildel kontaktperson").click()
    expect(page).to_have_url(ui.url(f"/sager/{victim.number}/kontaktperson/"))
    ui.check("assign-form")
    page.get_by_label("Kontaktperson").select_option(label=f"{cmm_worker} (Team Øst)")
    page.get_by_role("button", name="Tildel kontaktperson").click()
    expect(page).to_have_url(ui.url(f"/sager/{victim.number}/"))
    expect(page.get_by_role("status")).to_contain_text(f"{cmm_worker} er nu sagens kontaktperson.")
    expect(page.get_by_test_id("case-contact-person")).to_have_text(str(cmm_worker))
    stage = page.get_by_role("navigation", name="Sagens forløb")
    expect(stage.locator("[aria-current=step]")).to_contain_text("Identifikation")
    ui.check("case-assigned")
    ui.goto("/kontaktpersoner/flyt-sager/")
    ui.check("move-form")

    # The DIS caseworker: the minor's case says what is missing, and the representative is recorded.
    dis = open_ui("dis")
    dis.login(dis_worker)
    dis.goto(f"/sager/{minor.number}/")
    expect(dis.page.get_by_test_id("unaccompanied-minor")).to_have_text("Uledsaget mindreårig")
    expect(dis.page.get_by_test_id("case-unavailable")).to_contain_text("Personen er uledsaget mindreårig")
    expect(dis.page.get_by_role("link", name="Giv periode")).to_have_count(0)
    dis.check("minor")
    dis.page.get_by_role("link", name="Registrér repræsentant").click()
    dis.check("representative-form")
    dis.page.get_by_role("radio", name="Personlig repræsentant").check()
    dis.page.get_by_label("Navn").fill("Hanne Værge")
    dis.page.get_by_label("Organisation").fill("Røde Kors")
    dis.page.get_by_role("button", name="Registrér repræsentant").click()
    expect(dis.page.get_by_role("status")).to_contain_text("Personlig repræsentant er registreret: Hanne Værge.")
    expect(dis.page.get_by_test_id("case-representative")).to_contain_text("Hanne Værge")
    expect(dis.page.get_by_role("link", name="Giv periode")).to_be_visible()
    dis.check("minor-represented")

    # And closes the case of a person who disappeared, after a confirmation.
    dis.goto(f"/sager/{leaving.number}/")
    expect(dis.page.get_by_role("navigation", name="Sagens forløb").locator("[aria-current=step]")).to_contain_text(
        "Periode"
    )
    dis.page.get_by_role("link", name="Afslut sagen").click()
    dis.check("close-form")
    dis.page.get_by_role("radio", name="Forsvundet").check()
    dis.page.get_by_role("button", name="Fortsæt").click()
    expect(dis.page.get_by_role("heading", level=1)).to_have_text("Afslut sagen")
    expect(dis.page.get_by_test_id("confirm-consequence")).to_contain_text("kan ikke fortrydes")
    dis.check("close-confirm")
    dis.page.get_by_role("button", name="Ja, afslut sagen").click()
    expect(dis.page.get_by_role("status")).to_contain_text("Sagen er afsluttet: Forsvundet")
    expect(dis.page.get_by_test_id("case-status")).to_have_text("Afsluttet")
    dis.check("closed")
    closed = Case.objects.get(pk=leaving.pk)
    assert (closed.status, closed.exit_on) == (Case.Status.CLOSED, timezone.localdate())
