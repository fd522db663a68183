"""Brute force and user enumeration (security.md AU-02): django-axes, lockout state in PostgreSQL.

(our rule) 5 failures of one name from one address pause that name at that address for 15 minutes, doubling at
each further lockout within 24 hours; the typed name is kept only as its keyed hash.
"""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import connection

from accounts.lockout import username_key
from accounts.models import Role
from audit.models import AuditEvent
from privacy import crypto
from tests.factories import PASSWORD, UserFactory, admin_action, login, step_up

pytestmark = pytest.mark.django_db

WRONG = "Forkert brugernavn eller adgangskode."
LOCKED = "Log ind er spærret"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def attempt(client, username, password="not-the-password", ip="10.0.0.1"):  # noqa: S107
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def comparable(response) -> str:
    """The page without what differs from one request to the next (CSRF token) or echoes the typed name."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'name="username" id="id_username"([^>]*) value="[^"]*"', "", body)


def tries_left(response) -> str:
    found = re.search(r'data-testid="tries-left">([^<]+)<', response.content.decode())
    return found.group(1) if found else ""


def pause(response) -> str:
    return re.search(r'data-testid="pause">([^<]+)<', response.content.decode()).group(1)


def raw_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - our own table names
        return "\n".join(row for (row,) in cursor.fetchall())


def test_five_wrong_passwords_pause_the_name_at_that_address_and_the_right_one_is_refused(client, cmm_worker):
    answers = [attempt(client, cmm_worker.username) for _ in range(5)]
    correct = attempt(client, cmm_worker.username, PASSWORD)

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert all(WRONG in a.content.decode() for a in answers[:4])
    assert correct.status_code == 429 and LOCKED in correct.content.decode()
    assert pause(correct) == "Prøv igen om 15 minutter."
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=username_key(cmm_worker.username)).exists()  # PostgreSQL
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SECURITY).order_by("id")
    assert [e.what for e in events] == ["login_failed"] * 4 + ["login_locked_out"] * 2
    assert {e.detail["username_hash"] for e in events} == {username_key(cmm_worker.username)}
    assert not any(PASSWORD in repr(e.detail) or "not-the-password" in repr(e.detail) for e in events)


def test_the_login_page_says_how_many_tries_are_left_before_a_pause(client, cmm_worker):
    answers = [attempt(client, cmm_worker.username) for _ in range(4)]

    assert [tries_left(a) for a in answers] == [
        f"{count} forsøg tilbage, før log ind holder en pause." for count in (4, 3, 2, 1)
    ]
    assert tries_left(client.get("/login/")) == ""


def test_an_unknown_name_gets_the_same_answers_as_a_wrong_password(client, cmm_worker):
    known = [attempt(client, cmm_worker.username, ip="10.0.0.1") for _ in range(6)]
    unknown = [attempt(client, "ingen.saadan.bruger", ip="10.0.0.2") for _ in range(6)]

    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200] * 4 + [429] * 2
    assert [comparable(r) for r in known] == [comparable(r) for r in unknown]
    assert "1 forsøg tilbage" in comparable(unknown[3])


def test_one_guesser_behind_a_shared_address_locks_out_only_the_name_they_guess(client, cmm_worker, cmm_colleague):
    for _ in range(5):
        attempt(client, cmm_worker.username, ip="10.0.0.9")

    assert attempt(client.__class__(), cmm_colleague.username, PASSWORD, ip="10.0.0.9").status_code == 302
    assert attempt(client.__class__(), cmm_worker.username, PASSWORD, ip="10.0.0.10").status_code == 302
    assert attempt(client.__class__(), cmm_worker.username, PASSWORD, ip="10.0.0.9").status_code == 429


def test_names_differing_only_in_case_and_spacing_count_as_one(client, cmm_worker):
    for typed in ["cmm.kontakt", "CMM.Kontakt", " cmm.KONTAKT", "Cmm.kontakt ", "cmm.kontakT"]:
        attempt(client, typed)

    assert attempt(client, cmm_worker.username, PASSWORD).status_code == 429


def test_the_pause_lasts_15_minutes_and_doubles_at_the_next_lockout(client, cmm_worker):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            attempt(client, cmm_worker.username)
        clock.shift(dt.timedelta(minutes=14, seconds=50))
        assert attempt(client, cmm_worker.username, PASSWORD).status_code == 429  # not counted, not extended
        clock.shift(dt.timedelta(seconds=20))  # 15 min 10 s after the lockout

        again = [attempt(client, cmm_worker.username) for _ in range(5)]
        assert [a.status_code for a in again] == [200] * 4 + [429]
        assert pause(again[-1]) == "Prøv igen om 30 minutter."
        clock.shift(dt.timedelta(minutes=29, seconds=50))
        assert attempt(client, cmm_worker.username, PASSWORD).status_code == 429
        clock.shift(dt.timedelta(seconds=20))

        assert attempt(client, cmm_worker.username, PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_failures(client, cmm_worker):
    for _ in range(4):
        attempt(client, cmm_worker.username)
    assert attempt(client, cmm_worker.username, PASSWORD).status_code == 302
    client.post("/logout/")

    assert [attempt(client, cmm_worker.username).status_code for _ in range(4)] == [200] * 4


def test_the_typed_name_is_kept_only_as_a_keyed_hash(client, cmm_worker):
    typed = "Hemmelig-Adgangskode-i-navnefeltet"
    for _ in range(6):
        attempt(client, typed)
    attempt(client, cmm_worker.username, PASSWORD, ip="10.0.0.5")

    for table in [
        AccessAttempt._meta.db_table,
        AccessFailureLog._meta.db_table,
        AccessLog._meta.db_table,
        AuditEvent._meta.db_table,
    ]:
        assert typed.casefold() not in raw_text(table).casefold(), table
    key = crypto.blind_index(typed, kind="username")
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {key}
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [key]


def test_only_the_system_administrator_lifts_a_lockout_at_every_address_audited(client, cmm_worker):
    admin_user = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True)
    for ip in ["10.0.0.1", "10.0.0.2"]:
        for _ in range(5):
            attempt(client, cmm_worker.username, ip=ip)
    step_up(login(client, admin_user))

    response = admin_action(client, "ophaev-spaerring", cmm_worker)

    assert response.status_code == 302
    event = AuditEvent.objects.get(what="login_unlocked")
    assert (event.action, event.actor_id, event.detail) == (
        AuditEvent.Action.ADMIN,
        admin_user.pk,
        {"user": cmm_worker.username, "attempts_removed": 2},
    )
    for ip in ["10.0.0.1", "10.0.0.2"]:
        assert attempt(client.__class__(), cmm_worker.username, PASSWORD, ip=ip).status_code == 302


def test_the_admin_offers_no_lockout_rows_to_delete(client, cmm_worker):
    superuser = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True, is_superuser=True)
    for _ in range(5):
        attempt(client, cmm_worker.username)
    login(client, superuser)

    assert not any(admin.site.is_registered(model) for model in (AccessAttempt, AccessFailureLog, AccessLog))
    assert client.get("/admin/axes/accessattempt/").status_code == 404
    assert "axes" not in client.get("/admin/").content.decode()


def test_the_migration_replaces_the_names_axes_kept_in_clear_by_their_hashes():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0003_login_names_hashed")
    common = {"ip_address": "10.0.0.1", "user_agent": "test", "http_accept": "*/*", "path_info": "/login/"}
    AccessAttempt.objects.create(username="Kodeord-Som-Navn", failures_since_start=3, **common)
    AccessAttempt.objects.create(username="kodeord-som-navn", failures_since_start=1, **common)
    AccessFailureLog.objects.create(username="Kodeord-Som-Navn", **common)
    already = username_key("allerede.hashet")
    AccessFailureLog.objects.create(username=already, **common)

    migration.hash_typed_names(apps, None)
    migration.hash_typed_names(apps, None)  # a second run changes nothing

    key = username_key("kodeord-som-navn")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [key]
    assert sorted(AccessFailureLog.objects.values_list("username", flat=True)) == sorted([key, already])
    assert "kodeord-som-navn" not in raw_text(AccessAttempt._meta.db_table).casefold()


def test_the_tries_left_and_the_pause_speak_english_too(client, cmm_worker):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    answers = [attempt(client, cmm_worker.username) for _ in range(5)]

    assert tries_left(answers[0]) == "4 tries left before logging in is paused."
    assert tries_left(answers[3]) == "1 try left before logging in is paused."
    assert pause(answers[4]) == "Try again in 15 minutes."
