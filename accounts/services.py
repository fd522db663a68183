"""Staff accounts: two-factor devices, lockouts, and the administrator's and coordinators' actions on accounts.

The devices are accounts.devices' (secrets encrypted or hashed), not django-otp's own models (secrets in clear).

Every refusal, reset and administrative action is audited. Codes, passwords and set-password links are never
logged or audited; the audit rows name the event, the user and counts only.
"""

import re
from base64 import b32encode

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
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
from .models import ROLE_AGENCIES, TEAM_REQUIRED_ROLES, Agency, Role, RoleRequest, Team, User
from .tokens import set_password_token

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")
APP_NAME = "Godkendelsesapp"
RECOVERY_NAME = "Gendannelseskoder"
# The session's own enrolment: its key (encrypted) and until when it holds; a reload in that time keeps the QR code.
ENROLMENT_SESSION_KEY = "_otp_enrolment"
ENROLMENT_SECONDS = 10 * 60


class OTPRefused(Exception):
    """A code was not accepted; the message is safe to show (it says nothing about which part was wrong)."""


class AccountRefused(Exception):
    """An action on an account that the rules refuse; the message is for the administrator or coordinator."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _require_administrator(*, actor, user=None) -> None:
    """Only the system administrator acts on accounts, and never on their own."""
    from access import policy  # the policy sits above the apps it governs; imported late to avoid a cycle

    if not policy.role_may(actor, policy.Action.MANAGE_USERS):
        raise AccountRefused(_("Kun systemadministratoren kan administrere brugere."))
    if user is not None and user.pk == actor.pk:
        raise AccountRefused(_("Du kan ikke ændre din egen bruger. Det skal en anden administrator gøre."))


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
    _require_administrator(actor=actor, user=user)
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
    _require_administrator(actor=actor, user=user)
    sessions = user_sessions_end(user)
    _audit_admin(actor=actor, what="sessions_ended", user=user, request=request, sessions_ended=sessions)
    return sessions


@transaction.atomic
def user_login_unlock(*, user, actor, request=None) -> int:
    """Lift the lockouts of the user's name at every address now (django-axes keeps them in PostgreSQL).

    The earlier lockouts still count towards the doubling of the next pause (accounts.lockout).
    """
    _require_administrator(actor=actor, user=user)
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


def role_checked(*, agency: str, role: str, team: Team | None) -> None:
    """Refuse a combination the access rules do not fit: a role outside its agency, a team of another agency."""
    if role not in ROLE_AGENCIES:
        raise AccountRefused(_("Vælg en rolle."), field="role")
    if agency not in ROLE_AGENCIES[role]:
        raise AccountRefused(
            _("Rollen %(role)s hører ikke til %(agency)s.")
            % {"role": Role(role).label, "agency": Agency(agency).label if agency else _("ingen myndighed")},
            field="role",
        )
    if team is not None and team.agency != agency:
        raise AccountRefused(_("Teamet hører til en anden myndighed."), field="team")
    if team is None and role in TEAM_REQUIRED_ROLES:
        raise AccountRefused(_("Vælg organisationens team: sager deles med teamet."), field="team")


def _role_apply(user: User, role_request: RoleRequest) -> None:
    user.agency, user.role, user.team = role_request.agency, role_request.role, role_request.team
    user.save(update_fields=["agency", "role", "team"])


def _pending_cancel(user: User, now) -> int:
    """Cancel the user's role change still waiting for approval, if any (a newer one, or a deactivation)."""
    pending = RoleRequest.objects.filter(user=user, status=RoleRequest.Status.PENDING)
    return pending.update(status=RoleRequest.Status.CANCELLED, decided_at=now)


def _role_detail(role_request: RoleRequest) -> dict:
    return {
        "role_request": role_request.pk,
        "role": role_request.role,
        "agency": role_request.agency,
        "team": role_request.team_id,
    }


