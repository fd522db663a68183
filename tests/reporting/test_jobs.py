"""Ordering a report, following it, downloading it: the pages, the task's claim, audit, and who sees what.

Celery is eager here (no broker): the report is made in the request once the order is committed, so the job
is done when the redirect lands. test_worker.py sends the same order through Redis to a real worker.
"""

import datetime as dt
import io
import logging

import pdfplumber
import pytest
from django.utils import timezone

from audit.models import AuditEvent
from reporting import services
from reporting.models import ReportJob
from reporting.tasks import report_generate
from tests.factories import UserFactory, login

from .conftest import canaries

pytestmark = pytest.mark.django_db


def order(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/statistik/", data)


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as opened:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in opened.pages)


def job_of(user, **fields) -> ReportJob:
    today = timezone.localdate()
    values = {"start": today.replace(month=1, day=1), "end": today, "language": "da", **fields}
    return ReportJob.objects.create(
        requested_by=user,
        parameters=ReportJob.parameters_of(values["start"], values["end"], values["language"]),
        **values,
    )


def test_an_img_member_orders_a_report_and_downloads_its_pdf_and_csv_with_no_person_in_them(
    client, img_member, victims, this_year, django_capture_on_commit_callbacks
):
    login(client, img_member)

    response = order(client, this_year, django_capture_on_commit_callbacks)

    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/statistik/{job.pk}/"
    assert job.status == ReportJob.Status.DONE, job.error
    page = client.get(response["Location"]).content.decode()
    assert f'href="/statistik/{job.pk}/pdf/"' in page and f'href="/statistik/{job.pk}/csv/"' in page
    assert "hx-trigger" not in page  # done: nothing polls

    pdf = client.get(f"/statistik/{job.pk}/pdf/")
    csv = client.get(f"/statistik/{job.pk}/csv/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith('attachment; filename="statistik-')
    assert csv["Content-Type"].startswith("text/csv")
    text = pdf_text(pdf.content)
    assert "Statistik om menneskehandel" in text and "Side 1 af" in text
    for datum in canaries(victims):
        assert datum not in text, datum
        assert datum not in csv.content.decode(), datum


def test_an_english_report_has_english_headings(
    client, img_member, victims, this_year, django_capture_on_commit_callbacks
):
    login(client, img_member)
    order(client, {**this_year, "language": "en"}, django_capture_on_commit_callbacks)

    text = pdf_text(client.get(f"/statistik/{ReportJob.objects.get().pk}/pdf/").content)

    assert "Statistics on human trafficking" in text and "Page 1 of" in text and "Notes and counting rules" in text
    assert "Side 1 af" not in text and "Noter og tælleregler" not in text and "Indhold" not in text


def test_ordering_and_every_download_are_audited_with_the_period_and_language_only(
    client, img_member, victims, this_year, django_capture_on_commit_callbacks
):
    login(client, img_member)
    order(client, this_year, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    client.get(f"/statistik/{job.pk}/pdf/")
    client.get(f"/statistik/{job.pk}/pdf/")
    client.get(f"/statistik/{job.pk}/csv/")

    rows = list(AuditEvent.objects.filter(what="statistics_report").order_by("seq"))
    period = {"start": this_year["start"], "end": this_year["end"], "language": "da"}
    assert [(row.action, row.detail) for row in rows] == [
        (AuditEvent.Action.CREATE, period),
        (AuditEvent.Action.EXPORT, {**period, "format": "pdf"}),
        (AuditEvent.Action.EXPORT, {**period, "format": "pdf"}),
        (AuditEvent.Action.EXPORT, {**period, "format": "csv"}),
    ]
    assert all(row.case_ids == [] and row.actor == img_member for row in rows)
    assert {row.purpose for row in rows} == {AuditEvent.Purpose.STATISTICS}


def test_the_same_order_on_the_same_data_gives_the_same_figures(
    client, img_member, victims, this_year, django_capture_on_commit_callbacks
):
    login(client, img_member)
    order(client, this_year, django_capture_on_commit_callbacks)
    order(client, this_year, django_capture_on_commit_callbacks)

    first, second = ReportJob.objects.order_by("pk")
    assert first.status == second.status == ReportJob.Status.DONE
    assert first.csv and first.csv == second.csv
    # The second weighed against the first: the user's earlier finished reports' periods.
    assert services.earlier_periods(second) == [(first.start, first.end)]
    assert services.earlier_periods(first) == []


def test_another_users_report_answers_404_on_every_address(client, img_member, img_colleague):
    theirs = job_of(img_colleague, status=ReportJob.Status.DONE, pdf=b"%PDF-1.7", csv="a,b\n")
    login(client, img_member)

    for suffix in ("", "status/", "pdf/", "csv/"):
        assert client.get(f"/statistik/{theirs.pk}/{suffix}").status_code == 404, suffix
    assert 'data-testid="report-job"' not in client.get("/statistik/").content.decode()
    assert not AuditEvent.objects.filter(what="statistics_report").exists()


def test_roles_without_statistics_are_refused_and_coordinators_may(client, cmm_worker, coordinator, dis_worker):
    dis_coordinator = UserFactory(agency="DIS", role="dis_coordinator", team=None)
    for user, status in ((cmm_worker, 403), (dis_worker, 403), (coordinator, 200), (dis_coordinator, 200)):
        login(client, user)
        assert client.get("/statistik/").status_code == status, user.role


def test_the_status_fragment_polls_while_the_report_is_made_and_stops_when_it_is_done(
    client, img_member, django_assert_num_queries
):
    job = job_of(img_member)
    login(client, img_member)
    client.get("/statistik/")  # the session and the device are read once before counting

    with django_assert_num_queries(4):  # session, user, second factor, the report
        queued = client.get(f"/statistik/{job.pk}/status/", headers={"HX-Request": "true"}).content.decode()
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING, step=ReportJob.Step.CHARTS, started_at=timezone.now()
    )
    running = client.get(f"/statistik/{job.pk}/status/").content.decode()
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE, step="", pdf=b"%PDF", csv="x")
    done = client.get(f"/statistik/{job.pk}/status/").content.decode()

    poll = f'hx-get="/statistik/{job.pk}/status/" hx-trigger="every 1s"'
    assert poll in queued and "Rapporten venter" in queued
    assert poll in running and "Trin 3 af 4: Tegner diagrammer." in running and 'value="50"' in running
    assert "hx-trigger" not in done and f"/statistik/{job.pk}/pdf/" in done
    assert "<script" not in queued + running + done  # the strict CSP: htmx attributes only


