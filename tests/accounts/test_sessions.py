"""Session lifetime and lifecycle (security.md AU-04, AU-05): 15 minutes idle, 12 hours at most, real logout."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import Role
from accounts.sessions import stored_key
from accounts.tasks import sessions_clear
from audit.models import AuditEvent
from tests.factories import TeamFactory, UserFactory, admin_action, login, make_case, step_up

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)


def to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_session_survives_14_59_idle_but_not_15_01(client, cmm_worker):
    with time_machine.travel(START, tick=False) as clock:
        login(client, cmm_worker)
        assert client.get("/").status_code == 200

        clock.shift(dt.timedelta(minutes=14, seconds=59))
        assert client.get("/").status_code == 200

        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert to_login(client.get("/sager/"))
        assert client.get("/api/v1/cases/").status_code == 403


def test_a_session_ends_12_hours_after_login_however_active(client, cmm_worker):
    with time_machine.travel(START, tick=False) as clock:
        login(client, cmm_worker)
        session_key = client.cookies["sessionid"].value
        for _ in range(71):  # a request every 10 minutes, up to 11 h 50 min after logging in
            clock.shift(dt.timedelta(minutes=10))
            assert client.get("/").status_code == 200

        clock.shift(dt.timedelta(minutes=11))  # 12 h 1 min
        assert to_login(client.get("/"))

    assert not Session.objects.filter(session_key=stored_key(session_key)).exists()


def test_logout_ends_the_session_on_the_server_and_clears_the_browser(client, cmm_worker):
    login(client, cmm_worker)
    cookie = client.cookies["sessionid"].value

    response = client.post("/logout/")

    assert to_login(response)
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not Session.objects.filter(session_key=stored_key(cookie)).exists()
    replay = client.__class__()
    replay.cookies["sessionid"] = cookie
    assert to_login(replay.get("/"))
    assert replay.get("/api/v1/cases/").status_code == 403


def test_a_role_change_takes_effect_on_the_next_request(client, cmm_worker):
    other_team = make_case(UserFactory(team=TeamFactory(name="Team Vest")))
    cmm_worker.role = Role.CMM_COORDINATOR
    cmm_worker.save()
    login(client, cmm_worker)
    assert client.get(f"/sager/{other_team.number}/").status_code == 200

    cmm_worker.role = Role.CMM_CONTACT_PERSON
    cmm_worker.save()

    assert client.get(f"/sager/{other_team.number}/").status_code == 404
    assert client.get(f"/api/v1/cases/{other_team.number}/").status_code == 404


def test_deactivating_a_user_ends_all_their_sessions(client, cmm_worker):
    browsers = [login(client.__class__(), cmm_worker) for _ in range(3)]

    cmm_worker.is_active = False
    cmm_worker.save()

    assert all(to_login(browser.get("/")) for browser in browsers)


def test_a_password_change_ends_the_other_sessions(client, cmm_worker):
    login(client, cmm_worker)

    cmm_worker.set_password("another-long-password-for-staff")
    cmm_worker.save()

    assert to_login(client.get("/"))


def test_the_session_cookie_lives_only_as_long_as_the_browser(client, cmm_worker):
    response = client.post("/login/", {"username": cmm_worker.username, "password": "a-long-test-password-for-staff"})

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]


def test_the_system_administrator_ends_all_of_a_users_sessions_audited(client, cmm_worker):
    admin = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True)
    browsers = [login(client.__class__(), cmm_worker) for _ in range(2)]
    step_up(login(client, admin))

    response = admin_action(client, "log-ud-overalt", cmm_worker)

    assert response.status_code == 302
    assert all(to_login(browser.get("/")) for browser in browsers)
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(what="sessions_ended")
    assert (event.action, event.actor_id, event.detail) == (
        AuditEvent.Action.ADMIN,
        admin.pk,
        {"user": cmm_worker.username, "sessions_ended": 2},
    )


@pytest.mark.django_db
def test_the_scheduled_cleanup_deletes_expired_sessions_only(client, cmm_worker):
    login(client, cmm_worker)
    live = Session.objects.count()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - dt.timedelta(seconds=1))

    sessions_clear.delay()

    assert Session.objects.count() == live


def test_the_table_holds_a_hash_of_the_session_key_that_opens_nothing(client, cmm_worker):
    login(client, cmm_worker)
    cookie = client.cookies["sessionid"].value
    [stored] = Session.objects.values_list("session_key", flat=True)  # as a dump or a read of the table shows

    assert stored != cookie and cookie not in stored and stored == stored_key(cookie)
    thief = client.__class__()
    thief.cookies["sessionid"] = stored
    assert to_login(thief.get("/"))
    assert thief.get("/api/v1/cases/").status_code == 403
    assert client.get("/").status_code == 200  # the cookie itself still opens the session


def test_the_migration_to_hashed_keys_deletes_the_sessions_stored_under_their_key(client, cmm_worker):
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("accounts.migrations.0006_sessions_stored_hashed")
    login(client, cmm_worker)
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now() + dt.timedelta(minutes=5))

    with connection.schema_editor() as editor:
        migration.delete_unhashed(apps, editor)

    assert list(Session.objects.values_list("session_key", flat=True)) == [
        stored_key(client.cookies["sessionid"].value)
    ]
