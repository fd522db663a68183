"""The application's database role may read and write, but not change or empty the access log or its
exported heads; it may add a head only through audit_export_head(), which picks the head itself."""

import psycopg
import pytest

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
