import datetime as dt
import time
from base64 import b32decode

import factory
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from accounts.devices import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice, recovery_code_hash
from accounts.models import Agency, Role, Team, User
from accounts.step_up import STEP_UP_SESSION_KEY
from cases import services
from cases.codes import ExploitationForm, ReferralChannel, ReferralSource, ResidenceStatus

PASSWORD = "a-long-test-password-for-staff"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("agency", "name")

    agency = Agency.CMM
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Bruger {n}")
    password = factory.django.Password(PASSWORD)
    agency = Agency.CMM
    role = Role.CMM_CONTACT_PERSON
    team = factory.SubFactory(TeamFactory)


def otp_device(user) -> AuthenticatorDevice:
    """The user's authenticator app (created confirmed, as if they had enrolled)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    return device or AuthenticatorDevice.objects.create(user=user, name="Godkendelsesapp", confirmed=True)


def otp_code(device: AuthenticatorDevice) -> str:
    """The code the user's app shows now, or the next one if now's is spent (the device accepts one step ahead)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():0{device.digits}d}"


def otp_code_for_secret(secret: str) -> str:
    """The code an app shows now for the key as the enrolment page writes it (base32 in groups of four)."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def recovery_codes(user, codes: list[str]) -> RecoveryCodeDevice:
    """The user's recovery codes (stored as their keyed hashes, as enrolment stores them)."""
    device = RecoveryCodeDevice.objects.create(user=user, name="Gendannelseskoder", confirmed=True)
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=recovery_code_hash(c)) for c in codes)
    return device


def login(client, user):
    """Log the test client in as `user` with both factors, as the login and verification pages leave it.

    The password step is Django's force_login (django-axes refuses client.login without a request); the second
    factor is marked in the session exactly as django_otp.login does.
    """
    device = otp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def step_up(client):
    """Mark the client's session as having just passed the step-up page (a fresh code, AU-06)."""
    session = client.session
    session[STEP_UP_SESSION_KEY] = int(timezone.now().timestamp())
    session.save()
    return client


def admin_action(client, action: str, user):
    """An administrator's confirmed action on a user's account, from the user administration pages."""
    return client.post(f"/brugere/{user.pk}/{action}/", {"confirmed": "yes"})


def person_data(**overrides) -> dict:
    return {"given_name": "Ada", "family_name": "Testesen", "nationalities": ["NG"], **overrides}


def referral_data(**overrides) -> dict:
    return {
        "received_at": timezone.now() - dt.timedelta(days=3),
        "source": ReferralSource.NGO,
        "channel": ReferralChannel.OUTREACH,
        "residence_status": ResidenceStatus.NO_LEGAL_RESIDENCE,
        "exploitation_forms": [ExploitationForm.SEXUAL],
        **overrides,
    }


def make_case(actor, *, person=None, **referral):
    return services.referral_register(
        actor=actor, person=person_data(**(person or {})), referral=referral_data(**referral)
    )
