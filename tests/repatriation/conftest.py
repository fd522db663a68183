import pytest

from accounts.models import Agency, Role
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def iom_team(db):
    return TeamFactory(agency=Agency.IOM, name="IOM Danmark")


@pytest.fixture
def iom(iom_team):
    return UserFactory(username="iom", agency=Agency.IOM, role=Role.IOM_OFFICER, team=iom_team)