@transaction.atomic
def user_role_request(*, user: User, agency: str, role: str, team: Team | None = None, actor, request=None):
    """Ask for a change of the user's agency, role and team; the change itself waits if the role reads cases.

    A role that reads cases (access.policy.ROLE_APPROVERS) is pending until a coordinator of the agency
    concerned approves it, and has no effect until then; any other change is applied now. A new request
    cancels one still pending for the same user.
    """
    from access import policy

    _require_administrator(actor=actor, user=user)
    role_checked(agency=agency, role=role, team=team)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise AccountRefused(_("Brugeren er deaktiveret."))
    if (user.agency, user.role, user.team_id) == (agency, role, team.pk if team else None):
        raise AccountRefused(_("Brugeren har allerede denne myndighed, rolle og team."), field="role")
    previous_role, now = user.role, timezone.now()
    cancelled = _pending_cancel(user, now)
    pending = policy.role_needs_approval(role)
    role_request = RoleRequest.objects.create(
        user=user,
        agency=agency,
        role=role,
        team=team,
        requested_by=actor,
        requested_at=now,
        status=RoleRequest.Status.PENDING if pending else RoleRequest.Status.APPROVED,
        decided_at=None if pending else now,
    )
    if not pending:
        _role_apply(user, role_request)
    _audit_admin(
        actor=actor,
        what="role_change_requested" if pending else "role_changed",
        user=user,
        request=request,
        previous_role=previous_role,
        requests_cancelled=cancelled,
        **_role_detail(role_request),
    )
    return role_request


@transaction.atomic
def user_role_decide(*, role_request: RoleRequest, approve: bool, actor, request=None) -> RoleRequest:
    """A coordinator of the agency concerned approves (the change takes effect now) or rejects a request.

    Nobody decides a request about themselves, or one they asked for. A request decided or cancelled in the
    meantime is refused (the conditional UPDATE claims it).
    """
    from access import policy

    if not policy.may_decide_role(actor, role_request.role):
        raise AccountRefused(_("Kun en koordinator i den myndighed, rollen hører under, kan afgøre anmodningen."))
    if actor.pk in (role_request.user_id, role_request.requested_by_id):
        raise AccountRefused(_("Du kan ikke afgøre en anmodning om dig selv eller en, du selv har sendt."))
    status = RoleRequest.Status.APPROVED if approve else RoleRequest.Status.REJECTED
    claimed = RoleRequest.objects.filter(pk=role_request.pk, status=RoleRequest.Status.PENDING).update(
        status=status, decided_by=actor, decided_at=timezone.now()
    )
    if claimed != 1:
        raise AccountRefused(_("Anmodningen er allerede afgjort eller annulleret."))
    role_request.refresh_from_db()
    user = User.objects.select_for_update().get(pk=role_request.user_id)
    if approve:
        if not user.is_active:
            raise AccountRefused(_("Brugeren er deaktiveret."))
        _role_apply(user, role_request)
    _audit_admin(
        actor=actor,
        what="role_change_approved" if approve else "role_change_rejected",
        user=user,
        request=request,
        requested_by=role_request.requested_by.username,
        **_role_detail(role_request),
    )
    return role_request


@transaction.atomic
def user_role_request_cancel(*, user: User, actor, request=None) -> None:
    """Withdraw the user's role change still waiting for approval (asked by mistake, or no longer wanted)."""
    _require_administrator(actor=actor, user=user)
    if not _pending_cancel(user, timezone.now()):
        raise AccountRefused(_("Brugeren har ingen rolleændring, der afventer godkendelse."))
    _audit_admin(actor=actor, what="role_change_cancelled", user=user, request=request)


