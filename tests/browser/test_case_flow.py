"""From referral to a fully extended reflection or recovery period, as a caseworker does it in the browser.

One test per competent authority: a DIS caseworker (no legal residence: reflection period) and a CMM
contact person (legal residence: recovery period). Every page on the way is checked with axe-core and
for console errors, and photographed under /tmp/e2e-shots/.
"""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django.utils.formats import get_format
from playwright.sync_api import expect

from accounts.models import Agency
from cases.codes import ResidenceStatus
from cases.deadlines import period_last_day
from cases.models import Case, CaseEvent, Deadline
from identification.models import Period
from tests.factories import make_case

from .helpers import input_value, local_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_URL = re.compile(r"/sager/(CMM-\d{4}-\d{4})/$")


@dataclass
class Scenario:
    user_fixture: str
    residence: str
    residence_label: str
    authority_label: str
    period_label: str
    given_name: str
    family_name: str


DIS = Scenario(
    user_fixture="dis_worker",
    residence=ResidenceStatus.NO_LEGAL_RESIDENCE,
    residence_label="Ulovligt ophold",
    authority_label="Udlændingestyrelsen",
    period_label="Refleksionsperiode",
    given_name="Amina",
    family_name="Okafor",
)
CMM = Scenario(
    user_fixture="cmm_worker",
    residence=ResidenceStatus.LEGAL_RESIDENCE,
    residence_label="Lovligt ophold",
    authority_label="Center mod Menneskehandel",
    period_label="Restitutionsperiode",
    given_name="Ioana",
    family_name="Popescu",
)


