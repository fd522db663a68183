"""Brute force and user enumeration (security.md AU-02): django-axes, lockout state in PostgreSQL."""

import re

import pytest
from axes.models import AccessAttempt

from accounts.models import Role
from audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory, admin_action, login, step_up

pytestmark = pytest.mark.django_db

WRONG = "Forkert brugernavn eller adgangskode."
LOCKED = "Log ind er spærret"


def attempt(client, username, password="not-the-password", ip="10.0.0.1"):  # noqa: S107
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def comparable(response) -> str:
    """The page without what differs from one request to the next (CSRF token) or echoes the typed name."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'name="username" id="id_username"([^>]*) value="[^"]*"', "", body)


def test_five_wrong_passwords_lock_the_name_and_the_right_one_is_refused(client, cmm_worker):
    answers = [attempt(client, cmm_worker.username) for _ in range(5)]
    correct = attempt(client, cmm_worker.username, PASSWORD, ip="10.0.0.2")

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert all(WRONG in a.content.decode() for a in answers[:4])
    assert correct.status_code == 429 and LOCKED in correct.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=cmm_worker.username).exists()  # in PostgreSQL, not a cache
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SECURITY).order_by("id")
    assert [e.what for e in events] == ["login_failed"] * 4 + ["login_locked_out"] * 2
    assert {e.detail["username"] for e in events} == {cmm_worker.username}
    assert not any(PASSWORD in repr(e.detail) or "not-the-password" in repr(e.detail) for e in events)


def test_an_unknown_name_gets_the_same_answers_as_a_wrong_password(client, cmm_worker):
    known = [attempt(client, cmm_worker.username, ip="10.0.0.1") for _ in range(6)]
    unknown = [attempt(client, "ingen.saadan.bruger", ip="10.0.0.2") for _ in range(6)]

    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200] * 4 + [429] * 2
    assert [comparable(r) for r in known] == [comparable(r) for r in unknown]


def test_five_failures_from_one_address_lock_the_address_for_every_name(client, cmm_worker):
    for number in range(5):
        attempt(client, f"gaet{number}", ip="10.0.0.9")

    from_there = attempt(client, cmm_worker.username, PASSWORD, ip="10.0.0.9")
    from_elsewhere = attempt(client, cmm_worker.username, PASSWORD, ip="10.0.0.10")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302


def test_five_failures_from_five_addresses_still_lock_the_name(client, cmm_worker):
    for number in range(5):
        attempt(client, cmm_worker.username, ip=f"10.0.1.{number}")

    assert attempt(client, cmm_worker.username, PASSWORD, ip="10.0.2.1").status_code == 429


def test_a_successful_login_forgets_earlier_failures(client, cmm_worker):
    for _ in range(4):
        attempt(client, cmm_worker.username)
    assert attempt(client, cmm_worker.username, PASSWORD).status_code == 302
    client.post("/logout/")

    assert [attempt(client, cmm_worker.username).status_code for _ in range(4)] == [200] * 4


def test_only_the_system_administrator_lifts_a_lockout_and_it_is_audited(client, cmm_worker):
    admin = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True)
    for _ in range(5):
        attempt(client, cmm_worker.username)
    step_up(login(client, admin))

    response = admin_action(client, "ophaev-spaerring", cmm_worker)

    assert response.status_code == 302
    event = AuditEvent.objects.get(what="login_unlocked")
    assert (event.action, event.actor_id, event.detail["user"]) == (
        AuditEvent.Action.ADMIN,
        admin.pk,
        cmm_worker.username,
    )
    assert attempt(client.__class__(), cmm_worker.username, PASSWORD, ip="10.0.0.3").status_code == 302
