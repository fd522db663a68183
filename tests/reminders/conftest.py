import pytest

from accounts.models import Agency, Role
from tests.factories import UserFactory


@pytest.fixture
def dis_coordinator(db):
    return UserFactory(
        username="us.koordinator", agency=Agency.DIS, role=Role.DIS_COORDINATOR, team=None, email="us.koord@example.dk"
    )


@pytest.fixture
def with_addresses(cmm_worker, coordinator, police):
    for user, address in (
        (cmm_worker, "kontakt@example.dk"),
        (coordinator, "koord@example.dk"),
        (police, "p@example.dk"),
    ):
        user.email = address
        user.save(update_fields=["email"])
