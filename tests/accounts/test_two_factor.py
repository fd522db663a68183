"""Two factors for every member of staff (security.md AU-01): an authenticator app, recovery codes, resets."""

import datetime as dt
import re
from base64 import b32encode

import pytest
import time_machine
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.devices import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice, recovery_code_hash
from accounts.models import Role
from accounts.sessions import stored_key
from audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    UserFactory,
    admin_action,
    login,
    make_case,
    otp_code,
    otp_code_for_secret,
    otp_device,
    recovery_codes,
    step_up,
)

pytestmark = pytest.mark.django_db

# 09:00:01 UTC: one second into a 30-second TOTP step, so a few seconds' travel stays within tolerance.
START = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
VERIFY = "/konto/to-faktor/"
ENROL = "/konto/to-faktor/opsaet/"
WRONG_CODE = "Koden blev ikke godkendt"
THROTTLED = "For mange forkerte koder"


def password_login(client, user, next_url="/"):
    """The first factor only, through the real login page (django-axes watches it)."""
    response = client.post("/login/", {"username": user.username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content.decode()
    return response


def security_events(what):
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.SECURITY, what=what).order_by("id"))


def otp_exempt_url_names(patterns=None, namespace=""):
    """The names of every URL whose view is marked as reachable before the second factor."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= otp_exempt_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and not getattr(pattern.callback, "otp_required", True):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_only_logging_in_and_the_two_factor_pages_are_open_before_the_second_factor():
    assert otp_exempt_url_names() == {
        "login",
        "logout",
        "set_language",
        "accounts:verify",
        "accounts:enrol",
        "accounts:set_password",
        # The browsers' CSP reports, which come without a session and show nothing (tests/test_security_headers.py).
        "csp_report",
        # The health endpoints, for the container and the proxy: ok or failed, nothing else (tests/ops/).
        "ops:health_live",
        "ops:health_ready",
        # The public anonymous report and its follow-up by receipt code: no login at all (tests/intake/).
        "intake:report_form",
        "intake:follow_up",
    }


def test_password_alone_opens_no_page_and_no_endpoint(client, cmm_worker):
    case = make_case(cmm_worker)
    otp_device(cmm_worker)
    password_login(client, cmm_worker)

    pages = ["/", "/sager/", "/sager/ny/", f"/sager/{case.number}/", f"/sager/{case.number}/vurdering/", "/brugere/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next="), url
    endpoints = ["/api/v1/cases/", f"/api/v1/cases/{case.number}/", "/api/v1/deadlines/", "/api/schema/"]
    for url in endpoints:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["errors"][0]["code"] == "otp_required", url
    write = client.post(f"/api/v1/cases/{case.number}/assessment/", {}, content_type="application/json")
    assert write.status_code == 403
    htmx = client.post("/sager/", {"status": "referred"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == VERIFY


def test_a_code_from_the_app_opens_the_session_once(client, cmm_worker):
    device = otp_device(cmm_worker)
    with time_machine.travel(START, tick=False):
        redirect = password_login(client, cmm_worker, next_url="/sager/")
        assert redirect["Location"] == f"{VERIFY}?next=%2Fsager%2F"
        code = otp_code(device)

        verified = client.post(VERIFY, {"code": code, "next": "/sager/"})
        assert verified.status_code == 302 and verified["Location"] == "/sager/"
        assert client.get("/sager/").status_code == 200

        # The same code again, from another browser, a few seconds later: refused.
        other = client.__class__()
        password_login(other, cmm_worker)
        replay = other.post(VERIFY, {"code": code, "next": "/"})
        assert replay.status_code == 200
        assert WRONG_CODE in replay.content.decode()
        assert other.get("/").status_code == 302


def test_wrong_codes_are_throttled_audited_and_never_logged(client, cmm_worker, caplog):
    device = otp_device(cmm_worker)
    caplog.set_level("DEBUG")
    with time_machine.travel(START, tick=False) as clock:
        password_login(client, cmm_worker)
        right = otp_code(device)
        wrong = "000000" if right != "000000" else "111111"

        first = client.post(VERIFY, {"code": wrong})
        # Within the back-off (1 s after one failure) even the right code is refused.
        throttled = client.post(VERIFY, {"code": right})
        clock.shift(dt.timedelta(seconds=3))
        accepted = client.post(VERIFY, {"code": right, "next": "/"})

    assert WRONG_CODE in first.content.decode()
    assert THROTTLED in throttled.content.decode()
    assert accepted.status_code == 302
    failed = security_events("otp_failed")
    assert [(e.detail["throttled"], e.actor_id, e.detail["method"]) for e in failed] == [
        (False, cmm_worker.pk, "totp"),
        (True, cmm_worker.pk, "totp"),
    ]
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # reset by the accepted code
    logged = caplog.text + repr(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert right not in logged and wrong not in logged


def test_a_recovery_code_works_once_and_is_audited(client, cmm_worker):
    otp_device(cmm_worker)
    recovery = recovery_codes(cmm_worker, ["abcdefgh", "ijklmnop"])

    password_login(client, cmm_worker)
    used = client.post(VERIFY, {"code": "ABCD efgh", "next": "/"})
    assert used.status_code == 302 and client.get("/").status_code == 200

    other = client.__class__()
    password_login(other, cmm_worker)
    again = other.post(VERIFY, {"code": "abcdefgh"})
    assert again.status_code == 200 and WRONG_CODE in again.content.decode()
    assert list(recovery.codes.values_list("code_hash", flat=True)) == [recovery_code_hash("ijklmnop")]
    assert [e.detail for e in security_events("otp_recovery_code_used")] == [{"remaining": 1}]


def enrolment_secret(response) -> str:
    return re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', response.content.decode()).group(1)


def test_first_login_sets_up_the_app_and_shows_ten_recovery_codes_once(client, cmm_worker):
    with time_machine.travel(START, tick=False):
        to_verify = password_login(client, cmm_worker, next_url="/sager/")
        to_enrol = client.get(to_verify["Location"])
        assert to_enrol["Location"] == f"{ENROL}?next=%2Fsager%2F"

        page = client.get(to_enrol["Location"])
        body = page.content.decode()
        assert not AuthenticatorDevice.objects.filter(user=cmm_worker).exists()  # saved only when confirmed
        assert re.search(
            r'<img src="data:image/svg\+xml;charset=utf-8,[^"]+" alt="QR-kode til godkendelsesappen"', body
        )
        secret = enrolment_secret(page)
        assert "<script>" not in body and " style=" not in body  # the CSP allows neither
        assert enrolment_secret(client.get(ENROL)) == secret  # a reload shows the same key

        wrong = client.post(ENROL, {"code": "12345", "next": "/sager/"})
        assert wrong.status_code == 200 and "6 cifre" in wrong.content.decode()

        enrolled = client.post(ENROL, {"code": otp_code_for_secret(secret), "next": "/sager/"})
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", enrolled.content.decode())
        assert client.get("/sager/").status_code == 200
        # Enrolment is over: the page sends a verified user on, and never shows the codes again.
        again = client.get(f"{ENROL}?next=/sager/")

    assert enrolled.status_code == 200
    assert "no-store" in enrolled["Cache-Control"]  # the codes stay out of every cache
    assert len(set(codes)) == 10
    stored = RecoveryCode.objects.filter(device__user=cmm_worker).values_list("code_hash", flat=True)
    assert sorted(stored) == sorted(recovery_code_hash(code) for code in codes)
    device = AuthenticatorDevice.objects.get(user=cmm_worker)
    assert device.confirmed and b32encode(device.bin_key).decode() == secret.replace(" ", "")
    session = Session.objects.get(session_key=stored_key(client.cookies["sessionid"].value)).get_decoded()
    assert not any(code in repr(session) for code in codes)
    assert "_otp_enrolment" not in session
    assert again.status_code == 302 and again["Location"].startswith(VERIFY)
    assert [e.actor_id for e in security_events("otp_enrolled")] == [cmm_worker.pk]


def test_the_session_key_changes_at_each_step_of_logging_in(client, cmm_worker):
    device = otp_device(cmm_worker)
    client.get("/login/")
    before = client.cookies.get("sessionid")
    password_login(client, cmm_worker)
    after_password = client.cookies["sessionid"].value
    client.post(VERIFY, {"code": otp_code(device)})
    after_code = client.cookies["sessionid"].value

    assert before is None or before.value != after_password
    assert after_password != after_code
    assert not Session.objects.filter(session_key=stored_key(after_password)).exists()


@pytest.fixture
def system_admin(db):
    return UserFactory(username="admin", agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True)


def test_system_administrator_resets_a_users_second_factor_audited(client, system_admin, cmm_worker):
    step_up(login(client, system_admin))
    staff_client = login(client.__class__(), cmm_worker)
    recovery_codes(cmm_worker, ["abcdefgh"])

    response = admin_action(client, "nulstil-to-faktor", cmm_worker)

    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=cmm_worker).exists()
    assert not RecoveryCodeDevice.objects.filter(user=cmm_worker).exists()
    assert not RecoveryCode.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ADMIN, what="otp_reset")
    assert event.actor_id == system_admin.pk
    assert event.purpose == AuditEvent.Purpose.ADMINISTRATION
    assert event.detail == {"user": cmm_worker.username, "had_device": True, "sessions_ended": 1}
    # Whoever held the user's session is out, and the next login goes through enrolment again.
    assert staff_client.get("/")["Location"].startswith("/login/")
    assert client.get("/").status_code == 200  # the administrator's own session is untouched
    password_login(staff_client, cmm_worker)
    assert staff_client.get(VERIFY)["Location"].startswith(ENROL)


def test_only_the_system_administrator_may_reset(client, system_admin, cmm_worker):
    system_admin.role = Role.CMM_COORDINATOR
    system_admin.save()
    step_up(login(client, system_admin))
    otp_device(cmm_worker)

    response = admin_action(client, "nulstil-to-faktor", cmm_worker)

    assert response.status_code == 403
    assert AuthenticatorDevice.objects.filter(user=cmm_worker).exists()
    assert not AuditEvent.objects.filter(what="otp_reset").exists()


def test_devices_are_not_editable_in_the_admin():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (AuthenticatorDevice, RecoveryCodeDevice, RecoveryCode, TOTPDevice, StaticDevice):
        assert not admin.site.is_registered(model), model
