import pytest

from accounts.models import Agency, Role

from .factories import TeamFactory, UserFactory


@pytest.fixture
def cmm_team(db):
    return TeamFactory(agency=Agency.CMM, name="Team Øst")


@pytest.fixture
def cmm_worker(cmm_team):
    """A CMM contact person."""
    return UserFactory(username="cmm.kontakt", agency=Agency.CMM, role=Role.CMM_CONTACT_PERSON, team=cmm_team)


@pytest.fixture
def cmm_colleague(cmm_team):
    return UserFactory(username="cmm.kollega", agency=Agency.CMM, role=Role.CMM_CONTACT_PERSON, team=cmm_team)


@pytest.fixture
def cmm_outsider(db):
    """A CMM contact person in another team."""
    return UserFactory(
        username="cmm.vest",
        agency=Agency.CMM,
        role=Role.CMM_CONTACT_PERSON,
        team=TeamFactory(agency=Agency.CMM, name="Team Vest"),
    )


@pytest.fixture
def coordinator(cmm_team):
    return UserFactory(username="cmm.koordinator", agency=Agency.CMM, role=Role.CMM_COORDINATOR, team=cmm_team)


@pytest.fixture
def dis_worker(db):
    return UserFactory(username="us.sagsbehandler", agency=Agency.DIS, role=Role.DIS_CASEWORKER, team=None)


@pytest.fixture
def police(db):
    return UserFactory(username="politi", agency=Agency.POLICE, role=Role.POLICE_LIAISON, team=None)
