"""The working group's member orders a report in the browser, follows it while it is made, and gets its files."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency, Role
from reporting.models import ReportJob
from tests.factories import UserFactory, make_case
from tests.states import assessed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def img_member(db):
    return UserFactory(username="img.medlem", agency=Agency.IMG, role=Role.IMG_MEMBER, team=None)


def test_the_img_member_orders_a_report_and_downloads_it(ui, img_member, dis_worker):
    for _ in range(6):
        assessed(make_case(dis_worker), dis_worker)
    page = ui.page
    ui.login(img_member)
    ui.check("start-page")
    page.get_by_test_id("statistics-start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistik")
    ui.check("statistics")

    page.get_by_label("En anden periode").check()
    page.get_by_label("Fra og med").fill("2017-06-01")
    page.get_by_label("Til og med").fill("2017-05-31")
    page.get_by_role("button", name="Lav rapport").click()
    expect(page.locator("#id_end_error")).to_contain_text("Til og med skal være samme dag som fra og med")
    ui.check("statistics-errors")

    today = timezone.localdate()
    page.get_by_label("Fra og med").fill(f"{today.year}-01-01")
    page.get_by_label("Til og med").fill(today.isoformat())
    page.get_by_label("English").check()
    page.get_by_role("button", name="Lav rapport").click()
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "done")
    ui.check("report-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent rapporten (PDF)").click()
    assert download.value.suggested_filename == f"statistik-{today.year}-01-01-{today.isoformat()}-en.pdf"

    page.get_by_role("link", name="Tilbage til statistik").click()
    expect(page.get_by_test_id("report-job")).to_have_count(1)
    ui.check("statistics-with-report")


def test_the_report_page_follows_the_report_until_it_is_done(ui, img_member):
    job = ReportJob.objects.create(
        requested_by=img_member,
        start=timezone.localdate().replace(month=1, day=1),
        end=timezone.localdate(),
        language="da",
        parameters="running",
        status=ReportJob.Status.RUNNING,
        step=ReportJob.Step.CHARTS,
        started_at=timezone.now(),
    )
    page = ui.page
    ui.login(img_member)
    ui.goto(f"/statistik/{job.pk}/")
    expect(page.get_by_test_id("report-status")).to_contain_text("Trin 3 af 4: Tegner diagrammer.")
    ui.check("report-running")

    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.DONE, step="", pdf=b"%PDF-1.7", csv="x", finished_at=timezone.now()
    )

    expect(page.get_by_role("link", name="Hent rapporten (PDF)")).to_be_visible(timeout=5000)  # by polling
    expect(page.get_by_test_id("report-status")).not_to_have_attribute("hx-trigger", "every 1s")
    ui.check("report-done-by-polling")
