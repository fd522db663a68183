"""No stall behind one lock: a write that cannot have its row in time is a 409 that writes nothing, a statement
cut off is a 503, each with Retry-After; the form's input comes back in the page. With a real second
connection holding the case's row lock, and real requests."""

import contextlib
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import Case
from tests.audit.helpers import last_seq
from tests.cases.test_api import transition_url
from tests.cases.test_views import action_url
from tests.factories import login
from tests.html import Page
from tests.states import case_ready_for, snapshot, valid_input

LOCKED = "Sagen er ved at blive ændret af en anden lige nu. Prøv igen om lidt."


def second_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    wanted = ("host", "port", "dbname", "user", "password")
    return psycopg.connect(**{key: value for key, value in params.items() if key in wanted})


@contextlib.contextmanager
def case_row_locked(case: Case):
    """Another session holds the case's row (as a slow writer would) until the block ends."""
    with second_connection() as other:
        other.execute("SELECT 1 FROM cases_case WHERE id = %s FOR UPDATE", [case.pk])
        try:
            yield
        finally:
            other.rollback()


@contextlib.contextmanager
def timeouts(*, lock: str, statement: str = "DEFAULT"):
    """Shorter limits on this test's connection, so that the test waits half a second, not five."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {lock}")
        cursor.execute(f"SET statement_timeout = {statement}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
            cursor.execute("RESET statement_timeout")


def test_every_connection_has_the_lock_and_statement_timeouts(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        lock = cursor.fetchone()[0]
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]

    assert (lock, statement) == ("5s", "20s")


@pytest.mark.django_db(transaction=True)
def test_a_write_behind_a_held_lock_is_a_409_in_time_that_writes_nothing_and_keeps_the_input(
    client, cmm_worker, dis_worker
):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before, seq = snapshot(case), last_seq()
    posted = valid_input("assessment", case)
    login(client, dis_worker)

    with case_row_locked(case), timeouts(lock="'500ms'"):
        started = time.monotonic()
        response = client.post(action_url("assessment", case.number), posted)
        waited = time.monotonic() - started

    assert response.status_code == 409 and response["Retry-After"] == "5"
    assert 0.5 <= waited < 3
    page = Page(response)
    assert LOCKED in page.text and response["X-Request-ID"] in page.text
    assert page.value("reasons") == posted["reasons"]  # carried in the page's hidden fields, for "Send igen"
    assert snapshot(case) == before and last_seq() == seq  # nothing written, not even an audit row
    assert not connection.in_atomic_block and not connection.needs_rollback
    call_command("verify_audit_chain", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the chain is whole

    # "Send igen" once the other writer is done: the same input, and the assessment is recorded.
    form = page.main.find("form", method="post")
    again = {}
    for field in form.find_all("input", type="hidden"):
        again.setdefault(field.attrs["name"], []).append(field.attrs["value"])
    assert form.attrs["action"] == action_url("assessment", case.number)
    assert client.post(form.attrs["action"], again).status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.IDENTIFIED


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_a_held_lock_with_a_409_and_retry_after(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)
    login(client, dis_worker)

    with case_row_locked(case), timeouts(lock="'500ms'"):
        response = client.post(
            transition_url("assessment", case.number), valid_input("assessment", case), content_type="application/json"
        )

    assert response.status_code == 409 and response["Retry-After"] == "5"
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "locked", "detail": LOCKED, "attr": None}],
    }
    assert snapshot(case) == before


@pytest.mark.django_db(transaction=True)
def test_a_statement_cut_off_is_a_503_with_retry_after_and_the_request_id(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)
    login(client, dis_worker)

    with case_row_locked(case), timeouts(lock="0", statement="'300ms'"):  # waits without a lock limit
        page = client.post(action_url("assessment", case.number), valid_input("assessment", case))
        api = client.post(
            transition_url("assessment", case.number), valid_input("assessment", case), content_type="application/json"
        )

    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "Systemet svarede ikke i tide" in Page(page).text and page["X-Request-ID"] in Page(page).text
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json()["errors"][0]["code"] == "timeout"
    assert snapshot(case) == before
