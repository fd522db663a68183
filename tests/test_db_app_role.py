"""The application's database role may read and write, but not change or empty the access log."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent
from audit.services import audit_record


@pytest.mark.django_db(transaction=True)
def test_the_app_role_appends_to_the_access_log_but_cannot_change_it(monkeypatch, cmm_worker):
    monkeypatch.setenv("APP_DB_PASSWORD", "a-long-test-only-password")
    call_command("db_app_role", "cmm_app_test")
    audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what="test")
    params = connection.get_connection_params()
    params.update(user="cmm_app_test", password="a-long-test-only-password")  # noqa: S106
    params.setdefault("host", "127.0.0.1")
    table = AuditEvent._meta.db_table
    try:
        wanted = ("host", "port", "dbname", "user", "password")
        with psycopg.connect(**{key: value for key, value in params.items() if key in wanted}) as app:
            assert app.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1  # noqa: S608
            for statement in (f"UPDATE {table} SET what = 'x'", f"DELETE FROM {table}", f"TRUNCATE {table}"):  # noqa: S608
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
                app.rollback()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP OWNED BY cmm_app_test")
            cursor.execute("DROP ROLE cmm_app_test")
