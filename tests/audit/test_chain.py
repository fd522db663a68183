"""The audit table is append-only in the database, and its hash chain exposes a changed, removed or moved row."""

import io
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from audit import chain
from audit.models import AuditEvent
from audit.services import audit_record
from tests.cases.test_celery_worker import database_url
from tests.factories import make_case

from .helpers import triggers_off

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


@pytest.fixture
def log(cmm_worker):
    """A few rows: three writes and some reads."""
    case = make_case(cmm_worker)
    make_case(cmm_worker)
    for what in ["case_page", "case_list", "home"]:
        audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what=what, case=case)
    make_case(cmm_worker)
    return list(AuditEvent.objects.order_by("seq"))


def test_rows_are_chained_in_order_by_the_database(log):
    assert [row.seq for row in log] == list(range(1, len(log) + 1))
    assert log[0].prev_hash == chain.GENESIS
    for before, row in zip(log, log[1:], strict=False):
        assert row.prev_hash == before.hash
        assert row.hash == chain.link_hash(
            prev_hash=before.hash, seq=row.seq, row_id=row.pk, content_hash=row.content_hash
        )


def test_the_insert_reads_back_the_chain_the_trigger_wrote(cmm_worker):
    row = audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what="case_page")

    assert (row.seq, row.prev_hash, len(row.hash)) == (1, chain.GENESIS, 64)


def test_the_application_cannot_choose_its_place_in_the_chain(cmm_worker, log):
    forged = AuditEvent(action="read", what="x", seq=1, prev_hash="f" * 64, hash="e" * 64)
    forged.content_hash = chain.content_hash({name: getattr(forged, name) for name in chain.CONTENT_FIELDS})
    forged.save()
    forged.refresh_from_db()

    assert forged.seq == len(log) + 1
    assert forged.prev_hash == log[-1].hash
    assert "Audit chain intact" in verify()


def test_a_clean_log_verifies(log):
    assert f"Audit chain intact: {len(log)} rows. Head {log[-1].seq}:{log[-1].hash}" in verify()


def test_an_empty_log_verifies(db):
    assert "Audit chain intact: 0 rows" in verify()


def test_a_changed_row_is_named(log):
    target = log[3]
    with triggers_off() as cursor:
        cursor.execute("UPDATE audit_auditevent SET what = 'home', case_ids = '{}' WHERE id = %s", [target.pk])

    with pytest.raises(CommandError, match=rf"row id {target.pk} \(sequence number {target.seq}\).*changed"):
        verify()


def test_a_changed_row_with_a_recomputed_hash_is_caught_at_the_next_row(log):
    target, following = log[2], log[3]
    target.what = "case_list"
    digest = chain.content_hash({name: getattr(target, name) for name in chain.CONTENT_FIELDS})
    link = chain.link_hash(prev_hash=target.prev_hash, seq=target.seq, row_id=target.pk, content_hash=digest)
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET what = %s, content_hash = %s, hash = %s WHERE id = %s",
            [target.what, digest, link, target.pk],
        )

    with pytest.raises(CommandError, match=rf"row id {following.pk} "):
        verify()


def test_a_deleted_row_is_named_by_the_row_after_it(log):
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [log[2].pk])

    with pytest.raises(CommandError, match=rf"row id {log[3].pk} .*missing"):
        verify()


def test_two_swapped_rows_are_caught_at_the_first(log):
    first, second = log[1], log[4]
    with triggers_off() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = -1 WHERE id = %s", [first.pk])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [first.seq, second.pk])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [second.seq, first.pk])

    with pytest.raises(CommandError, match=rf"row id {second.pk} \(sequence number {first.seq}\)"):
        verify()