@pytest.mark.parametrize("scenario", [DIS, CMM], ids=["dis-reflection", "cmm-recovery"])
def test_referral_to_period_extended_to_the_120_day_limit(ui, scenario, request):
    user = request.getfixturevalue(scenario.user_fixture)
    # Another case in the same caseload, so the lists and the start page have rows to show and filter.
    other = make_case(
        user,
        person={"given_name": "Eva", "family_name": "Andersen"},
        residence_status=scenario.residence,
        detained=True,
        detained_at=timezone.now() - dt.timedelta(hours=80),
    )
    # DIS registered this one, but CMM is the competent authority (legal residence): DIS may not see it.
    legal = make_case(user, residence_status=ResidenceStatus.LEGAL_RESIDENCE) if scenario is DIS else None
    page = ui.page

    if scenario is DIS:
        # A mistyped password first: the message is announced and the username kept.
        ui.goto("/login/")
        ui.check("login")
        page.get_by_label("Brugernavn").fill(user.username)
        page.get_by_label("Adgangskode").fill("not-the-password")
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_role("alert")).to_contain_text("Forkert brugernavn eller adgangskode.")
        expect(page.get_by_test_id("tries-left")).to_have_text("4 forsøg tilbage, før log ind holder en pause.")
        expect(page.get_by_role("alert")).to_be_focused()
        expect(page.get_by_label("Brugernavn")).to_have_value(user.username)
        expect(page.get_by_label("Adgangskode")).to_have_value("")
        ui.check("login-failed")
    ui.login(user)
    ui.check("home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine opgaver")
    overdue = page.get_by_test_id("task").filter(has_text=other.number)
    expect(overdue).to_contain_text("Identifikation af frihedsberøvet person (72 timer)")
    expect(overdue.locator(".badge-error")).to_have_text("8 timer over")
    # Keyboard users can skip the header.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til sidens indhold")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # The case list, through the main menu; the search box filters the rows in place (htmx).
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Sager", exact=True).click()
    expect(page).to_have_url(ui.url("/sager/"))
    expect(page.get_by_role("link", name="Sager", exact=True).first).to_have_attribute("aria-current", "page")
    rows = page.locator("#case-rows")
    expect(rows.get_by_role("link", name=other.number)).to_be_visible()
    ui.check("case-list")
    page.get_by_label("Søg", exact=True).fill("Ingen Sådan")
    page.get_by_role("button", name="Søg").click()
    expect(rows).to_contain_text("Ingen sager passer til søgningen.")
    page.get_by_label("Søg", exact=True).fill("Eva Andersen")
    page.get_by_role("button", name="Søg").click()
    expect(rows.get_by_role("link", name=other.number)).to_be_visible()
    ui.check("case-list-searched")

    if scenario is DIS:
        # A case for which CMM is the competent authority is not DIS's to see: it is "not found".
        expect(rows.get_by_role("link", name=legal.number)).to_have_count(0)
        assert ui.goto(f"/sager/{legal.number}/").status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
        ui.check("case-not-found")
        page.go_back()

    # Register the referral.
    page.get_by_role("link", name="Registrér henvisning").click()
    expect(page).to_have_url(ui.url("/sager/ny/"))
    ui.check("referral-form")
    now = timezone.now().replace(second=0, microsecond=0)
    received_at = now - dt.timedelta(days=2)
    detained_at = now - dt.timedelta(hours=5)
    page.get_by_label("Fornavn(e)").fill(scenario.given_name)
    page.get_by_label("Efternavn").fill(scenario.family_name)
    page.get_by_label("Modtaget").fill(input_value(received_at))
    page.get_by_label("Henvist af").select_option("POLICE")
    page.get_by_label("Kanal").select_option("police_operation")
    page.locator(f"input[name=residence_status][value={scenario.residence}]").check()
    page.get_by_role("checkbox", name="Prostitution / seksuel udnyttelse").check()
    page.get_by_role("checkbox", name="Tvangsarbejde").check()
    detained_field = page.get_by_label("Frihedsberøvet siden")
    expect(detained_field).to_be_hidden()  # shown only once the person is marked as detained
    page.get_by_label("Personen er frihedsberøvet").check()
    detained_field.fill(input_value(detained_at))
    page.get_by_label("Køn").select_option(label="Ikke oplyst")
    page.get_by_label("Relation til rekrutteringsperson").select_option(label="Ukendt")
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek dine svar")
    page.get_by_role("button", name="Opret sag").click()

    expect(page).to_have_url(CASE_URL)
    number = CASE_URL.search(page.url).group(1)
    case = Case.objects.get(number=number)
    assert case.competent_authority == (Agency.DIS if scenario is DIS else Agency.CMM)
    assert case.referral.detained_at == detained_at
    assert case.referral.received_at == received_at
    expect(page.get_by_role("status")).to_contain_text(f"Henvisningen er registreret som sag {number}.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{number}: {scenario.given_name} {scenario.family_name}")
    status = page.get_by_test_id("case-status")
    expect(status).to_have_text("Henvist, afventer identifikation")
    expect(page.get_by_test_id("case-authority")).to_have_text(scenario.authority_label)
    if scenario is CMM:
        expect(page.get_by_test_id("case-contact-person")).to_have_text(str(user))
    referral = page.get_by_role("region", name="Henvisning")
    expect(referral).to_contain_text(scenario.residence_label)
    expect(referral).to_contain_text("Prostitution / seksuel udnyttelse, Tvangsarbejde")
    expect(referral).to_contain_text(local_text(detained_at, get_format("DATETIME_FORMAT", lang="da")))
    deadlines = page.get_by_role("region", name="Frister")
    identification = deadlines.get_by_role("listitem").filter(has_text="Identifikation af frihedsberøvet person")
    expect(identification).to_contain_text(
        local_text(detained_at + dt.timedelta(hours=72), get_format("HOUR_DEADLINE_FORMAT", lang="da"))
    )
    expect(identification).to_contain_text("Åben")
    timeline = page.get_by_role("region", name="Tidslinje").get_by_role("listitem")
    expect(timeline).to_have_count(1)
    expect(timeline.first).to_contain_text("Henvisning registreret")
    expect(timeline.first).to_contain_text(str(user))
    ui.check("case-referred")

    # The competent authority assesses the person as a victim.
    page.get_by_role("link", name="Registrér vurdering").click()
    expect(page).to_have_url(ui.url(f"/sager/{number}/vurdering/"))
    expect(page.get_by_label("Afgørelsesdato")).to_have_value(timezone.localdate().isoformat())
    ui.check("assessment-form")
    page.get_by_role("radio", name="Vurderet som offer", exact=True).check()
    page.get_by_role("checkbox", name="Dokumenter tilbageholdt").check()
    page.get_by_label("Tolkesprog").fill("rumænsk")
    page.get_by_label("Begrundelse").fill("Samtale med tolk; klare indikatorer på tvangsarbejde.")
    page.get_by_role("button", name="Registrér vurdering").click()

    expect(page).to_have_url(ui.url(f"/sager/{number}/"))
    expect(page.get_by_role("status")).to_contain_text("Vurderingen er registreret: vurderet som offer.")
    expect(status).to_have_text("Vurderet som offer")
    expect(page.get_by_role("region", name="Vurdering")).to_contain_text("Samtale med tolk; klare indikatorer")
    expect(identification).to_contain_text("Overholdt")
    expect(timeline).to_have_count(2)
    expect(timeline.first).to_contain_text("Vurdering registreret")
    expect(page.get_by_role("link", name="Registrér vurdering")).to_have_count(0)
    ui.check("case-identified")

    # Grant the 30-day period from the day of the decision.
    page.get_by_role("link", name="Giv periode").click()
    expect(page).to_have_url(ui.url(f"/sager/{number}/periode/"))
    today = timezone.localdate()
    expect(page.get_by_label("Første dag")).to_have_value(today.isoformat())
    ui.check("period-form")
    page.get_by_role("button", name="Giv periode").click()

    expect(page).to_have_url(ui.url(f"/sager/{number}/"))
    expect(status).to_have_text("I refleksions-/restitutionsperiode")
    period = page.get_by_role("region", name="Refleksions- eller restitutionsperiode")

    def expect_period(days: int) -> None:
        last_day = period_last_day(today, days)
        span = f"{local_text(today, 'j. F Y')} – {local_text(last_day, 'j. F Y')} ({days} dage)"
        expect(period.get_by_role("term").first).to_have_text(scenario.period_label)
        expect(period.get_by_test_id("period-span")).to_have_text(span)
        end = deadlines.get_by_role("listitem").filter(has_text="perioden udløber").filter(has_text="Åben")
        expect(end).to_have_count(1)
        # A day deadline reads as its last day, not as the midnight after it.
        expect(end).to_contain_text(f"sidste dag {local_text(last_day, 'j. F Y')}")

    expect(period).to_contain_text(scenario.period_label)
    expect_period(30)
    expect(timeline.first).to_contain_text("Periode givet")
    ui.check("case-period")

    # Extend twice, to exactly 120 days.
    for days, reason in [(60, "Personen er i behandling for skader."), (30, "Venter på rejsedokumenter.")]:
        page.get_by_role("link", name="Forlæng perioden").click()
        expect(page).to_have_url(ui.url(f"/sager/{number}/forlaengelse/"))
        if days == 60:
            ui.check("extend-form")
        page.get_by_label("Forlæng med (dage)").fill(str(days))
        page.get_by_label("Særlige omstændigheder").fill(reason)
        page.get_by_label("Personen vil samarbejde om en forberedt hjemrejse").check()
        page.get_by_role("button", name="Forlæng", exact=True).click()
        expect(page).to_have_url(ui.url(f"/sager/{number}/"))
        extension = period.get_by_role("term").filter(has_text=f"Forlænget med {days} dage")
        expect(extension).to_have_count(1)
        expect(period.get_by_role("definition").last).to_have_text(reason)
        expect(timeline.first).to_contain_text("Periode forlænget")
        expect(timeline.first).to_contain_text(reason)
    expect_period(120)
    # The period ends the extensions replaced are history, behind "Vis historik", not tasks in the list.
    replaced = deadlines.get_by_role("listitem").filter(has_text="erstattet af en forlængelse")
    expect(replaced).to_have_count(0)
    deadlines.get_by_text("Vis historik").click()
    expect(replaced).to_have_count(2)
    expect(timeline).to_have_count(5)
    ui.check("case-extended-120")

    # At 120 days no extension is offered; the page says why instead, and the page itself answers 403 with it.
    refusal = "Perioden har nået det højeste antal dage, 120, og kan ikke forlænges mere."
    expect(page.get_by_role("link", name="Forlæng perioden")).to_have_count(0)
    expect(page.get_by_test_id("case-unavailable")).to_have_text(refusal)
    response = ui.goto(f"/sager/{number}/forlaengelse/")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text(refusal)
    ui.check("extend-refused")
    ui.goto(f"/sager/{number}/")

    case.refresh_from_db()
    assert case.status == Case.Status.PERIOD
    assert Period.objects.get(case=case).days_total == 120
    assert case.period.extensions.count() == 2
    assert list(case.events.values_list("event_type", flat=True).order_by("created_at", "id")) == [
        CaseEvent.Type.REFERRAL_REGISTERED,
        CaseEvent.Type.ASSESSMENT_RECORDED,
        CaseEvent.Type.PERIOD_GRANTED,
        CaseEvent.Type.PERIOD_EXTENDED,
        CaseEvent.Type.PERIOD_EXTENDED,
    ]
    assert case.deadlines.filter(status=Deadline.Status.OPEN).count() == 1
