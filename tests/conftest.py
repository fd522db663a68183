import pytest
from django.db import connection
from django.utils import translation

from accounts.models import Agency, Role

from .factories import TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _danish_to_begin_with():
    """Each test starts in the default language: a request in English leaves it active in the thread (Django's
    LocaleMiddleware does not switch back), and a service's message would then read English in the next test."""
    translation.activate("da")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _audit_log_emptied_before_flush(request):
    """Transactional tests end with a flush (TRUNCATE), which the append-only audit log (and its exported
    heads) refuse while they hold rows: empty them first, with their triggers off for this session, as only
    a superuser can."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so this teardown runs before its flush
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute("DELETE FROM audit_chainhead")
            cursor.execute("DELETE FROM audit_auditevent")
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


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


@pytest.fixture
def reden(db):
    """An NGO a case can be shared with."""
    return TeamFactory(agency=Agency.NGO, name="Reden")


@pytest.fixture
def ngo_worker(reden):
    return UserFactory(username="ngo", agency=Agency.NGO, role=Role.NGO_WORKER, team=reden)
