"""The periodic jobs work in batches of short transactions (ops.batches, JOB_BATCH_SIZE) that skip what another
transaction holds: a backlog is worked off whole, each change written once; a row held open by a user's
transaction (a second connection here) is left, not waited for, and taken by the next run after it is let go."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.utils import timezone

from access.policy import view_permission_id
from accounts.tasks import sessions_clear
from audit.models import AuditEvent
from cases.deadlines import DeadlineKind
from cases.models import Case, CaseEvent, CaseGroupObjectPermission, CaseUserObjectPermission, Deadline, Person
from cases.services import deadlines_mark_missed
from grants.services import grants_expire
from privacy.models import RetentionRun
from privacy.services import ANONYMISED, retention_run
from tests.factories import make_case

BACKLOG, BATCH = 250, 50


@pytest.fixture
def small_batches(settings):
    settings.JOB_BATCH_SIZE = BATCH


@pytest.fixture
def no_waiting():
    """A job that waited for a held row would fail after 3 seconds here, instead of hanging the test."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '3s'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


@contextmanager
def held(table: str, pks, column: str = "id"):
    """Another connection holds these rows (FOR UPDATE) until the block ends, as a user's open transaction does."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"SELECT 1 FROM {table} WHERE {column} = ANY(%s) FOR UPDATE", [list(pks)])  # noqa: S608
        yield
    finally:
        with other.cursor() as cursor:
            cursor.execute("ROLLBACK")
        other.close()


def overdue_reviews(case: Case, count: int) -> list[int]:
    """Action-plan reviews (several may be open at once) that fell due yesterday."""
    due = timezone.now() - dt.timedelta(days=1)
    rows = Deadline.objects.bulk_create(
        Deadline(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW, due_at=due - dt.timedelta(minutes=i))
        for i in range(count)
    )
    return [row.pk for row in rows]


def missed_events(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.DEADLINE_MISSED).count()


@pytest.mark.django_db
def test_a_backlog_of_overdue_deadlines_is_marked_in_batches_each_once(cmm_worker, small_batches):
    cases = [make_case(cmm_worker) for _ in range(5)]
    deadlines = [pk for case in cases for pk in overdue_reviews(case, BACKLOG // 5)]

    assert deadlines_mark_missed() == BACKLOG
    assert deadlines_mark_missed() == 0

    assert set(Deadline.objects.filter(pk__in=deadlines).values_list("status", flat=True)) == {"missed"}
    assert [missed_events(case) for case in cases] == [BACKLOG // 5] * 5
    audits = AuditEvent.objects.filter(what="deadlines_mark_missed").order_by("seq")
    assert audits.count() == BACKLOG // BATCH
    logged = [pk for audit in audits for pk in audit.detail["deadlines"]]
    assert sorted(logged) == sorted(deadlines)  # each transition in exactly one audit row


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", ["case", "deadline"])
def test_a_deadline_whose_case_or_row_another_transaction_holds_is_skipped_then_marked(
    cmm_worker, small_batches, no_waiting, lock
):
    busy, free = make_case(cmm_worker), make_case(cmm_worker)
    busy_deadlines = overdue_reviews(busy, 3)
    overdue_reviews(free, 60)  # two batches

    with held("cases_case", [busy.pk]) if lock == "case" else held("cases_deadline", busy_deadlines):
        assert deadlines_mark_missed() == 60
        assert Deadline.objects.filter(pk__in=busy_deadlines, status="open").count() == 3
    assert deadlines_mark_missed() == 3

    assert (missed_events(busy), missed_events(free)) == (3, 60)
    audits = AuditEvent.objects.filter(what="deadlines_mark_missed")
    logged = [pk for audit in audits for pk in audit.detail["deadlines"]]
    assert len(logged) == len(set(logged)) == 63


def lapsed_grants(case: Case, count: int) -> list[int]:
    """Lapsed shares of the case with `count` organisations (a grant per group, as a consented share is)."""
    groups = Group.objects.bulk_create(Group(name=f"Organisation {i}") for i in range(count))
    rows = CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(
            content_object=case,
            group=group,
            permission_id=view_permission_id(),
            expires_at=timezone.now() - dt.timedelta(minutes=1),
        )
        for group in groups
    )
    return [row.pk for row in rows]


@pytest.mark.django_db
def test_a_backlog_of_lapsed_grants_is_deleted_in_batches(cmm_worker, coordinator, police, small_batches):
    case = make_case(cmm_worker)
    lapsed_grants(case, BACKLOG - 2)
    for user in (coordinator, police):  # break-the-glass grants to users lapse the same way
        CaseUserObjectPermission.objects.create(
            content_object=case, user=user, permission_id=view_permission_id(), expires_at=timezone.now()
        )

    assert grants_expire() == BACKLOG
    assert not CaseGroupObjectPermission.objects.exists()
    assert not CaseUserObjectPermission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_lapsed_grant_another_transaction_holds_is_skipped_then_deleted(cmm_worker, small_batches, no_waiting):
    grants = lapsed_grants(make_case(cmm_worker), 60)

    with held("cases_casegroupobjectpermission", grants[:1]):
        assert grants_expire() == 59
    assert grants_expire() == 1
    assert not CaseGroupObjectPermission.objects.exists()


def expired_sessions(count: int) -> list[str]:
    past = timezone.now() - dt.timedelta(minutes=1)
    rows = Session.objects.bulk_create(
        Session(session_key=f"expired{i:025d}", session_data="", expire_date=past) for i in range(count)
    )
    return [row.session_key for row in rows]


@pytest.mark.django_db
def test_a_backlog_of_expired_sessions_is_deleted_in_batches(small_batches):
    expired_sessions(BACKLOG)
    live = Session.objects.create(session_key="l" * 32, session_data="", expire_date=timezone.now() + dt.timedelta(1))

    assert sessions_clear.delay().get() == BACKLOG
    assert list(Session.objects.values_list("pk", flat=True)) == [live.pk]


@pytest.mark.django_db(transaction=True)
def test_an_expired_session_a_request_holds_is_skipped_then_deleted(small_batches, no_waiting):
    keys = expired_sessions(60)

    with held("django_session", keys[:1], column="session_key"):
        assert sessions_clear.delay().get() == 59
    assert sessions_clear.delay().get() == 1


def closed_long_ago(cmm_worker, count: int) -> list[Case]:
    cases = [make_case(cmm_worker, person={"given_name": f"Gammel{i}"}) for i in range(count)]
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(
        status=Case.Status.CLOSED, closed_at=timezone.now() - dt.timedelta(days=365 * 7)
    )
    return cases


def anonymised(cases: list[Case]) -> int:
    return Person.objects.filter(cases__in=cases, anonymised_at__isnull=False).distinct().count()


@pytest.mark.django_db
def test_a_retention_backlog_is_anonymised_in_batches_each_case_logged_once(cmm_worker, settings):
    settings.JOB_BATCH_SIZE = 5  # a case costs a whole referral to make: a smaller backlog, the same batching
    cases = closed_long_ago(cmm_worker, 12)

    run = retention_run(dry_run=False)

    assert anonymised(cases) == 12
    assert {person.given_name for person in Person.objects.filter(cases__in=cases)} == {ANONYMISED}
    assert (run.person_count, run.case_count) == (12, 12)
    assert RetentionRun.objects.get(pk=run.pk).case_numbers == run.case_numbers
    assert sorted(run.case_numbers) == sorted(case.number for case in cases)
    audits = AuditEvent.objects.filter(what="retention_anonymised").order_by("seq")
    assert [audit.detail["people"] for audit in audits] == [5, 5, 2]
    logged = [pk for audit in audits for pk in audit.case_ids]
    assert sorted(logged) == sorted(case.pk for case in cases)


@pytest.mark.django_db(transaction=True)
def test_a_person_whose_case_another_transaction_holds_is_left_for_the_next_run(cmm_worker, settings, no_waiting):
    settings.JOB_BATCH_SIZE = 2
    cases = closed_long_ago(cmm_worker, 5)

    with held("cases_case", [cases[1].pk]):
        assert retention_run(dry_run=False).person_count == 4
        assert Person.objects.get(cases=cases[1]).given_name == "Gammel1"  # untouched
    later = retention_run(dry_run=False)

    assert (later.person_count, later.case_numbers) == (1, [cases[1].number])
    assert anonymised(cases) == 5
    logged = [pk for audit in AuditEvent.objects.filter(what="retention_anonymised") for pk in audit.case_ids]
    assert sorted(logged) == sorted(case.pk for case in cases)