def set_password_path(user: User) -> str:
    """The user's set-password address: valid once, for PASSWORD_RESET_TIMEOUT, while the password is unchanged."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:set_password", kwargs={"uidb64": uid, "token": set_password_token.make_token(user)})


def _set_password_link_send(*, user: User, actor, request=None, base_url: str = "") -> None:
    """Email the user their set-password link; the administrator never sees it, nor the password chosen."""
    path = set_password_path(user)
    url = request.build_absolute_uri(path) if request is not None else f"{base_url.rstrip('/')}{path}"
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    context = {"user": user, "url": url, "hours": hours}
    send_mail(
        subject=render_to_string("accounts/email/set_password_subject.txt", context).strip(),
        message=render_to_string("accounts/email/set_password.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    _audit_admin(actor=actor, what="set_password_link_sent", user=user, request=request, valid_hours=hours)


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    agency: str,
    role: str,
    team: Team | None = None,
    actor,
    request=None,
    base_url: str = "",
) -> RoleRequest:
    """Create a user without a password, ask for their role, and email them a set-password link.

    The user then chooses a password and, at the first login, sets up an authenticator app. A role that reads
    cases waits for a coordinator's approval (user_role_request); until then the user has no role at all.
    """
    _require_administrator(actor=actor)
    role_checked(agency=agency, role=role, team=team)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountRefused(_("Brugernavnet er allerede i brug."), field="username")
    if not email:
        raise AccountRefused(
            _("Skriv brugerens e-mailadresse: linket til at vælge adgangskode sendes dertil."), "email"
        )
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.save()
    _audit_admin(actor=actor, what="user_created", user=user, request=request)
    role_request = user_role_request(user=user, agency=agency, role=role, team=team, actor=actor, request=request)
    _set_password_link_send(user=user, actor=actor, request=request, base_url=base_url)
    return role_request


@transaction.atomic
def user_password_reset(*, user: User, actor, request=None) -> None:
    """The password and the second factor are removed and the sessions end; the user gets a new link by email.

    The administrator neither sees nor sets the new password: the user chooses it, then sets up their app again.
    """
    _require_administrator(actor=actor, user=user)
    if not user.email:
        raise AccountRefused(_("Brugeren har ingen e-mailadresse, så linket kan ikke sendes."))
    user.set_unusable_password()  # a new unusable value: links sent before this one stop working
    user.save(update_fields=["password"])
    user_otp_reset(user=user, actor=actor, request=request)
    _audit_admin(actor=actor, what="password_reset", user=user, request=request)
    _set_password_link_send(user=user, actor=actor, request=request)


@transaction.atomic
def user_deactivate(*, user: User, actor, request=None) -> None:
    """The user can no longer log in; their sessions end and a role change still pending is cancelled."""
    _require_administrator(actor=actor, user=user)
    if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
        raise AccountRefused(_("Brugeren er allerede deaktiveret."))
    user.is_active = False
    cancelled = _pending_cancel(user, timezone.now())
    sessions = user_sessions_end(user)
    _audit_admin(
        actor=actor,
        what="user_deactivated",
        user=user,
        request=request,
        sessions_ended=sessions,
        requests_cancelled=cancelled,
    )


@transaction.atomic
def user_password_set(*, user: User, password: str, request=None) -> None:
    """The user chose their password through the set-password link (which this makes invalid)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_security(actor=user, what="password_set", request=request)


def step_up_verified_audit(*, user, request) -> None:
    """A fresh second-factor code before an administrative action or an approval (AU-06)."""
    audit_security(actor=user, what="step_up", request=request)


@transaction.atomic
def team_create(*, agency: str, name: str, actor, request=None) -> Team:
    """A new team (or an NGO's or the IOM's organisation, which cases can be shared with). Grants nothing."""
    _require_administrator(actor=actor)
    if Team.objects.filter(agency=agency, name__iexact=name).exists():
        raise AccountRefused(_("Myndigheden har allerede et team med det navn."), field="name")
    team = Team.objects.create(agency=agency, name=name)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ADMIN,
        what="team_created",
        purpose=AuditEvent.Purpose.ADMINISTRATION,
        detail={"team": team.pk, "agency": agency},
        request=request,
    )
    return team


@transaction.atomic
def user_create_from_command_line(
    *, username: str, email: str, agency: str, role: str, team: Team | None = None, first_name="", last_name=""
) -> User:
    """A user with their role at once, for a new installation's first administrator and coordinators.

    There is nobody yet to approve a role, so this is the command line's (manage.py user_create): whoever runs
    it has the server already. The audit row says so; the user chooses their password through the link.
    """
    role_checked(agency=agency, role=role, team=team)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountRefused(_("Brugernavnet er allerede i brug."), field="username")
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.agency, user.role, user.team = agency, role, team
    user.set_unusable_password()
    user.save()
    _audit_admin(actor=None, what="user_created", user=user, via="command_line", role=role, agency=agency)
    return user