def test_the_list_page_shows_the_users_reports_in_a_fixed_number_of_queries(
    client, img_member, django_assert_num_queries
):
    for year in range(2015, 2020):
        job_of(img_member, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), status=ReportJob.Status.DONE)
    login(client, img_member)
    client.get("/statistik/")

    with django_assert_num_queries(4):  # session, user, second factor, the reports
        page = client.get("/statistik/").content.decode()

    assert page.count('data-testid="report-job"') == 5
    assert "1. januar 2019 – 31. december 2019" in page


def test_a_download_before_the_report_is_done_goes_back_to_its_page_unaudited(client, img_member):
    job = job_of(img_member)
    login(client, img_member)

    response = client.get(f"/statistik/{job.pk}/pdf/")

    assert response.status_code == 302 and response["Location"] == f"/statistik/{job.pk}/"
    assert not AuditEvent.objects.filter(what="statistics_report").exists()


def test_the_task_claims_the_report_once_and_a_second_delivery_does_nothing(img_member, victims):
    job = job_of(img_member)

    assert report_generate.delay(job.pk).get() == "done"
    job.refresh_from_db()
    made = (job.finished_at, job.csv, bytes(job.pdf))
    assert report_generate.delay(job.pk).get() == "taken"

    job.refresh_from_db()
    assert (job.finished_at, job.csv, bytes(job.pdf)) == made


