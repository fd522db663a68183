"""Names and identity numbers never travel in a URL, and a look-up by one is not written into the log."""

import pytest

from audit.models import AuditEvent
from tests.factories import login, make_case

pytestmark = pytest.mark.django_db


def test_a_name_in_the_case_lists_query_string_is_refused_and_not_echoed(client, cmm_worker):
    make_case(cmm_worker, person={"given_name": "Adaeze", "family_name": "Okonkwo"})
    login(client, cmm_worker)
    before = AuditEvent.objects.count()

    response = client.get("/sager/", {"q": "Okonkwo"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Søg med søgefeltet" in page
    assert "Okonkwo" not in page
    assert "Okonkwo" not in str(list(AuditEvent.objects.all()[: AuditEvent.objects.count() - before].values()))


def test_a_case_number_in_the_query_string_still_finds_the_case(client, cmm_worker):
    case = make_case(cmm_worker)
    login(client, cmm_worker)

    response = client.get("/sager/", {"q": case.number})

    assert response.status_code == 200
    assert case.number in response.content.decode()


def test_the_same_name_searched_by_post_is_found(client, cmm_worker):
    case = make_case(cmm_worker, person={"given_name": "Adaeze", "family_name": "Okonkwo"})
    login(client, cmm_worker)

    response = client.post("/sager/", {"q": "Okonkwo"})

    assert response.status_code == 200
    assert case.number in response.content.decode()


@pytest.mark.parametrize("path", ["/sager/{}/", "/api/v1/cases/{}/"])
def test_a_look_up_by_something_not_a_case_number_is_logged_without_it(client, cmm_worker, path):
    login(client, cmm_worker)

    response = client.get(path.format("PX1234567"))

    assert response.status_code == 404
    row = AuditEvent.objects.filter(what="case_lookup").latest("seq")
    assert row.action == AuditEvent.Action.DENIED
    assert row.detail == {"malformed": True}


def test_a_look_up_by_an_unknown_case_number_is_logged_with_the_number(client, cmm_worker):
    login(client, cmm_worker)

    client.get("/sager/CMM-2026-9999/")

    assert AuditEvent.objects.filter(what="case_lookup").latest("seq").detail == {"number": "CMM-2026-9999"}
