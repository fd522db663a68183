"""Prepared repatriation in the browser: the IOM writes a follow-up report with an attachment on a case shared with
it, and a caseworker sees it on the timeline and downloads it. Every page is checked with axe at 1366 and 390 px
and photographed as /tmp/e2e-shots/repatriation-*.png."""

import pytest
from playwright.sync_api import expect

from accounts.models import Agency, Role
from audit.models import AuditEvent
from tests.factories import TeamFactory, UserFactory
from tests.repatriation.helpers import (
    accepted_case,
    days_ago,
    fresh,
    jpeg_with_gps,
    returned,
    shared_for_repatriation,
)

from .helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def window(browser, browser_context_args, live_server, axe_source):
    contexts = []

    def make(label: str) -> Browser:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return Browser(context.new_page(), live_server.url, axe_source, prefix=f"repatriation-{label}")

    yield make
    for context in contexts:
        context.close()


def test_repatriation_follow_up_report_uploaded_by_the_iom_and_downloaded_by_a_caseworker(
    window, cmm_worker, dis_worker, tmp_path
):
    iom_team = TeamFactory(agency=Agency.IOM, name="IOM Danmark")
    iom = UserFactory(username="iom", first_name="Ivan", agency=Agency.IOM, role=Role.IOM_OFFICER, team=iom_team)
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker, days_ago(60))
    shared_for_repatriation(case, cmm_worker, iom_team)
    case = fresh(case)

    officer = window("iom")
    officer.login(iom)
    officer.goto(f"/sager/{case.number}/")
    section = officer.page.get_by_test_id("repatriation-section")
    expect(section).to_contain_text("Reintegrationsstøtte til og med")
    expect(section).to_contain_text("Opfølgning til og med")
    officer.check("case-page-iom")
    officer.page.get_by_role("link", name="Skriv opfølgningsrapport").click()
    expect(officer.page.get_by_role("heading", level=1)).to_have_text("Skriv opfølgningsrapport")
    officer.check("report-form")

    # First an executable under a PDF's name: refused beside the field, the text kept.
    fake = tmp_path / "rapport.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)
    officer.page.get_by_label("Rapport", exact=True).fill("Personen har fået bolig og er startet i skole.")
    officer.page.get_by_label("Bilag").set_input_files(str(fake))
    officer.page.get_by_role("button", name="Gem rapport").click()
    expect(officer.page.locator("#id_attachments_error")).to_contain_text("ikke en PDF, JPEG eller PNG")
    expect(officer.page.get_by_label("Rapport", exact=True)).to_have_value(
        "Personen har fået bolig og er startet i skole."
    )
    officer.check("report-form-refused")

    photo = tmp_path / "bolig.jpg"
    photo.write_bytes(jpeg_with_gps())
    officer.page.get_by_label("Bilag").set_input_files(str(photo))
    officer.page.get_by_role("button", name="Gem rapport").click()
    expect(officer.page.get_by_role("heading", level=1)).to_contain_text("Opfølgningsrapporter")
    expect(officer.page.get_by_test_id("follow-up-report")).to_contain_text("startet i skole")
    officer.check("reports-iom")

    caseworker = window("caseworker")
    caseworker.login(dis_worker)
    caseworker.goto(f"/sager/{case.number}/")
    timeline = caseworker.page.locator(".timeline")
    expect(timeline).to_contain_text("Opfølgningsrapport tilføjet")
    expect(timeline).to_contain_text("startet i skole")
    caseworker.check("case-page-caseworker")
    with caseworker.page.expect_download() as download_info:
        caseworker.page.get_by_test_id("timeline-attachment").first.click()
    download = download_info.value
    assert download.suggested_filename == f"opfoelgning-{days_ago(0):%Y-%m-%d}-1.jpg"
    content = download.path().read_bytes()
    assert content.startswith(b"\xff\xd8\xff") and b"Exif" not in content
    assert AuditEvent.objects.filter(what="follow_up_attachment", actor=dis_worker).count() == 1

    caseworker.goto(f"/sager/{case.number}/opfoelgning/")
    expect(caseworker.page.get_by_test_id("attachment-link")).to_have_count(1)
    caseworker.check("reports-caseworker")
