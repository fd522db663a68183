"""A police liaison refers a person: the form in sections, countries and language by autocomplete, the
detention time revealed by its box, every error at once, "Tjek dine svar" with "Ret", and their own list."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency
from cases.models import Case

from .helpers import choose, input_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = "0100-76543-00021-26"


def test_a_referral_through_check_your_answers(ui, police):
    page = ui.page
    ui.login(police)
    ui.goto("/sager/ny/")
    for legend in ("Personen", "Identitetsoplysninger og kontakt", "Henvisningen", "Udnyttelse", "Frihedsberøvelse"):
        expect(page.get_by_role("group", name=legend, exact=True)).to_be_visible()
    # Nothing is chosen for the user.
    for label in ("Henvist af", "Kanal", "Køn", "Relation til rekrutteringsperson"):
        expect(page.get_by_label(label, exact=True).locator("option:checked")).to_have_text("Vælg")
    ui.check("referral-form")
    # A screen reader hears the field's own hint on the autocomplete, before the library's instructions.
    countries = page.get_by_role("combobox", name=re.compile("^Statsborgerskab"))
    instructions = page.locator(f"#{countries.get_attribute('aria-describedby')}")
    expect(instructions).to_contain_text("Skriv landets navn, og vælg det.")
    expect(instructions).to_contain_text("pil op og pil ned")

    page.get_by_label("Fornavn(e)").fill("Blessing")
    page.get_by_label("Efternavn").fill("Osagie")
    page.get_by_label("Køn").select_option(label="Kvinde")

    # Countries: typed, picked, listed with a button to remove each.
    choose(page, "Statsborgerskab", "niger", "Nigeria")
    choose(page, "Statsborgerskab", "rumæ", "Rumænien")
    chosen = page.get_by_role("list", name="Valgte lande")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    chosen.get_by_role("button", name="Fjern Rumænien").click()
    expect(chosen.get_by_role("listitem")).to_have_count(1)
    expect(page.get_by_role("combobox", name=re.compile("^Statsborgerskab"))).to_be_focused()
    choose(page, "Statsborgerskab", "gha", "Ghana")
    expect(chosen).to_contain_text("Nigeria")
    expect(chosen).to_contain_text("Ghana")
    choose(page, "Sprog", "bin", "Bini")

    page.get_by_label("Jeres reference / journalnummer").fill(REFERENCE)
    now = timezone.now().replace(second=0, microsecond=0)
    page.get_by_label("Modtaget").fill(input_value(now + dt.timedelta(days=1)))  # in the future: refused
    page.get_by_role("radio", name="Ulovligt ophold").check()
    page.get_by_role("checkbox", name="Tvangsarbejde").check()
    page.get_by_label("Relation til rekrutteringsperson").select_option(label="Ukendt")

    # The detention time is revealed by its box, and not marked optional.
    detained_at = page.get_by_label("Frihedsberøvet siden")
    expect(detained_at).to_be_hidden()
    page.get_by_label("Personen er frihedsberøvet").check()
    expect(detained_at).to_be_visible()
    expect(page.locator("#group-detained_at label")).not_to_contain_text("valgfri")

    # Every check at once, the answers kept.
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()
    assert posted.value.status == 400
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    errors = {
        "Henvist af": "Vælg hvem der henviser.",
        "Kanal": "Vælg hvordan henvisningen kom ind.",
        "Modtaget": "Henvisningen kan ikke være modtaget i fremtiden.",
        "Frihedsberøvet siden": "Angiv hvornår personen blev frihedsberøvet.",
    }
    expect(summary.get_by_role("link")).to_have_count(len(errors))
    for label, message in errors.items():
        expect(summary.get_by_role("link", name=f"{label}: {message}")).to_be_visible()
    expect(page.get_by_label("Fornavn(e)")).to_have_value("Blessing")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    expect(chosen.get_by_role("button", name="Fjern Ghana")).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^Sprog"))).to_have_value("Bini")
    expect(page.get_by_label("Jeres reference / journalnummer")).to_have_value(REFERENCE)
    expect(page.get_by_label("Personen er frihedsberøvet")).to_be_checked()
    expect(detained_at).to_be_visible()
    ui.check("referral-errors")

    page.get_by_label("Henvist af").select_option(label="Politiet")
    page.get_by_label("Kanal").select_option(label="Politiaktion")
    page.get_by_label("Modtaget").fill(input_value(now - dt.timedelta(hours=3)))
    detained_at.fill(input_value(now - dt.timedelta(hours=4)))
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()

    # Check your answers; nothing is saved yet, and nothing identifying is in the address.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek dine svar")
    assert page.url == ui.url("/sager/ny/")
    assert not Case.objects.exists()
    person, referral = page.get_by_test_id("answers-person"), page.get_by_test_id("answers-referral")
    expect(person).to_contain_text("Blessing")
    expect(person.get_by_role("row", name=re.compile("^Statsborgerskab"))).to_contain_text("Nigeria")
    expect(person.get_by_role("row", name=re.compile("^Statsborgerskab"))).to_contain_text("Ghana")
    expect(person.get_by_role("row", name=re.compile("^Sprog"))).to_contain_text("Bini")
    expect(referral.get_by_role("row", name=re.compile("^Kanal"))).to_contain_text("Politiaktion")
    expect(referral).to_contain_text(REFERENCE)
    expect(page.get_by_test_id("answers-detention")).to_contain_text("Ja")
    ui.check("referral-check")

    # "Ret": back to the form, filled in, at the answer to change.
    page.get_by_role("button", name="Ret kanal").click()
    channel = page.get_by_label("Kanal")
    expect(channel).to_be_focused()
    expect(page.get_by_label("Fornavn(e)")).to_have_value("Blessing")
    expect(chosen.get_by_role("listitem")).to_have_count(2)
    channel.select_option(label="Kontrol eller tilsyn")
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek dine svar")
    expect(referral.get_by_role("row", name=re.compile("^Kanal"))).to_contain_text("Kontrol eller tilsyn")

    ui.check("referral-check")  # at 1366 and 390 px

    page.get_by_role("button", name="Opret sag").click()
    expect(page).to_have_url(ui.url("/mine-henvisninger/"))
    case = Case.objects.select_related("person", "referral").get()
    assert case.competent_authority == Agency.DIS
    assert sorted(case.person.nationalities) == ["GH", "NG"]
    assert case.person.primary_language == "bini"
    assert case.referral.channel == "inspection"
    assert case.referral.referrer_reference == REFERENCE
    assert case.referral.detained_at == now - dt.timedelta(hours=4)
    expect(page.get_by_role("status")).to_contain_text(f"Henvisningen er registreret som sag {case.number}")
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(REFERENCE)
    expect(page.get_by_test_id(f"identification-{case.number}")).to_contain_text("Afventer")
    expect(page.locator("main")).not_to_contain_text("Osagie")
    ui.check("own-referrals")
