"""The support pages in the browser's terms: forms, the case page's section, the plan's pages, the start page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from cases import worklist
from cases.models import Case
from grants.models import Share
from support.models import ActionPlanVersion, SupportService
from tests.cases.test_query_counts import CASE_READ_MAX_QUERIES
from tests.factories import login

from .conftest import record, save_plan, share, update

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
Status = SupportService.Status


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


def test_case_page_shows_services_and_plan_without_more_queries(client, case, cmm_worker):
    login(client, cmm_worker)
    url = f"/sager/{case.number}/"
    few, _ = _queries(client, url)
    for kind in ("shelter", "medical", "legal", "interpreter"):
        record(case, cmm_worker, type=kind, status=Status.ACCEPTED)
    save_plan(case, cmm_worker)
    save_plan(case, cmm_worker, goals=["Andet mål"])
    more, response = _queries(client, url)

    assert more == few <= CASE_READ_MAX_QUERIES
    page = response.content.decode()
    assert page.count('data-testid="support-service"') == 4 and "Lægehjælp" in page
    assert "Andet mål" in page and 'data-testid="action-plan-next-review"' in page
    assert "Registrér støtte" in page and "Ny udgave af handlingsplanen" in page


@pytest.mark.parametrize("path", ["handlingsplan/", "handlingsplan/1/", "stoette/"])
def test_plan_and_service_pages_have_a_fixed_number_of_queries(client, case, cmm_worker, path):
    login(client, cmm_worker)
    save_plan(case, cmm_worker)
    record(case, cmm_worker)
    url = f"/sager/{case.number}/{path}"
    few, _ = _queries(client, url)
    for i in range(4):
        save_plan(case, cmm_worker, goals=[f"Mål {i}"])
        record(case, cmm_worker, type="medical")
    more, response = _queries(client, url)
    assert more == few <= CASE_READ_MAX_QUERIES


def test_history_lists_every_version_and_each_has_its_page(client, case, cmm_worker):
    login(client, cmm_worker)
    save_plan(case, cmm_worker, goals=["Første mål"])
    save_plan(case, cmm_worker, goals=["Andet mål"])
    page = client.get(f"/sager/{case.number}/handlingsplan/").content.decode()
    assert page.count('data-testid="plan-version"') == 2
    first = client.get(f"/sager/{case.number}/handlingsplan/1/").content.decode()
    assert "Første mål" in first and "En tidligere udgave" in first
    assert client.get(f"/sager/{case.number}/handlingsplan/3/").status_code == 404
    assert set(AuditEvent.objects.values_list("what", flat=True)) >= {"action_plan_history", "action_plan_version"}


def test_the_support_ngo_reads_services_and_plan_but_not_notes_and_the_iom_neither(
    client, case, cmm_worker, ngo_worker, reden, iom_officer, iom_team
):
    record(case, cmm_worker, note="Hemmelig note")
    save_plan(case, cmm_worker)
    share(case, reden)
    share(case, iom_team, scope=Share.Scope.REPATRIATION)

    login(client, ngo_worker)
    page = client.get(f"/sager/{case.number}/").content.decode()
    assert "Reden København" in page and "Finde en sikker bolig" in page
    assert "Registrér støtte" not in page
    assert client.get(f"/sager/{case.number}/handlingsplan/").status_code == 200
    api = client.get(f"/api/v1/cases/{case.number}/support-services/").json()
    assert api[0]["provider"] == "Reden København" and "note" not in api[0]

    login(client, iom_officer)
    page = client.get(f"/sager/{case.number}/").content.decode()
    assert "Reden København" not in page and "Finde en sikker bolig" not in page
    for url in ("handlingsplan/", "handlingsplan/1/", "stoette/"):
        assert client.get(f"/sager/{case.number}/{url}").status_code == 404
    assert client.get(f"/api/v1/cases/{case.number}/support-services/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.number}/action-plan/versions/").status_code == 404
    assert client.get(f"/sager/{case.number}/handlingsplan/1/pdf/").status_code == 403


def test_recording_form_shows_every_problem_beside_its_field(client, case, cmm_worker):
    login(client, cmm_worker)
    case = Case.objects.get(pk=case.pk)
    response = client.post(
        f"/sager/{case.number}/stoette/ny/",
        {
            "version": case.version,
            "type": "shelter",
            "provider": "",
            "status": "offered",
            "starts_on": (TODAY() - dt.timedelta(days=30)).isoformat(),
            "ends_on": (TODAY() - dt.timedelta(days=40)).isoformat(),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"provider", "starts_on", "ends_on"}
    assert "før henvisningen" in errors["starts_on"][0] and "før støtten begynder" in errors["ends_on"][0]
    assert not SupportService.objects.exists()


def test_recording_and_ending_a_service_in_the_browser(client, case, cmm_worker):
    login(client, cmm_worker)
    case = Case.objects.get(pk=case.pk)
    response = client.post(
        f"/sager/{case.number}/stoette/ny/",
        {
            "version": case.version,
            "type": "legal",
            "provider": "Advokat Hansen",
            "status": "accepted",
            "starts_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    service = SupportService.objects.get()
    case = Case.objects.get(pk=case.pk)
    form = client.get(f"/sager/{case.number}/stoette/{service.pk}/")
    assert [value for value, _label in form.context["form"].fields["status"].choices] == ["accepted", "ended"]
    response = client.post(
        f"/sager/{case.number}/stoette/{service.pk}/",
        {"version": case.version, "service_version": service.version, "status": "ended", "ends_on": ""},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.ends_on) == (Status.ENDED, TODAY())
    # An ended service's page says why nothing can change, and a change is refused.
    response = client.post(
        f"/sager/{case.number}/stoette/{service.pk}/",
        {"version": case.version, "service_version": service.version, "status": "accepted"},
    )
    assert response.status_code == 400


def test_a_stale_service_form_keeps_the_input_and_takes_the_current_version(client, case, cmm_worker, cmm_colleague):
    login(client, cmm_worker)
    service = record(case, cmm_worker)
    case = Case.objects.get(pk=case.pk)
    update(service, cmm_colleague, status=Status.ACCEPTED, ends_on=TODAY() + dt.timedelta(days=40))
    response = client.post(
        f"/sager/{case.number}/stoette/{service.pk}/",
        {"version": case.version, "service_version": 1, "status": "declined"},
    )
    assert response.status_code == 409
    assert response.context["form"]["service_version"].value() == 2
    assert SupportService.objects.get().status == Status.ACCEPTED


def _plan_post(case, **overrides):
    today = TODAY()
    data = {
        "version": case.version,
        "made_on": today.isoformat(),
        "made_with_person": "on",
        "goal_rows": 2,
        "goal_1": "Finde arbejde",
        "goal_2": "",
        "activity_rows": 1,
        "activity_1_text": "Jobsamtale",
        "activity_1_responsible": "Kontaktpersonen",
        "activity_1_due_on": (today + dt.timedelta(days=10)).isoformat(),
        "review_rows": 1,
        "review_1": (today + dt.timedelta(days=20)).isoformat(),
    }
    return {**data, **overrides}


def test_the_plan_form_adds_a_row_without_saving_and_then_saves(client, case, cmm_worker):
    login(client, cmm_worker)
    case = Case.objects.get(pk=case.pk)
    url = f"/sager/{case.number}/handlingsplan/ny-udgave/"
    response = client.post(url, _plan_post(case, add_row="review"))
    assert response.status_code == 200 and not ActionPlanVersion.objects.exists()
    form = response.context["form"]
    assert form.row_counts["review"] == 2 and not form.is_bound and "review_2" in form.fields
    assert form["goal_1"].value() == "Finde arbejde"

    second = (TODAY() + dt.timedelta(days=50)).isoformat()
    response = client.post(url, _plan_post(case, review_rows=2, review_2=second))
    assert response.status_code == 302
    version = ActionPlanVersion.objects.get()
    assert version.goals == ["Finde arbejde"] and len(version.review_dates) == 2
    # The next version starts from this one's content.
    form = client.get(url).context["form"]
    assert form["goal_1"].value() == "Finde arbejde" and form.row_counts["goal"] == 2


def test_the_plan_form_shows_every_problem_at_once(client, case, cmm_worker):
    login(client, cmm_worker)
    case = Case.objects.get(pk=case.pk)
    data = _plan_post(case, goal_1="", review_1="", activity_1_responsible="")
    data.pop("made_with_person")
    response = client.post(f"/sager/{case.number}/handlingsplan/ny-udgave/", data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"made_with_person", "goal_1", "review_1", "activity_1_responsible"}


def test_the_pdf_is_an_attachment_named_by_case_and_version_and_audited(client, case, cmm_worker):
    login(client, cmm_worker)
    save_plan(case, cmm_worker)
    response = client.get(f"/sager/{case.number}/handlingsplan/1/pdf/?sprog=en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="handlingsplan-{case.number}-v1.pdf"'
    assert response["Cache-Control"] == "no-store"
    row = AuditEvent.objects.get(what="action_plan_pdf")
    assert row.action == AuditEvent.Action.EXPORT and row.detail == {"plan_version": 1, "language": "en"}


def test_no_pdf_without_a_plan(client, case, cmm_worker):
    login(client, cmm_worker)
    response = client.get(f"/sager/{case.number}/handlingsplan/1/pdf/")
    assert response.status_code == 403 and "ingen handlingsplan" in response.content.decode()


@pytest.mark.parametrize(("days", "listed"), [(0, True), (14, True), (15, False)])
def test_start_page_lists_a_running_service_ending_within_two_weeks(client, case, cmm_worker, days, listed):
    service = record(case, cmm_worker, status=Status.ACCEPTED, ends_on=TODAY() + dt.timedelta(days=days))
    record(case, cmm_worker, type="medical", ends_on=TODAY() + dt.timedelta(days=3))  # only offered: no task
    tasks = [task for task in worklist.tasks_for(cmm_worker) if task.kind == worklist.SUPPORT_ENDING]
    assert len(tasks) == int(listed)
    if listed:
        login(client, cmm_worker)
        page = client.get("/").content.decode()
        assert "Støtten slutter: Indkvartering: krisecenter" in page
        assert f"/sager/{case.number}/stoette/" in page
    update(service, cmm_worker, status=Status.ENDED, ends_on=TODAY())
    assert not [task for task in worklist.tasks_for(cmm_worker) if task.kind == worklist.SUPPORT_ENDING]
