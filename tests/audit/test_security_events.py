"""Refusals that are security events are in the access log: CSRF failures, stale writes, replayed sessions.

Each row names the event and its kind, never a token, a session key or what the client sent.
"""

import pytest
from django.test import Client

from audit.models import AuditEvent
from tests.cases.test_api import post_json, transition_url
from tests.cases.test_views import action_url
from tests.factories import login
from tests.states import TRANSITIONS, bump_version, case_ready_for, valid_input

from .helpers import last_seq, new_rows

pytestmark = pytest.mark.django_db


def security_rows(since: int) -> list[AuditEvent]:
    return [row for row in new_rows(since) if row.action == AuditEvent.Action.SECURITY]


class TestCsrfFailures:
    def test_a_form_posted_without_a_token_is_audited_then_refused_with_the_403_page(self, cmm_worker):
        client = login(Client(enforce_csrf_checks=True), cmm_worker)
        client.get("/")  # the page sets the CSRF cookie
        since = last_seq()

        response = client.post("/sager/", {"q": "Ada"})

        assert response.status_code == 403
        assert "Ingen adgang" in response.content.decode()
        assert "sikkerhedstjekket" in response.content.decode()
        [row] = new_rows(since)
        assert (row.action, row.purpose, row.what, row.actor) == ("security", "system", "csrf_failed", cmm_worker)
        assert row.detail == {"reason": "token_missing"}
        assert row.request_id == response["X-Request-ID"]

    def test_a_wrong_token_is_audited_without_the_token(self, cmm_worker):
        client = login(Client(enforce_csrf_checks=True), cmm_worker)
        client.get("/")
        since = last_seq()

        response = client.post("/sager/", {"csrfmiddlewaretoken": "x" * 64})

        assert response.status_code == 403
        [row] = new_rows(since)
        assert row.detail == {"reason": "token_incorrect"}
        assert "x" * 64 not in str(row.detail)

    def test_a_login_posted_without_a_cookie_is_audited_without_an_actor(self):
        since = last_seq()

        response = Client(enforce_csrf_checks=True).post("/login/", {"username": "cmm.kontakt", "password": "x"})

        assert response.status_code == 403
        [row] = new_rows(since)
        assert (row.what, row.actor, row.detail) == ("csrf_failed", None, {"reason": "no_cookie"})

    def test_an_api_write_without_a_token_is_audited_then_refused(self, cmm_worker, dis_worker):
        case = case_ready_for("notification", cmm_worker, dis_worker)
        client = login(Client(enforce_csrf_checks=True), dis_worker)
        since = last_seq()

        response = post_json(client, transition_url("notification", case.number), valid_input("notification", case))

        assert response.status_code == 403
        [row] = security_rows(since)
        assert (row.what, row.actor, row.detail) == ("csrf_failed", dis_worker, {"reason": "no_cookie"})


class TestStaleWrites:
    @pytest.mark.parametrize("transition", TRANSITIONS)
    def test_a_stale_form_is_audited_beside_the_conflict_page(self, client, cmm_worker, dis_worker, transition):
        case = case_ready_for(transition, cmm_worker, dis_worker)
        posted = valid_input(transition, case)
        current = bump_version(case)
        since = last_seq()

        response = login(client, dis_worker).post(action_url(transition, case.number), posted)

        assert response.status_code == 409
        [row] = security_rows(since)
        assert (row.what, row.actor, row.case_ids) == ("stale_write", dis_worker, [case.pk])
        assert row.detail["version_sent"] == int(posted["version"]) and row.detail["version"] == current

    @pytest.mark.parametrize("transition", TRANSITIONS)
    def test_a_stale_api_write_is_audited_beside_the_409(self, client, cmm_worker, dis_worker, transition):
        case = case_ready_for(transition, cmm_worker, dis_worker)
        data = valid_input(transition, case)
        bump_version(case)
        since = last_seq()

        response = post_json(login(client, dis_worker), transition_url(transition, case.number), data)

        assert response.status_code == 409
        [row] = security_rows(since)
        assert (row.what, row.actor, row.case_ids) == ("stale_write", dis_worker, [case.pk])
        assert row.detail["version_sent"] == int(data["version"])

    def test_a_stale_share_form_is_audited(self, client, cmm_worker):
        from tests.factories import make_case

        case = make_case(cmm_worker)
        sent = case.version
        bump_version(case)
        since = last_seq()

        response = login(client, cmm_worker).post(f"/sager/{case.number}/deling/", {"version": sent})

        assert response.status_code == 409
        [row] = security_rows(since)
        assert (row.what, row.detail["action"]) == ("stale_write", "share")


class TestReplayedSessions:
    def test_a_cookie_replayed_after_logout_is_audited_without_the_key(self, client, cmm_worker):
        login(client, cmm_worker)
        cookie = client.cookies["sessionid"].value
        client.post("/logout/")
        replay = Client()
        replay.cookies["sessionid"] = cookie
        since = last_seq()

        response = replay.get("/sager/")

        assert response.status_code == 302
        [row] = new_rows(since)
        assert (row.action, row.what, row.actor, row.detail) == (
            "security",
            "session_replayed",
            None,
            {"session": "unknown"},
        )
        assert cookie not in str(row.detail) and row.request_id == response["X-Request-ID"]

    def test_an_expired_session_is_audited_once_then_the_cookie_is_gone(self, client, cmm_worker):
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        from accounts.sessions import stored_key

        login(client, cmm_worker)
        Session.objects.filter(session_key=stored_key(client.cookies["sessionid"].value)).update(
            expire_date=timezone.now()
        )
        since = last_seq()

        first = client.get("/api/v1/cases/")
        client.get("/api/v1/cases/")

        assert first.status_code == 403
        assert [row.detail for row in security_rows(since)] == [{"session": "expired"}]

    def test_a_live_session_and_no_cookie_are_not_security_events(self, client, cmm_worker):
        since = last_seq()
        client.get("/login/")
        login(client, cmm_worker).get("/sager/")

        assert security_rows(since) == []


def test_the_api_schema_still_documents_the_session_authentication():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "cookieAuth" in schema["components"]["securitySchemes"]
    assert {"cookieAuth": []} in schema["paths"]["/api/v1/cases/"]["get"]["security"]
