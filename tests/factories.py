import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Agency, Role, Team, User
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


def login(client, user):
    """Log the test client in as `user`, as a fully authenticated member of staff."""
    client.force_login(user)
    return client


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
