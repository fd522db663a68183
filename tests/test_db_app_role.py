"""The application's database role may read and write, but not change or empty the access log or its
exported heads; it may add a head only through audit_export_head(), which picks the head itself."""

import contextlib
import os
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent
from audit.services import audit_record
from tests.audit.helpers import app_role_connection


@pytest.mark.django_db(transaction=True)
def test_the_app_role_appends_to_the_access_log_but_cannot_change_it(monkeypatch, cmm_worker):
    audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what="test")
    table = AuditEvent._meta.db_table
    with app_role_connection(monkeypatch) as app:
        assert app.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1  # noqa: S608
        for statement in (f"UPDATE {table} SET what = 'x'", f"DELETE FROM {table}", f"TRUNCATE {table}"):  # noqa: S608
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
            app.rollback()


@pytest.mark.django_db(transaction=True)
def test_the_app_role_exports_the_head_only_through_the_function(monkeypatch, cmm_worker):
    row = audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what="test")
    with app_role_connection(monkeypatch) as app:
        for statement in (
            "INSERT INTO audit_chainhead (seq, hash, exported_at) VALUES (1, repeat('a', 64), now())",
            "UPDATE audit_chainhead SET hash = repeat('a', 64)",
            "DELETE FROM audit_chainhead",
            "TRUNCATE audit_chainhead",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
            app.rollback()
        exported = app.execute("SELECT seq, hash FROM audit_export_head()").fetchone()
        app.commit()

    assert exported == (row.seq, row.hash)


@contextlib.contextmanager
def password_checked_for(role: str):
    """The server asks this role for its password (SCRAM-SHA-256) instead of trusting local connections as the
    embedded test server does; its other roles are untouched."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW hba_file")
        hba = Path(cursor.fetchone()[0])
        original = hba.read_text()
        hba.write_text(f"local all {role} scram-sha-256\nhost all {role} 127.0.0.1/32 scram-sha-256\n{original}")
        cursor.execute("SELECT pg_reload_conf()")
        try:
            time.sleep(0.2)  # the postmaster rereads the file on the signal
            yield
        finally:
            hba.write_text(original)
            cursor.execute("SELECT pg_reload_conf()")


@pytest.mark.django_db(transaction=True)
def test_the_password_reaches_the_server_only_as_a_scram_verifier_and_logs_in(monkeypatch):
    role, password = f"cmm_app_{uuid.uuid4().hex[:8]}", f"Kodeord-{uuid.uuid4().hex}-æøå"
    monkeypatch.setenv("APP_DB_PASSWORD", password)
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(f"{sql} {params}")
        return execute(sql, params, many, context)

    # The embedded server (cmm/embedded_db.py) listens in its data folder and writes its log there.
    server_log = Path(connection.get_connection_params().get("host") or "/nonexistent") / "log"
    log_before = server_log.stat().st_size if server_log.is_file() else None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET log_statement = 'all'")  # every statement into the server's log
        with connection.execute_wrapper(record):
            call_command("db_app_role", role, stdout=open(os.devnull, "w"))  # noqa: SIM115
            call_command("db_app_role", role, stdout=open(os.devnull, "w"))  # noqa: SIM115 - again: ALTER ROLE
        with connection.cursor() as cursor:
            cursor.execute("RESET log_statement")
            cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
            stored = cursor.fetchone()[0]

        role_statements = [statement for statement in sent if " ROLE " in statement]
        assert [statement.split()[0] for statement in role_statements] == ["CREATE", "ALTER"]
        assert all("SCRAM-SHA-256$4096:" in statement for statement in role_statements)
        assert not any(password in statement for statement in sent)
        assert stored.startswith("SCRAM-SHA-256$4096:") and password not in stored
        if log_before is not None:  # the embedded server's log (with DATABASE_URL, the SQL sent says it all)
            with server_log.open(errors="replace") as log:
                log.seek(log_before)
                logged = log.read()
            assert "SCRAM-SHA-256$4096:" in logged and password not in logged

        params = connection.get_connection_params()
        wanted = {key: value for key, value in params.items() if key in ("host", "port", "dbname")}
        with password_checked_for(role):
            with psycopg.connect(**wanted, user=role, password=password) as app:
                assert app.execute("SELECT current_user").fetchone()[0] == role
            with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
                psycopg.connect(**wanted, user=role, password=password + "x")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
