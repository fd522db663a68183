"""Reading the audit log in tests, and doing to it what an attacker or an outage would."""

import contextlib

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
