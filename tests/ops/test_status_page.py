"""The periodic jobs' status page: the system administrator's, with each job's schedule, last runs and overdue flag."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from cases import tasks as case_tasks
from ops.models import JobStatus
from tests.factories import UserFactory, login, make_case
from tests.html import Page

pytestmark = pytest.mark.django_db

URL = "/drift/job/"


@pytest.fixture
def admin(db):
    return UserFactory(username="it.admin", agency="", role=Role.SYSTEM_ADMIN, team=None)


@pytest.fixture
def records():
    """Every job known for three days; all but the retention job have just succeeded."""
    now = timezone.now()
    JobStatus.objects.bulk_create(
        JobStatus(name=name, first_seen_at=now - dt.timedelta(days=3), last_success_at=now)
        for name in settings.CELERY_BEAT_SCHEDULE
        if name != "retention-run"
    )
    JobStatus.objects.create(
        name="retention-run",
        first_seen_at=now - dt.timedelta(days=3),
        last_failure_at=now - dt.timedelta(hours=8),
        last_error="OperationalError",
    )


def row(response, name: str) -> str:
    return Page(response).main.find(**{"data-testid": f"job-{name}"}).text


def test_the_administrator_sees_each_job_its_schedule_and_the_overdue_one(
    client, admin, records, django_assert_num_queries
):
    login(client, admin)

    with django_assert_num_queries(4):  # session, user (with the unread count), second factor, the records
        page = client.get(URL)

    assert page.status_code == 200
    retention = row(page, "retention-run")
    assert "Hver dag kl. 03:30 (dansk tid)" in retention
    assert "Forsinket" in retention and "OperationalError" in retention and "Aldrig" in retention
    assert "I orden" in row(page, "deadlines-mark-missed") and "Hvert 5. minut" in row(page, "deadlines-mark-missed")
    assert [row(page, name) != "" for name in settings.CELERY_BEAT_SCHEDULE] == [True] * 8
    assert "Et job er forsinket" in Page(page).main.find(**{"data-testid": "jobs-overdue"}).text


def test_in_english(client, admin, records):
    login(client, admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get(URL)

    assert "Every day at 03:30 (Danish time)" in row(page, "retention-run")
    assert "Overdue" in row(page, "retention-run")


def test_the_page_shows_no_case_data(client, admin, cmm_worker):
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=73))
    case_tasks.deadlines_mark_missed.delay().get()

    page = login(client, admin).get(URL).content.decode()

    assert "I orden" in page
    assert case.number not in page and "Ada" not in page


@pytest.mark.parametrize("role", [Role.CMM_COORDINATOR, Role.DP_AUDITOR, Role.DIS_CASEWORKER])
def test_other_roles_may_not_see_it(client, role):
    user = UserFactory(username=f"u-{role}", role=role, team=None)

    assert login(client, user).get(URL).status_code == 403
