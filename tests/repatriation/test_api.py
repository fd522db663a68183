"""The API: each transition and the multipart report upload through the same services, policy and field sets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from repatriation.models import FollowUpReport
from tests.factories import UserFactory, login

from .helpers import EXE, accepted_case, days_ago, dis_period_case, fresh, png, returned, shared_for_repatriation

pytestmark = pytest.mark.django_db


def post(client, case, path, **data):
    return client.post(
        f"/api/v1/cases/{case.number}/{path}", {"version": fresh(case).version, **data}, content_type="application/json"
    )


def test_the_transitions_from_offer_to_return(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = dis_period_case(cmm_worker, dis_worker)

    assert post(client, case, "repatriation/offer/", offered_on=days_ago(5).isoformat()).json()["answer"] == "pending"
    answer = post(client, case, "repatriation/decision/", answer="accepted", answered_on=days_ago(4).isoformat())
    assert answer.json()["answer"] == "accepted"
    plan = post(client, case, "repatriation/plan/", reintegration_plan="Bolig og skole", destination="NG")
    assert plan.json()["destination"] == "NG"
    support = post(
        client, case, "repatriation/support/", kind="food", amount="300.00", currency="NGN", paid_to_family_member=True
    )
    assert support.status_code == 400
    assert "familiemedlem" in str(support.json())
    support = post(client, case, "repatriation/support/", kind="food", amount="300.00", currency="NGN")
    assert support.json()["support_items"][0]["amount"] == "300.00"
    back = post(client, case, "repatriation/return/", returned_on=days_ago(1).isoformat())
    assert back.status_code == 200
    assert back.json()["reintegration_last_day"] and back.json()["follow_up_last_day"]
    assert client.get(f"/api/v1/cases/{case.number}/repatriation/").json()["returned_on"] == days_ago(1).isoformat()


def test_dublin_and_its_refusal_of_the_offer(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = dis_period_case(cmm_worker, dis_worker)
    assert post(client, case, "dublin/").json()["dublin_regulation"] is True

    refused = post(client, case, "repatriation/offer/", offered_on=days_ago(1).isoformat())

    assert refused.status_code == 400
    assert "Dublinsag" in str(refused.json())


def test_a_stale_version_is_409(client, cmm_worker, dis_worker):
    login(client, dis_worker)
    case = dis_period_case(cmm_worker, dis_worker)
    response = client.post(
        f"/api/v1/cases/{case.number}/repatriation/offer/",
        {"version": case.version - 1, "offered_on": days_ago(1).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_the_iom_uploads_a_report_as_multipart_and_lists_it(client, cmm_worker, dis_worker, iom):
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker)
    shared_for_repatriation(case, cmm_worker, iom.team)
    login(client, iom)
    url = f"/api/v1/cases/{case.number}/follow-up-reports/"

    refused = client.post(
        url,
        {
            "version": fresh(case).version,
            "written_on": days_ago(0).isoformat(),
            "text": "R",
            "attachments": [SimpleUploadedFile("x.pdf", EXE)],
        },
    )
    assert refused.status_code == 400 and not FollowUpReport.objects.exists()
    created = client.post(
        url,
        {
            "version": fresh(case).version,
            "written_on": days_ago(0).isoformat(),
            "text": "Rapport",
            "attachments": [SimpleUploadedFile("foto.png", png())],
        },
    )
    assert created.status_code == 201, created.content
    [row] = client.get(url).json()
    assert row["author"] != iom.username and row["attachments"][0]["kind"] == "png"
    assert client.get(row["attachments"][0]["url"]).status_code == 200


def test_another_user_gets_404(client, cmm_worker, dis_worker, cmm_outsider):
    case = dis_period_case(cmm_worker, dis_worker)
    other = UserFactory(username="iom.other", agency="IOM", role="iom_officer")
    for user in (cmm_outsider, other):
        client.logout()
        login(client, user)
        assert client.get(f"/api/v1/cases/{case.number}/repatriation/").status_code == 404
        assert client.get(f"/api/v1/cases/{case.number}/follow-up-reports/").status_code == 404