def test_swapping_the_contents_of_two_rows_is_caught(log):
    """Everything but the ids swapped, positions too: the links still follow, but the hash covers the id."""
    first, second = log[1], log[2]
    columns = [field.column for field in AuditEvent._meta.concrete_fields if field.column not in ("id", "seq")]
    assignments = ", ".join(f"{column} = other.{column}" for column in columns)
    with triggers_off() as cursor:
        cursor.execute(
            f"UPDATE audit_auditevent AS row SET {assignments} FROM audit_auditevent AS other "  # noqa: S608
            "WHERE (row.id, other.id) IN ((%s, %s), (%s, %s))",
            [first.pk, second.pk, second.pk, first.pk],
        )
        # Unique sequence numbers: through negative ones to swap them.
        cursor.execute("UPDATE audit_auditevent SET seq = -seq WHERE id IN (%s, %s)", [first.pk, second.pk])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [second.seq, first.pk])
        cursor.execute("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [first.seq, second.pk])

    with pytest.raises(CommandError, match=rf"row id {second.pk} \(sequence number {first.seq}\).*hash"):
        verify()


def test_rows_removed_from_the_end_are_caught_against_a_head_kept_earlier(log):
    head = f"{log[-1].seq}:{log[-1].hash}"
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [log[-1].pk])

    assert "Audit chain intact" in verify()  # the chain alone cannot tell
    with pytest.raises(CommandError, match="does not contain the earlier head"):
        call_command("verify_audit_chain", head=head)


class TestAppendOnly:
    """Neither the ORM nor raw SQL may change or remove a row; the refusal comes from the database."""

    @pytest.mark.parametrize(
        "change",
        [
            pytest.param(lambda: AuditEvent.objects.update(what="x"), id="orm-update"),
            pytest.param(lambda: AuditEvent.objects.filter(what="home").delete(), id="orm-delete"),
            pytest.param(lambda: AuditEvent.objects.filter(pk=-1).update(what="x"), id="orm-update-no-rows"),
            pytest.param(lambda: _save_again(), id="model-save"),
            pytest.param(lambda: _sql("UPDATE audit_auditevent SET what = 'x'"), id="sql-update"),
            pytest.param(lambda: _sql("DELETE FROM audit_auditevent"), id="sql-delete"),
            # The test's own inserts leave deferred foreign-key checks pending, which TRUNCATE would refuse
            # for a reason of its own: check them first, so that it is the trigger that refuses.
            pytest.param(lambda: _sql("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE audit_auditevent"), id="sql-truncate"),
            pytest.param(
                lambda: _sql("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE audit_auditevent CASCADE"),
                id="sql-truncate-cascade",
            ),
        ],
    )
    def test_a_change_is_refused(self, log, change):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()

        assert AuditEvent.objects.count() == len(log)
        assert "Audit chain intact" in verify()

    def test_the_owning_role_has_no_update_delete_or_truncate_privilege(self, log):
        """Without the triggers too: the role that owns the table (the application's) may only read and append."""
        role = f"audit_probe_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} NOLOGIN")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while checks are pending
            # Ownership moves with the owner's privileges, as if the table had been created by this role.
            cursor.execute(f"ALTER TABLE audit_auditevent OWNER TO {role}")
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute(
                "SELECT privilege_type FROM information_schema.table_privileges "
                "WHERE table_name = 'audit_auditevent' AND grantee = current_user"
            )
            privileges = {row[0] for row in cursor.fetchall()}
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
            for statement in ["UPDATE audit_auditevent SET what = 'x'", "DELETE FROM audit_auditevent"]:
                with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                    cursor.execute(statement)
            cursor.execute("RESET ROLE")

        assert {"SELECT", "INSERT"} <= privileges
        assert not privileges & {"UPDATE", "DELETE", "TRUNCATE"}


def _sql(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _save_again():
    row = AuditEvent.objects.first()
    row.what = "x"
    row.save()


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_on_a_forged_log_and_zero_on_a_clean_one(cmm_worker):
    """The command as a cron job or an operator runs it, against the committed log."""
    make_case(cmm_worker)
    make_case(cmm_worker)
    environment = {"DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "cmm.settings.test", "PATH": "/usr/bin"}

    def run():
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "verify_audit_chain"],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )

    clean = run()
    first = AuditEvent.objects.order_by("seq").first()
    with triggers_off() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_username = 'someone.else' WHERE id = %s", [first.pk])
    forged = run()

    assert clean.returncode == 0, clean.stderr
    assert "Audit chain intact: 2 rows" in clean.stdout
    assert forged.returncode != 0
    assert f"row id {first.pk} " in forged.stderr


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_chain_in_commit_order(cmm_worker):
    """Writers in parallel transactions, each holding its transaction open after its insert: the advisory
    lock makes the next one wait for the commit, so no two rows claim the same place in the chain."""
    errors = []

    def writer(n):
        try:
            for i in range(8):
                with transaction.atomic():
                    audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what=f"w{n}.{i}")
                    time.sleep(0.002)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditEvent.objects.count() == 32
    assert "Audit chain intact: 32 rows" in verify()
