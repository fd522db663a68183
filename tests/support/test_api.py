"""The support API: the same services, field sets and errors as the browser."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, Deadline
from support.models import ActionPlanVersion, SupportService
from tests.factories import login

from .conftest import record, save_plan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_record_update_and_list_services(client, case, cmm_worker):
    login(client, cmm_worker)
    case = Case.objects.get(pk=case.pk)
    url = f"/api/v1/cases/{case.number}/support-services/"
    response = client.post(
        url,
        {"version": case.version, "type": "medical", "provider": "Lægen", "starts_on": TODAY().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    service = response.json()
    assert service["status"] == "offered" and service["version"] == 1

    change = client.post(
        f"{url}{service['id']}/", {"version": 1, "status": "accepted"}, content_type="application/json"
    )
    assert change.status_code == 200 and change.json()["version"] == 2
    stale = client.post(f"{url}{service['id']}/", {"version": 1, "status": "declined"}, content_type="application/json")
    assert stale.status_code == 409
    refused = client.post(
        f"{url}{service['id']}/", {"version": 2, "status": "offered"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert [row["status"] for row in client.get(url).json()] == ["accepted"]


def test_save_and_list_plan_versions(client, case, cmm_worker):
    login(client, cmm_worker)
    case = Case.objects.get(pk=case.pk)
    url = f"/api/v1/cases/{case.number}/action-plan/versions/"
    body = {
        "version": case.version,
        "made_on": TODAY().isoformat(),
        "made_with_person": True,
        "goals": ["Bolig"],
        "activities": [{"text": "Besøg", "responsible": "Personen"}],
        "review_dates": [(TODAY() + dt.timedelta(days=9)).isoformat()],
    }
    assert client.post(url, body, content_type="application/json").status_code == 201
    assert client.post(url, body, content_type="application/json").status_code == 409  # the case moved on
    body["version"] = Case.objects.get(pk=case.pk).version
    body["goals"] = []
    assert client.post(url, body, content_type="application/json").status_code == 400
    versions = client.get(url).json()
    assert [row["number"] for row in versions] == [1] and versions[0]["activities"][0]["due_on"] is None
    assert Deadline.objects.filter(case=case, kind="action_plan_review", status="open").count() == 1


def test_the_ngo_may_read_but_not_write_and_another_user_gets_404(client, case, cmm_worker, ngo_worker, cmm_outsider):
    record(case, cmm_worker)
    save_plan(case, cmm_worker)
    login(client, cmm_outsider)
    assert client.get(f"/api/v1/cases/{case.number}/support-services/").status_code == 404
    login(client, ngo_worker)
    case = Case.objects.get(pk=case.pk)
    response = client.post(
        f"/api/v1/cases/{case.number}/support-services/",
        {"version": case.version, "type": "medical", "provider": "X", "starts_on": TODAY().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert SupportService.objects.count() == 1


def test_demo_data_has_a_service_in_every_status_and_a_plan_in_two_versions(db):
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(SupportService.objects.values_list("status", flat=True)) == set(SupportService.Status.values)
    assert list(ActionPlanVersion.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert Deadline.objects.filter(kind="action_plan_review", status="open", due_at__gt=timezone.now()).count() == 2
