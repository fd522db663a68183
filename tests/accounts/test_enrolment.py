"""Setting up the authenticator app: the pending key belongs to one session, and the user is told by email."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session

from accounts.devices import AuthenticatorDevice
from accounts.models import Role
from tests.factories import PASSWORD, UserFactory, admin_action, login, otp_code_for_secret, step_up

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)  # 10:00:01 in Copenhagen
VERIFY = "/konto/to-faktor/"
ENROL = "/konto/to-faktor/opsaet/"


def password_login(client, user):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def secret_on(response) -> str:
    return re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', response.content.decode()).group(1)


def recovery_codes_on(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.fixture
def with_email(cmm_worker):
    cmm_worker.email = "kontakt@cmm.example"
    cmm_worker.save()
    return cmm_worker


def test_two_sessions_of_a_user_without_an_app_see_different_keys(client, cmm_worker):
    first = password_login(client, cmm_worker)
    second = password_login(client.__class__(), cmm_worker)

    first_secret = secret_on(first.get(ENROL))
    second_secret = secret_on(second.get(ENROL))

    assert first_secret != second_secret
    assert secret_on(first.get(ENROL)) == first_secret  # each session keeps its own key while it sets up
    assert not AuthenticatorDevice.objects.exists()
    # The pending key is in the session row encrypted, never in clear (the row itself is readable).
    raw = "".join(Session.objects.values_list("session_data", flat=True))
    decoded = repr([session.get_decoded() for session in Session.objects.all()])
    for secret in (first_secret, second_secret):
        assert secret.replace(" ", "") not in raw + decoded
    assert "f1:" in decoded


def test_the_first_session_to_confirm_its_app_wins_and_the_other_key_is_worthless(client, cmm_worker):
    first = password_login(client, cmm_worker)
    second = password_login(client.__class__(), cmm_worker)
    first_secret, second_secret = secret_on(first.get(ENROL)), secret_on(second.get(ENROL))

    confirmed = first.post(ENROL, {"code": otp_code_for_secret(first_secret), "next": "/"})
    late = second.post(ENROL, {"code": otp_code_for_secret(second_secret), "next": "/"})

    assert len(recovery_codes_on(confirmed)) == 10
    assert late.status_code == 302 and late["Location"].startswith(VERIFY)
    device = AuthenticatorDevice.objects.get(user=cmm_worker)
    assert secret_on_device(device) == first_secret.replace(" ", "")
    # The other session's key opens nothing: it was never saved.
    refused = second.post(VERIFY, {"code": otp_code_for_secret(second_secret), "next": "/"})
    assert refused.status_code == 200 and "Koden blev ikke godkendt" in refused.content.decode()


def secret_on_device(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def test_a_new_attempt_after_ten_minutes_gets_a_new_key_and_the_old_code_is_refused(client, cmm_worker):
    with time_machine.travel(START, tick=False) as clock:
        password_login(client, cmm_worker)
        old_secret = secret_on(client.get(ENROL))
        clock.shift(dt.timedelta(minutes=9, seconds=50))
        assert secret_on(client.get(ENROL)) == old_secret
        clock.shift(dt.timedelta(seconds=20))

        late = client.post(ENROL, {"code": otp_code_for_secret(old_secret), "next": "/"})
        new_secret = secret_on(late)
        assert late.status_code == 200 and "Tiden til opsætningen er gået" in late.content.decode()
        assert new_secret != old_secret
        assert secret_on(client.get(ENROL)) == new_secret
        assert not AuthenticatorDevice.objects.exists()

        enrolled = client.post(ENROL, {"code": otp_code_for_secret(new_secret), "next": "/"})
    assert len(recovery_codes_on(enrolled)) == 10


def test_the_code_that_confirmed_the_app_cannot_be_used_again_to_log_in(client, cmm_worker):
    with time_machine.travel(START, tick=False):
        password_login(client, cmm_worker)
        code = otp_code_for_secret(secret_on(client.get(ENROL)))
        client.post(ENROL, {"code": code, "next": "/"})

        other = password_login(client.__class__(), cmm_worker)
        replay = other.post(VERIFY, {"code": code, "next": "/"})

    assert replay.status_code == 200 and "Koden blev ikke godkendt" in replay.content.decode()


def test_the_user_is_told_by_email_when_an_app_is_set_up(
    client, with_email, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        password_login(client, with_email)
        secret = secret_on(client.get(ENROL))
        with django_capture_on_commit_callbacks(execute=True):
            enrolled = client.post(ENROL, {"code": otp_code_for_secret(secret), "next": "/"})

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kontakt@cmm.example"]
    assert mail.subject == "CMM sagssystem: to-faktor-godkendelse er sat op"
    assert "den 2. marts 2026 kl. 10:00" in mail.body
    assert "kontakt straks systemadministratoren" in mail.body
    secrets = [secret, secret.replace(" ", ""), *recovery_codes_on(enrolled), otp_code_for_secret(secret)]
    assert not any(value in mail.body or value in mail.subject for value in secrets)
    assert "http" not in mail.body  # no link to follow


def test_the_user_is_told_by_email_when_the_administrator_resets_their_second_factor(
    client, with_email, mailoutbox, django_capture_on_commit_callbacks
):
    administrator = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True)
    with time_machine.travel(START, tick=True), django_capture_on_commit_callbacks(execute=True):
        step_up(login(client, administrator))
        response = admin_action(client, "nulstil-to-faktor", with_email)

    assert response.status_code == 302

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["kontakt@cmm.example"], "CMM sagssystem: din to-faktor-godkendelse er nulstillet")
    ]
    body = mailoutbox[0].body
    assert "den 2. marts 2026 kl. 10:00" in body and "kontakt straks systemadministratoren" in body


def test_no_email_is_sent_for_a_refused_code_or_to_a_user_without_an_address(
    client, cmm_worker, mailoutbox, django_capture_on_commit_callbacks
):
    password_login(client, cmm_worker)
    secret = secret_on(client.get(ENROL))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ENROL, {"code": "000000" if otp_code_for_secret(secret) != "000000" else "111111"})
        enrolled = client.post(ENROL, {"code": otp_code_for_secret(secret), "next": "/"})

    assert len(recovery_codes_on(enrolled)) == 10
    assert mailoutbox == []
