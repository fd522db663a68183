"""The anonymous report from outside: sent in English, followed up with its receipt code, answered by CMM; and
CMM's triage turning a report into a referral and a case. axe checks every public page."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from intake.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_report_sent_and_followed_up_with_its_receipt_code(ui, open_ui, cmm_worker):
    page = ui.page
    ui.goto("/indberet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonym indberetning om menneskehandel")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymous report of human trafficking")
    ui.check("report-form-en")

    # Bad input: a clear message, and the text stays.
    page.get_by_label("What have you seen or heard?").fill("Three women live in the back room of the parlour.")
    page.get_by_role("button", name="Send the report").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose whether you are writing as a private person")
    expect(page.get_by_label("What have you seen or heard?")).to_have_value(
        "Three women live in the back room of the parlour."
    )
    ui.check("report-form-error")

    page.get_by_label("Municipality or town").fill("Odense")
    page.get_by_label("What kind of place?").select_option(label="Massage or beauty parlour")
    page.get_by_role("checkbox", name="Prostitution / sexual exploitation").check()
    page.get_by_role("radio", name="Business").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your report")
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"([0-9A-Z]{5}-){4}[0-9A-Z]{5}", code)
    ui.check("receipt")
    assert {cookie["name"] for cookie in page.context.cookies()} == {"csrftoken", "django_language"}

    # CMM answers in the triage queue.
    staff = open_ui("staff")
    staff.login(cmm_worker)
    staff.goto("/visitation/")
    staff.page.get_by_role("link", name=re.compile(r"^I-\d+$")).click()
    expect(staff.page.get_by_test_id("intake-text")).to_have_text("Three women live in the back room of the parlour.")
    staff.page.get_by_label("Svar til indberetteren").fill("Tak. Vi tager ud til stedet.")
    staff.page.get_by_role("button", name="Gem svaret").click()
    expect(staff.page.get_by_role("status")).to_contain_text("Svaret er gemt")

    # The reporter comes back with the code (typed in lower case, with spaces), reads the answer, adds more.
    page.get_by_role("link", name="Go to follow-up with a receipt code").click()
    page.get_by_label("Your receipt code").fill("0000-not-my-code")
    page.get_by_role("button", name="Open the report").click()
    expect(page.get_by_role("alert")).to_contain_text("The code does not match any report.")
    page.get_by_label("Your receipt code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Open the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report")
    expect(page.get_by_test_id("message-cmm")).to_contain_text("Tak. Vi tager ud til stedet.")
    ui.check("follow-up")
    page.get_by_label("More information").fill("A van comes every evening at ten.")
    page.get_by_role("button", name="Send to CMM").click()
    expect(page.get_by_role("status")).to_contain_text("What you added has been sent to CMM.")
    expect(page.get_by_test_id("message-reporter")).to_contain_text("A van comes every evening at ten.")
    assert code not in page.url


def test_a_report_turned_into_a_referral_and_then_a_case(ui, coordinator):
    page = ui.page
    ui.goto("/indberet/")
    page.get_by_label("Hvad har du set eller hørt?").fill("Mænd sover i containere på byggepladsen og får ingen løn.")
    page.get_by_label("Kommune eller by").fill("Køge")
    page.get_by_role("checkbox", name="Tvangsarbejde").check()
    page.get_by_role("radio", name="Udlejer").check()
    ui.check("report-form-da")
    page.get_by_role("button", name="Send indberetningen").click()
    expect(page.get_by_test_id("receipt-code")).to_be_visible()
    page.context.clear_cookies()

    ui.login(coordinator)
    page.get_by_role("link", name="Visitation").first.click()
    ui.check("queue")
    page.get_by_role("link", name=re.compile(r"^I-\d+$")).click()
    ui.check("report")
    page.get_by_role("link", name="Gør til en henvisning").click()
    # Filled in from the report: the channel, the exploitation and what was seen.
    expect(page.get_by_label("Kanal")).to_have_value("anonymous_web")
    expect(page.get_by_role("checkbox", name="Tvangsarbejde")).to_be_checked()
    expect(page.get_by_label("Omstændigheder")).to_contain_text("Mænd sover i containere")
    page.get_by_label("Fornavn(e)").fill("Ukendt")
    page.get_by_label("Køn").select_option(label="Mand")
    page.get_by_role("radio", name="Ulovligt ophold").check()
    page.get_by_label("Relation til rekrutteringsperson").select_option(label="Ukendt")
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()
    page.get_by_role("button", name="Opret sag").click()

    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    report = Report.objects.get()
    assert report.status == Report.Status.REFERRED and report.case == case
