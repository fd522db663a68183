"""Liveness and readiness (ops/health.py): what they say, and that they tell the truth when something is wrong."""

import json
import secrets

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from access import policy
from ops import health
from privacy import canary
from privacy.models import KeyCanary
from tests.factories import make_case
from tests.privacy.test_search import search

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "migrations": "ok", "field_keys": "ok", "blind_index_key": "ok", "jobs": "ok"}


@pytest.fixture(autouse=True)
def _canary_of_these_keys():
    """The canary as migrate writes it for the test keys (a transactional test's flush rewrites it)."""
    KeyCanary.objects.all().delete()
    canary.canary_ensure()


def ready(client) -> tuple[int, dict]:
    response = client.get("/health/ready")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_readiness_names_each_check_and_is_200_when_all_pass(client, django_assert_num_queries):
    ready(client)  # the first call after a deploy makes the jobs' status rows (ops.jobs)
    # SELECT 1; the migration table and its rows; the canary, twice; the jobs' status
    with django_assert_num_queries(6):
        status, body = ready(client)

    assert (status, body) == (200, {"status": "ok", "checks": ALL_OK})


def test_readiness_needs_no_login_and_no_second_factor_and_is_public_in_the_policy(client, cmm_worker):
    assert policy.ROUTES["ops:health_live"].public and policy.ROUTES["ops:health_ready"].public
    client.force_login(cmm_worker)  # logged in, second factor not yet: still answered, not redirected

    assert client.get("/health/ready").status_code == 200
    assert client.get("/health/live").status_code == 200


def test_only_get_is_answered(client):
    assert client.post("/health/ready").status_code == 405
    assert client.post("/health/live").status_code == 405


def test_a_wrong_blind_index_key_fails_readiness_and_the_answer_shows_no_key(client, settings):
    settings.BLIND_INDEX_KEY = wrong = secrets.token_urlsafe(48)

    status, body = ready(client)

    assert (status, body) == (503, {"status": "failed", "checks": {**ALL_OK, "blind_index_key": "failed"}})
    assert wrong not in json.dumps(body) and settings.FIELD_ENCRYPTION_KEYS[0] not in json.dumps(body)


def test_field_keys_without_the_canarys_key_fail_readiness(client, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    assert ready(client) == (503, {"status": "failed", "checks": {**ALL_OK, "field_keys": "failed"}})


def test_a_new_field_key_first_still_reads_the_canary_and_rotation_moves_it(client, settings):
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, *settings.FIELD_ENCRYPTION_KEYS]
    assert ready(client)[0] == 200

    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key removed: the canary was rotated with the rest

    assert ready(client) == (200, {"status": "ok", "checks": ALL_OK})


def test_a_deliberate_new_blind_index_key_is_ready_after_the_search_keys_are_rebuilt(client, settings, cmm_worker):
    case = make_case(cmm_worker, person={"given_name": "Ngozi", "family_name": "Adebayo"})
    settings.BLIND_INDEX_KEY = secrets.token_urlsafe(48)
    assert ready(client)[1]["checks"]["blind_index_key"] == "failed"

    call_command("rotate_field_keys", "--search-keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert ready(client) == (200, {"status": "ok", "checks": ALL_OK})
    assert search(client, cmm_worker, "Adebayo") == [case.number]  # and the search finds the person again


def test_an_unapplied_migration_fails_readiness(client):
    MigrationRecorder.Migration.objects.filter(app="privacy", name="0002_keycanary").delete()

    assert ready(client) == (503, {"status": "failed", "checks": {**ALL_OK, "migrations": "failed"}})


def test_a_missing_canary_fails_readiness(client):
    KeyCanary.objects.all().delete()

    status, body = ready(client)

    assert status == 503 and body["checks"]["field_keys"] == body["checks"]["blind_index_key"] == "failed"


def test_when_the_database_fails_the_checks_after_it_are_failed_without_being_run():
    ran = []

    def down():
        raise ConnectionError("refused")

    results = health.readiness([("database", down), ("migrations", lambda: ran.append(1))])

    assert results == {"database": "failed", "migrations": "failed"} and ran == []


def test_one_more_check_is_one_line_and_a_check_that_raises_is_failed_not_a_500(client, monkeypatch):
    def jobs():
        raise RuntimeError("the scan is 3 hours late")

    monkeypatch.setattr(health, "READINESS", [*health.READINESS, ("jobs", jobs)])

    status, body = ready(client)

    assert (status, body["checks"]) == (503, {**ALL_OK, "jobs": "failed"})
    assert connection.cursor()  # and the connection is still usable
