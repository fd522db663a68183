"""Reading the audit log in tests, and doing to it what an attacker or an outage would."""

import contextlib
import uuid

import psycopg
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent


def new_rows(since: int) -> list[AuditEvent]:
    """Audit rows written after the row with sequence number `since`, oldest first."""
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@contextlib.contextmanager
def triggers_off():
    """What an attacker with superuser rights can do: run statements with the table's triggers not firing."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


@contextlib.contextmanager
def audit_log_unavailable():
    """The database refuses every new audit row (a check no row can pass), as a full disk or a lost
    privilege would; existing rows are not checked (NOT VALID)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while checks are pending
        cursor.execute("ALTER TABLE audit_auditevent ADD CONSTRAINT audit_unavailable CHECK (false) NOT VALID")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DROP CONSTRAINT IF EXISTS audit_unavailable")


@contextlib.contextmanager
def app_role_connection(monkeypatch):
    """A connection as the role the application runs as in production (manage.py db_app_role): it owns
    nothing. For transactional tests: it sees committed rows only."""
    role, password = f"cmm_app_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    monkeypatch.setenv("APP_DB_PASSWORD", password)
    call_command("db_app_role", role)
    params = connection.get_connection_params()
    params.update(user=role, password=password)
    params.setdefault("host", "127.0.0.1")
    wanted = ("host", "port", "dbname", "user", "password")
    try:
        with psycopg.connect(**{key: value for key, value in params.items() if key in wanted}) as app:
            yield app
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def dated(row: AuditEvent, when) -> None:
    """Set a row's time as only a superuser can (the insert trigger dates every row with the database's
    clock): for tests of searches by period, never of the chain."""
    with triggers_off() as cursor:
        cursor.execute("UPDATE audit_auditevent SET occurred_at = %s WHERE id = %s", [when, row.pk])