def test_a_report_lost_while_running_is_claimed_again_after_it_must_have_ended(img_member, victims):
    fresh = job_of(img_member, status=ReportJob.Status.RUNNING, started_at=timezone.now())
    assert services.report_job_run(job_id=fresh.pk) == "taken"

    ReportJob.objects.filter(pk=fresh.pk).update(started_at=timezone.now() - services.STALE_AFTER * 1.1)
    assert services.report_job_run(job_id=fresh.pk) == "done"


def test_a_failure_tells_the_user_in_their_terms_and_logs_no_more_than_its_kind(
    client, img_member, victims, this_year, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    import weasyprint

    def broken(*args, **kwargs):
        raise OSError(f"cannot write {victims[0].number}")  # the outside world fails, naming data

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    login(client, img_member)
    with caplog.at_level(logging.WARNING, logger="reporting.services"):
        response = order(client, this_year, django_capture_on_commit_callbacks)

    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.FAILED and job.pdf is None and job.csv == ""
    assert job.error.startswith("Rapporten kunne ikke laves på grund af en fejl i systemet.")
    page = client.get(response["Location"]).content.decode()
    assert job.error in page and "Bestil rapporten igen" in page and "hx-trigger" not in page
    assert "OSError" in caplog.text and victims[0].number not in caplog.text
    assert "Traceback" not in page and "cannot write" not in page


def test_a_second_order_while_one_is_on_its_way_is_refused_and_the_same_one_leads_to_it(
    client, img_member, this_year, django_capture_on_commit_callbacks
):
    waiting = job_of(img_member, start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31))
    ReportJob.objects.filter(pk=waiting.pk).update(status=ReportJob.Status.RUNNING, started_at=timezone.now())
    login(client, img_member)

    refused = client.post("/statistik/", this_year)
    again = client.post("/statistik/", {"kind": "year", "year": "2016", "language": "da"})

    assert refused.status_code == 200
    assert "Du har allerede en rapport under udarbejdelse." in refused.content.decode()
    assert again.status_code == 302 and again["Location"] == f"/statistik/{waiting.pk}/"
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "year"}, "year", "Vælg et år."),
        ({"kind": "year", "year": "2031"}, "year", "Vælg et af årene på listen."),
        ({"kind": "period"}, "start", "Udfyld fra og med."),
        ({"kind": "period", "start": "2017-06-01", "end": "2017-05-31"}, "end", "Til og med skal være samme dag"),
        (
            {"kind": "period", "start": "2017-01-01", "end": "2099-12-31"},
            "end",
            "Perioden kan ikke slutte efter i dag.",
        ),
        ({"kind": "period", "start": "2008-01-01", "end": "2018-01-01"}, "end", "Perioden kan højst være 10 år."),
        (
            {"kind": "period", "start": "2001-01-01", "end": "2002-01-01"},
            "start",
            "Statistikken begynder 1. januar 2007.",
        ),
    ],
)
def test_a_wrong_period_is_explained_next_to_its_field(client, img_member, data, field, message):
    login(client, img_member)

    page = client.post("/statistik/", {"language": "da", **data}).content.decode()

    assert f'id="id_{field}_error"' in page
    error = page[page.index(f'id="id_{field}_error"') :]
    assert message in error[: error.index("</span>", error.index("</span>") + 1)]
    assert not ReportJob.objects.exists()


def test_every_problem_of_the_period_is_shown_at_once(client, img_member):
    login(client, img_member)

    page = client.post("/statistik/", {"kind": "period", "start": "2001-01-01", "end": "2099-01-01"}).content.decode()

    assert 'id="id_start_error"' in page and 'id="id_end_error"' in page and 'id="id_language_error"' in page


def test_the_img_members_start_page_and_menu_lead_to_the_statistics(client, img_member):
    login(client, img_member)

    page = client.get("/").content.decode()

    assert 'data-testid="statistics-start"' in page
    assert page.count('href="/statistik/"') >= 3  # the button, and the menu in the header and the drawer
