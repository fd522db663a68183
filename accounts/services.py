"""Two-factor devices and login lockouts: enrol, verify, reset, unlock. Every refusal and reset is audited.

Codes and passwords are never logged or audited; the audit rows name the event, the user and counts only.
"""

import re
from base64 import b32encode

import segno
from axes.utils import reset as axes_reset
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_record

from . import lockout

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")


class OTPRefused(Exception):
    """A code was not accepted; the message is safe to show (it says nothing about which part was wrong)."""


def _audit_security(*, actor, what: str, request=None, detail: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.SECURITY,
        what=what,
        purpose=AuditEvent.Purpose.SYSTEM,
        detail=detail,
        request=request,
    )


def _audit_admin(*, actor, what: str, user, request=None, **detail) -> None:
    """An administrator's action on a user's account, naming the user (never a secret)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ADMIN,
        what=what,
        purpose=AuditEvent.Purpose.ADMINISTRATION,
        detail={"user": user.username, **detail},
        request=request,
    )


def otp_is_enrolled(user) -> bool:
    """Has the user confirmed an authenticator app? (Recovery codes alone do not count.)"""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def otp_enrolment_device(user) -> TOTPDevice:
    """The app device the user is setting up: the same one until confirmed, so a reload keeps the QR code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Godkendelsesapp", confirmed=False)


def otp_qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG data: URI (the CSP allows images from data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def otp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _check(*, device: Device, code: str, user, request, method: str) -> None:
    """Verify the code against the device, or audit the refusal and raise OTPRefused.

    The device row is locked for the check, so two requests cannot both spend one code. A device in
    django-otp's back-off (1, 2, 4, 8 ... seconds after successive failures) refuses even the right code.
    """
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, _info = locked.verify_is_allowed()
        verified = allowed and locked.verify_token(code)
    if verified:
        device.refresh_from_db()
        return
    _audit_security(
        actor=user,
        what="otp_failed",
        request=request,
        detail={"method": method, "throttled": not allowed, "failures": locked.throttling_failure_count},
    )
    if not allowed:
        raise OTPRefused(_("For mange forkerte koder. Vent lidt, og prøv igen."))
    raise OTPRefused(_("Koden blev ikke godkendt: den er forkert eller allerede brugt."))


def otp_verify(*, user, code: str, request=None) -> Device:
    """The device that accepts this code: a 6-digit code from the app, or a recovery code (used up).

    A code already used is refused (django-otp keeps the last time step); failures are throttled per device
    with exponential back-off and audited. Raises OTPRefused.
    """
    if TOTP_CODE.fullmatch(code):
        method, device = "totp", TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    else:
        method, device = "recovery_code", StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        _audit_security(actor=user, what="otp_failed", request=request, detail={"method": method, "device": False})
        raise OTPRefused(_("Koden blev ikke godkendt: den er forkert eller allerede brugt."))
    _check(device=device, code=code, user=user, request=request, method=method)
    if method == "recovery_code":
        _audit_security(
            actor=user,
            what="otp_recovery_code_used",
            request=request,
            detail={"remaining": device.token_set.count()},
        )
    return device


def otp_enrol(*, user, device: TOTPDevice, code: str, request=None) -> list[str]:
    """Confirm the app with a code it shows, and return new recovery codes (shown once, stored for checking).

    Raises OTPRefused if the code is wrong, or if the user has an app already (a reset comes first).
    """
    if otp_is_enrolled(user) or device.user_id != user.pk or device.confirmed:
        raise OTPRefused(_("To-faktor-godkendelse er allerede sat op for din bruger."))
    _check(device=device, code=code, user=user, request=request, method="enrolment")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="Gendannelseskoder", confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in codes)
        _audit_security(actor=user, what="otp_enrolled", request=request, detail={"recovery_codes": len(codes)})
    return codes


def user_sessions_end(user) -> int:
    """Delete every live session of this user (there are few: each lives 15 minutes idle at most)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_otp_reset(*, user, actor, request=None) -> None:
    """Remove the user's app and recovery codes, and end their sessions: they enrol again at the next login.

    The sessions end too, so whoever held a session (perhaps with a stolen device) cannot enrol a new one.
    """
    had_device = user_has_device(user, confirmed=None)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions = user_sessions_end(user)
    _audit_admin(
        actor=actor, what="otp_reset", user=user, request=request, had_device=had_device, sessions_ended=sessions
    )


@transaction.atomic
def user_logout_everywhere(*, user, actor, request=None) -> int:
    """End all the user's sessions now (a lost laptop, a suspicion): they must log in again with both factors."""
    sessions = user_sessions_end(user)
    _audit_admin(actor=actor, what="sessions_ended", user=user, request=request, sessions_ended=sessions)
    return sessions


@transaction.atomic
def user_login_unlock(*, user, actor, request=None) -> int:
    """Lift the lockouts of the user's name at every address now (django-axes keeps them in PostgreSQL).

    The earlier lockouts still count towards the doubling of the next pause (accounts.lockout).
    """
    removed = axes_reset(username=lockout.username_key(user.username))
    _audit_admin(actor=actor, what="login_unlocked", user=user, request=request, attempts_removed=removed)
    return removed


def login_failed_audit(*, username: str, request) -> None:
    """A wrong username or password: the name as its keyed hash (what was typed may be a password)."""
    _audit_security(
        actor=None, what="login_failed", request=request, detail={"username_hash": lockout.username_key(username)}
    )


def login_locked_out_audit(*, username: str, request) -> None:
    """A login refused because this name is paused at this address (django-axes); the name as its keyed hash."""
    _audit_security(
        actor=None, what="login_locked_out", request=request, detail={"username_hash": lockout.username_key(username)}
    )
