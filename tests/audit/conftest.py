import pytest

from accounts.models import Role
from tests.factories import UserFactory


@pytest.fixture
def auditor(db):
    return UserFactory(username="revisor", first_name="Rasmus", agency="", role=Role.DP_AUDITOR, team=None)
