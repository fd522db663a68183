import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Agency, Role
from cases.models import Case
from grants.models import Share
from support import services
from support.models import SupportService
from tests.factories import TeamFactory, UserFactory
from tests.states import period_case


@pytest.fixture
def case(cmm_worker, dis_worker):
    """A victim's case in its reflection period: DIS competent, cmm_worker its contact person."""
    return period_case(cmm_worker, dis_worker)


@pytest.fixture
def iom_team(db):
    return TeamFactory(agency=Agency.IOM, name="IOM Danmark")


@pytest.fixture
def iom_officer(iom_team):
    return UserFactory(username="iom", agency=Agency.IOM, role=Role.IOM_OFFICER, team=iom_team)


def share(case, team, scope=Share.Scope.SUPPORT):
    from grants import services as grants

    case = Case.objects.get(pk=case.pk)
    today = timezone.localdate()
    grants.share_create(
        case=case,
        actor=case.contact_person,
        expected_version=case.version,
        team=team,
        scope=scope,
        consent_given_on=today,
        expires_on=today + dt.timedelta(days=30),
    )
    return Case.objects.get(pk=case.pk)


def record(case, actor, **overrides) -> SupportService:
    case = Case.objects.select_related("referral").get(pk=case.pk)
    values = {
        "type": SupportService.Type.SHELTER,
        "provider": "Reden København",
        "starts_on": timezone.localdate(),
        "status": SupportService.Status.OFFERED,
        **overrides,
    }
    return services.support_service_record(case=case, actor=actor, expected_version=case.version, **values)


def update(service, actor, **values) -> SupportService:
    service = SupportService.objects.select_related("case__referral").get(pk=service.pk)
    return services.support_service_update(service=service, actor=actor, expected_version=service.version, **values)


def save_plan(case, actor, **overrides):
    case = Case.objects.select_related("referral").get(pk=case.pk)
    today = timezone.localdate()
    values = {
        "made_on": today,
        "made_with_person": True,
        "made_with_representative": False,
        "goals": ["Finde en sikker bolig", "Lære dansk"],
        "activities": [
            {"text": "Møde på sprogskolen", "responsible": "Kontaktpersonen", "due_on": today + dt.timedelta(days=7)},
            {"text": "Lægebesøg", "responsible": "Personen", "due_on": None},
        ],
        "review_dates": [today + dt.timedelta(days=30), today + dt.timedelta(days=90)],
        **overrides,
    }
    return services.action_plan_version_save(case=case, actor=actor, expected_version=case.version, **values)
