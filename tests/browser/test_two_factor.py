"""The first login in the browser: set up the authenticator app from the QR page, then log in with a recovery code."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, otp_code_for_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(ui, user):
    page = ui.page
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_first_login_sets_up_the_app_and_a_recovery_code_works_once(ui, cmm_worker):
    page = ui.page
    ui.goto("/sager/")
    password_step(ui, cmm_worker)

    # No app yet: the enrolment page, with a QR code (an image from a data: URI, which the CSP allows).
    expect(page.get_by_role("heading", level=1)).to_have_text("Opsæt to-faktor-godkendelse")
    qr = page.get_by_role("img", name="QR-kode til godkendelsesappen")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    secret = page.get_by_test_id("otp-secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    ui.check("enrol")

    page.get_by_label("Kode fra appen").fill("123")
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_text("Skriv de 6 cifre, appen viser.", exact=True)).to_be_visible()

    page.get_by_label("Kode fra appen").fill(otp_code_for_secret(secret))  # what the app shows for the key
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dine gendannelseskoder")
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    ui.check("recovery-codes")

    page.get_by_role("link", name="Jeg har gemt koderne").click()
    expect(page).to_have_url(ui.url("/sager/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sager")

    # Log out (the server session ends), then log in with a recovery code instead of the phone.
    with page.expect_response(lambda r: r.url.endswith("/logout/")) as logout:
        page.get_by_role("button", name="Log af").first.click()
    assert logout.value.all_headers()["clear-site-data"] == '"cache", "cookies", "storage"'
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    password_step(ui, cmm_worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("To-faktor-godkendelse")
    ui.check("verify")
    page.get_by_label("Kode", exact=True).fill(codes[0])
    page.get_by_role("button", name="Bekræft").click()
    expect(page).to_have_url(ui.url("/"))

    # The same recovery code a second time is refused.
    page.get_by_role("button", name="Log af").first.click()
    password_step(ui, cmm_worker)
    page.get_by_label("Kode", exact=True).fill(codes[0])
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("alert")).to_contain_text("Koden blev ikke godkendt")
    ui.check("verify-refused")


def test_wrong_passwords_count_down_the_tries_then_the_pause_page_says_how_long(ui, cmm_worker):
    page = ui.page
    ui.goto("/login/")
    for left in (4, 3, 2, 1):
        page.get_by_label("Brugernavn").fill(cmm_worker.username)
        page.get_by_label("Adgangskode").fill("not-the-password")
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_test_id("tries-left")).to_have_text(f"{left} forsøg tilbage, før log ind holder en pause.")
    ui.check("login-tries-left")

    page.get_by_label("Adgangskode").fill("not-the-password")
    page.get_by_role("button", name="Log ind").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind er spærret")
    expect(page.get_by_test_id("pause")).to_have_text("Prøv igen om 15 minutter.")
    ui.check("login-paused")
