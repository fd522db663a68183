"""Two-factor devices and login lockouts: enrol, verify, reset, unlock. Every refusal and reset is audited.

The devices are accounts.devices' (secrets encrypted or hashed), not django-otp's own models (secrets in clear).

Codes and passwords are never logged or audited; the audit rows name the event, the user and counts only.
"""

import re
from base64 import b32encode

import segno
from axes.utils import reset as axes_reset
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.models import Device

from audit.models import AuditEvent
from audit.services import audit_record, audit_security
from privacy import crypto

from . import lockout, notices
from .devices import (
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryCodeDevice,
    new_app_key,
    new_recovery_code,
    recovery_code_hash,
)

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")
APP_NAME = "Godkendelsesapp"
RECOVERY_NAME = "Gendannelseskoder"
# The session's own enrolment: its key (encrypted) and until when it holds; a reload in that time keeps the QR code.
ENROLMENT_SESSION_KEY = "_otp_enrolment"
ENROLMENT_SECONDS = 10 * 60


class OTPRefused(Exception):
    """A code was not accepted; the message is safe to show (it says nothing about which part was wrong)."""



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
    return AuthenticatorDevice.objects.devices_for_user(user, confirmed=True).exists()


def _pending_device(request) -> AuthenticatorDevice | None:
    """The app this session is setting up (unsaved), or None if it has none or its time is up."""
    pending = request.session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("until", 0) <= timezone.now().timestamp():
        return None
    try:
        key = crypto.decrypt(pending["key"])
    except (KeyError, TypeError, crypto.DecryptionError):
        return None
    return AuthenticatorDevice(user=request.user, name=APP_NAME, key=key, confirmed=False)


def otp_enrolment_device(request) -> AuthenticatorDevice:
    """The app this session is setting up: the same until it is confirmed or its time is up, then a new key.

    The key belongs to this one session (kept in it encrypted with the field keys, since Django keeps session
    rows readable): another session of the same user, or this one after ENROLMENT_SECONDS, gets a key of its
    own. The device row is written only when the user confirms the app (otp_enrol).
    """
    device = _pending_device(request)
    if device is None:
        device = AuthenticatorDevice(user=request.user, name=APP_NAME, key=new_app_key(), confirmed=False)
        request.session[ENROLMENT_SESSION_KEY] = {
            "key": crypto.encrypt(device.key),
            "until": int(timezone.now().timestamp()) + ENROLMENT_SECONDS,
        }
    return device


def otp_qr_data_uri(device: AuthenticatorDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG data: URI (the CSP allows images from data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def otp_secret_text(device: AuthenticatorDevice) -> str:
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
    audit_security(
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

    A code already used is refused (the app device keeps the last time step); failures are throttled per
    device with exponential back-off and audited. Raises OTPRefused.
    """
    if TOTP_CODE.fullmatch(code):
        method, device = "totp", AuthenticatorDevice.objects.devices_for_user(user, confirmed=True).first()
    else:
        method, device = "recovery_code", RecoveryCodeDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        audit_security(actor=user, what="otp_failed", request=request, detail={"method": method, "device": False})
        raise OTPRefused(_("Koden blev ikke godkendt: den er forkert eller allerede brugt."))
    _check(device=device, code=code, user=user, request=request, method=method)
    if method == "recovery_code":
        audit_security(
            actor=user,
            what="otp_recovery_code_used",
            request=request,
            detail={"remaining": device.codes.count()},
        )
    return device


def otp_enrol(*, request, code: str) -> tuple[AuthenticatorDevice, list[str]]:
    """Confirm the app this session is setting up with a code it shows; save it, with new recovery codes.

    The recovery codes are returned to be shown once; only their keyed hashes are stored. Raises OTPRefused if
    the code is wrong, if the session's enrolment has timed out, or if the user has an app already (another
    session confirmed first, or a reset is needed). No back-off here: whoever holds this session sees the key.
    """
    user = request.user
    device = _pending_device(request)
    if device is None:
        raise OTPRefused(_("Tiden til opsætningen er gået. Scan den nye QR-kode, og skriv den kode, appen viser."))
    if not device.match(code):
        audit_security(actor=user, what="otp_failed", request=request, detail={"method": "enrolment"})
        raise OTPRefused(_("Koden blev ikke godkendt: den er forkert eller allerede brugt."))
    with transaction.atomic():
        # One confirmation per user at a time: two sessions confirming at once cannot both save an app.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        if otp_is_enrolled(user):
            raise OTPRefused(_("To-faktor-godkendelse er allerede sat op for din bruger."))
        AuthenticatorDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.save()
        recovery = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [new_recovery_code() for _i in range(RECOVERY_CODE_COUNT)]
        RecoveryCode.objects.bulk_create(RecoveryCode(device=recovery, code_hash=recovery_code_hash(c)) for c in codes)
        audit_security(actor=user, what="otp_enrolled", request=request, detail={"recovery_codes": len(codes)})
        notices.second_factor_notice_later(user=user, event=notices.ENROLLED)
    del request.session[ENROLMENT_SESSION_KEY]
    return device, codes


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
    The user is told by email, so a reset they did not ask for does not go unnoticed.
    """
    had_device = user_has_device(user, confirmed=None)
    AuthenticatorDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    sessions = user_sessions_end(user)
    _audit_admin(
        actor=actor, what="otp_reset", user=user, request=request, had_device=had_device, sessions_ended=sessions
    )
    notices.second_factor_notice_later(user=user, event=notices.RESET)


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
    audit_security(
        actor=None, what="login_failed", request=request, detail={"username_hash": lockout.username_key(username)}
    )


def login_locked_out_audit(*, username: str, request) -> None:
    """A login refused because this name is paused at this address (django-axes); the name as its keyed hash."""
    audit_security(
        actor=None, what="login_locked_out", request=request, detail={"username_hash": lockout.username_key(username)}
    )
