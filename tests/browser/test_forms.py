"""Forms under stress in the browser: bad input on the referral form, and two people writing at once.

Whatever goes wrong, the user's typed input must survive, and the reason must be shown next to the
field and in the error summary at the top (which takes focus, for screen-reader and keyboard users).
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency, Role
from cases.models import Case
from identification import services as identification
from identification.models import Assessment, Period
from tests.factories import UserFactory, make_case

from .helpers import choose, input_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFLICT = (
    "Sagen er blevet ændret af en anden, efter du åbnede den. Dine indtastninger er bevaret: "
    "gennemse sagen og gem igen."
)


def test_referral_form_shows_errors_beside_fields_and_keeps_input(ui, coordinator):
    page = ui.page
    ui.login(coordinator)
    ui.goto("/sager/ny/")
    summary = page.get_by_role("alert")
    expect(summary).to_have_count(0)

    # Nothing filled in.
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Formularen kunne ikke gemmes")
    expected = {
        "given_name": ("Fornavn(e)", "Skriv personens fornavn."),
        "gender": ("Køn", "Vælg personens køn, eller vælg Ikke oplyst."),
        "received_at": ("Modtaget", "Angiv hvornår henvisningen blev modtaget."),
        "source": ("Henvist af", "Vælg hvem der henviser."),
        "channel": ("Kanal", "Vælg hvordan henvisningen kom ind."),
        "residence_status": ("Opholdsgrundlag", "Vælg personens opholdsgrundlag."),
        "exploitation_forms": ("Formodede udnyttelsesformer", "Vælg mindst én formodet udnyttelsesform."),
        "recruiter_relation": (
            "Relation til rekrutteringsperson",
            "Vælg personens relation til rekrutteringspersonen, eller vælg Ukendt.",
        ),
    }
    expect(summary.get_by_role("link")).to_have_count(len(expected))
    for name, (label, message) in expected.items():
        expect(page.locator(f"#group-{name} .form-error-message")).to_have_text(f"Fejl: {message}")
        expect(summary.get_by_role("link", name=f"{label}: {message}")).to_be_visible()
    expect(page.get_by_label("Fornavn(e)")).to_have_accessible_description("Fejl: Skriv personens fornavn.")
    # The groups of radio buttons and checkboxes carry their error on the fieldset.
    expect(page.get_by_role("group", name="Opholdsgrundlag")).to_have_accessible_description(
        re.compile("Afgør hvem der er kompetent myndighed.*Vælg personens opholdsgrundlag.")
    )
    expect(page.get_by_label("Frihedsberøvet siden")).to_be_hidden()
    ui.check("referral-empty")

    # Filled in, but received in the future and detained without a time.
    now = timezone.now().replace(second=0, microsecond=0)
    typed = {
        "Fornavn(e)": "Ada",
        "Efternavn": "Lovelace",
        "Andre navne": "A. L.",
        "Henvisende myndighed eller organisation": "Reden International",
        "Omstændigheder": "Mødt på gaden af opsøgende medarbejder.\nVil gerne tale med en kvinde.",
        "Modtaget": input_value(now + dt.timedelta(days=2)),
    }
    for label, value in typed.items():
        page.get_by_label(label).fill(value)
    choose(page, "Statsborgerskab", "niger", "Nigeria")
    choose(page, "Statsborgerskab", "rumæ", "Rumænien")
    choose(page, "Sprog", "engel", "Engelsk")
    page.get_by_label("Køn").select_option(label="Kvinde")
    page.get_by_label("Relation til rekrutteringsperson").select_option(label="Ukendt")
    page.get_by_label("Henvist af").select_option("NGO")
    page.get_by_label("Kanal").select_option("hotline")
    page.locator("input[name=residence_status][value=asylum_seeker]").check()
    page.get_by_role("checkbox", name="Tvangsarbejde").check()
    page.get_by_role("checkbox", name="Gældsslaveri").check()
    page.get_by_label("Personen er frihedsberøvet").check()
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()

    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)
    future = "Henvisningen kan ikke være modtaget i fremtiden."
    no_time = "Angiv hvornår personen blev frihedsberøvet."
    expect(page.locator("#group-received_at .form-error-message")).to_have_text(f"Fejl: {future}")
    expect(page.locator("#group-detained_at .form-error-message")).to_have_text(f"Fejl: {no_time}")
    expect(page.locator(".form-error-message")).to_have_count(2)
    for label, value in typed.items():
        expect(page.get_by_label(label)).to_have_value(value)
    chosen = page.get_by_role("list", name="Valgte lande")
    expect(chosen.get_by_role("button", name="Fjern Nigeria")).to_be_visible()
    expect(chosen.get_by_role("button", name="Fjern Rumænien")).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^Sprog"))).to_have_value("Engelsk")
    expect(page.get_by_label("Henvist af")).to_have_value("NGO")
    expect(page.get_by_label("Kanal")).to_have_value("hotline")
    expect(page.locator("input[name=residence_status][value=asylum_seeker]")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Tvangsarbejde")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Gældsslaveri")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Prostitution / seksuel udnyttelse")).not_to_be_checked()
    expect(page.get_by_label("Personen er frihedsberøvet")).to_be_checked()
    detained_at = page.get_by_label("Frihedsberøvet siden")
    expect(detained_at).to_be_visible()
    expect(detained_at).to_have_value("")
    # The summary's link puts the cursor in the field.
    summary.get_by_role("link", name=re.compile("^Frihedsberøvet siden")).click()
    expect(detained_at).to_be_focused()
    ui.check("referral-errors")

    # Corrected: the case is created with everything that was typed before.
    page.get_by_label("Modtaget").fill(input_value(now - dt.timedelta(hours=3)))
    detained_at.fill(input_value(now - dt.timedelta(hours=2)))
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek dine svar")
    page.get_by_role("button", name="Opret sag").click()
    expect(page).to_have_url(re.compile(r"/sager/CMM-\d{4}-\d{4}/$"))
    expect(page.get_by_role("status")).to_contain_text("Henvisningen er registreret som sag")
    case = Case.objects.select_related("person", "referral").get()
    assert case.competent_authority == Agency.DIS
    assert (case.person.given_name, case.person.family_name, case.person.aliases) == ("Ada", "Lovelace", "A. L.")
    assert case.person.nationalities == ["NG", "RO"]
    assert case.person.primary_language == "engelsk"
    assert case.referral.referring_organisation == "Reden International"
    assert case.referral.means_of_control == ["DebtBondage"]
    assert case.referral.circumstances == typed["Omstændigheder"].replace("\n", "\r\n")
    assert case.referral.detained_at == now - dt.timedelta(hours=2)

    # On a phone the main menu moves into the DKFDS drawer behind the Menu button.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmenu").first).to_be_hidden()
    menu_button.click()
    drawer = page.get_by_role("dialog", name="Menu")
    expect(drawer).to_be_visible()
    expect(drawer.get_by_role("link", name="Sager", exact=True)).to_have_attribute("aria-current", "true")
    expect(drawer.get_by_role("button", name="Log af")).to_be_visible()
    ui.check("mobile-menu-open", full_page=False, phone_only=True)
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(menu_button).to_be_focused()


def test_stale_extension_is_refused_with_input_kept_and_can_be_resubmitted(ui, open_ui, dis_worker):
    """The same caseworker has the case open in two windows (two browser contexts)."""
    case = make_case(dis_worker)
    identification.assessment_record(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        decision=Assessment.Decision.VICTIM,
        decided_on=timezone.localdate(),
        reasons="Klare indikatorer.",
    )
    identification.period_grant(
        case=case, actor=dis_worker, expected_version=case.version, starts_on=timezone.localdate()
    )
    first, second = ui, open_ui("second-window")
    for window in (first, second):
        window.login(dis_worker)
        window.goto(f"/sager/{case.number}/forlaengelse/")

    def fill(window, days, reason):
        window.page.get_by_label("Forlæng med (dage)").fill(str(days))
        window.page.get_by_label("Særlige omstændigheder").fill(reason)
        window.page.get_by_label("Personen vil samarbejde om en forberedt hjemrejse").check()

    fill(second, 20, "Skal vidne i retten i næste måned.")
    fill(first, 30, "Indlagt på hospital.")
    first.page.get_by_role("button", name="Forlæng", exact=True).click()
    expect(first.page.get_by_role("status")).to_contain_text("Perioden er forlænget til og med")

    with second.page.expect_response(lambda r: r.request.method == "POST") as posted:
        second.page.get_by_role("button", name="Forlæng", exact=True).click()
    assert posted.value.status == 409
    summary = second.page.get_by_role("alert")
    expect(summary).to_contain_text(CONFLICT)
    expect(summary).to_be_focused()
    expect(second.page.get_by_label("Forlæng med (dage)")).to_have_value("20")
    expect(second.page.get_by_label("Særlige omstændigheder")).to_have_value("Skal vidne i retten i næste måned.")
    expect(second.page.get_by_label("Personen vil samarbejde om en forberedt hjemrejse")).to_be_checked()
    # The page now shows the case as it is, so the caseworker can see what the other write changed.
    expect(second.page.get_by_test_id("case-summary")).to_contain_text("Refleksionsperiode")
    expect(second.page.get_by_test_id("case-summary")).to_contain_text("(60 dage)")
    assert Period.objects.get(case=case).days_total == 60
    second.check("extend-conflict")

    # Having seen the conflict, the caseworker saves again: it applies to the case as it is now.
    second.page.get_by_role("button", name="Forlæng", exact=True).click()
    expect(second.page.get_by_role("status")).to_contain_text("Perioden er forlænget til og med")
    expect(second.page.get_by_test_id("period-span")).to_contain_text("(80 dage)")
    assert Period.objects.get(case=case).days_total == 80


def test_stale_assessment_is_refused_with_input_kept(ui, open_ui, dis_worker):
    """Two DIS caseworkers assess the same person at the same time; the second one is told, not lost."""
    colleague = UserFactory(username="us.kollega", agency=Agency.DIS, role=Role.DIS_CASEWORKER, team=None)
    case = make_case(dis_worker)
    first, second = ui, open_ui("colleague")
    first.login(dis_worker)
    second.login(colleague)
    for window in (first, second):
        window.goto(f"/sager/{case.number}/vurdering/")

    second.page.get_by_role("radio", name="Ikke vurderet som offer").check()
    second.page.get_by_label("Tolkesprog").fill("tigrinya")
    second.page.get_by_label("Begrundelse").fill("Ingen indikatorer i samtalen.")

    first.page.get_by_role("radio", name="Vurderet som offer", exact=True).check()
    first.page.get_by_label("Begrundelse").fill("Klare indikatorer på tvangsarbejde.")
    first.page.get_by_role("button", name="Registrér vurdering").click()
    expect(first.page.get_by_role("status")).to_contain_text("Vurderingen er registreret: vurderet som offer.")

    with second.page.expect_response(lambda r: r.request.method == "POST") as posted:
        second.page.get_by_role("button", name="Registrér vurdering").click()
    assert posted.value.status == 409
    expect(second.page.get_by_role("alert")).to_contain_text(CONFLICT)
    expect(second.page.get_by_role("radio", name="Ikke vurderet som offer")).to_be_checked()
    expect(second.page.get_by_label("Tolkesprog")).to_have_value("tigrinya")
    expect(second.page.get_by_label("Begrundelse")).to_have_value("Ingen indikatorer i samtalen.")
    second.check("assessment-conflict")
    assessment = Assessment.objects.get(case=case)
    assert (assessment.decision, assessment.decided_by) == (Assessment.Decision.VICTIM, dis_worker)
