"""The audit table is append-only in the database, and its hash chain exposes a changed, removed or moved row."""

import datetime as dt
import io
import json
import subprocess
import sys
import threading
import time
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from audit import chain
from audit.models import AuditEvent
from audit.services import audit_record, chain_head_export
from tests.cases.test_celery_worker import database_url
from tests.factories import make_case

from .helpers import app_role_connection, triggers_off

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def content_hash_of(event: AuditEvent) -> str:
    """The content hash the verifier computes from the row as stored."""
    return chain.content_hash(next(chain.rows_in_order(AuditEvent.objects.filter(pk=event.pk))))


def database_now() -> dt.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def rewrite(seq: int, *, to_the_end: bool = False, **changes) -> None:
    """What a forger with superuser rights does: change row `seq` (what, occurred_at) and recompute its
    hashes, and with `to_the_end` those of every row after it, so that the chain holds again."""
    rows = list(chain.rows_in_order(AuditEvent.objects.filter(seq__gte=seq)))
    prev_hash = rows[0]["prev_hash"]
    with triggers_off() as cursor:
        for row in rows if to_the_end else rows[:1]:
            row.update(changes if row["seq"] == seq else {})
            row["content_hash"] = chain.content_hash(row)
            row["hash"] = chain.link_hash(
                prev_hash=prev_hash, seq=row["seq"], row_id=row["id"], content_hash=row["content_hash"]
            )
            cursor.execute(
                "UPDATE audit_auditevent SET what = %s, occurred_at = %s, prev_hash = %s, content_hash = %s, "
                "hash = %s WHERE id = %s",
                [row["what"], row["occurred_at"], prev_hash, row["content_hash"], row["hash"], row["id"]],
            )
            prev_hash = row["hash"]


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


def test_the_application_cannot_choose_its_place_time_or_hash(cmm_worker, log):
    forged = AuditEvent(
        action="read",
        what="x",
        occurred_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        seq=1,
        prev_hash="f" * 64,
        content_hash="d" * 64,
        hash="e" * 64,
        hash_version=1,
    )
    forged.save()
    forged.refresh_from_db()

    assert forged.seq == len(log) + 1
    assert forged.prev_hash == log[-1].hash
    assert forged.occurred_at >= log[-1].occurred_at
    assert (forged.hash_version, forged.content_hash) == (2, content_hash_of(forged))
    assert "Audit chain intact" in verify()


def test_the_insert_reads_back_the_time_and_hashes_the_database_wrote(cmm_worker):
    before = database_now()
    row = audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what="case_page")

    assert before <= row.occurred_at <= database_now()
    assert (row.hash_version, row.content_hash) == (2, content_hash_of(row))


AWKWARD = [
    pytest.param({"detail": {}, "case_ids": [], "ip_address": None}, id="empty-and-null"),
    pytest.param(
        {
            "what": "æøå ✓ 😀",
            "detail": {
                "ø": 'line\nbreak "quoted" \\ tab\t \u0001 \u2028',
                "nested": {"list": [1, 2.5, 1e-07, 10**20, -0.0, None, True, [], {}], "empty": {}},
                "a": [],
                "bb": "",
                "long key that sorts last by length": 1.5,
            },
            "case_ids": [3, 1, 2],
            "ip_address": "2001:db8::1",
        },
        id="unicode-nested-json",
    ),
    pytest.param({"ip_address": "::ffff:10.1.2.3", "request_id": "r\n=3:x", "detail": {"n": None}}, id="mapped-ip"),
    pytest.param({"ip_address": "192.0.2.7", "detail": {"date": "2026-03-01", "list": [[1], [2, [3]]]}}, id="ipv4"),
]


@pytest.mark.parametrize("values", AWKWARD)
def test_the_python_verifier_builds_the_same_bytes_as_the_database(cmm_worker, values):
    row = AuditEvent(action="read", what=values.pop("what", "case_page"), actor=cmm_worker, **values)
    row.save()

    stored = next(chain.rows_in_order(AuditEvent.objects.filter(pk=row.pk)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_content_v2(e) FROM audit_auditevent e WHERE id = %s", [row.pk])
        in_sql = cursor.fetchone()[0].encode()
    assert chain.canonical_v2(stored) == in_sql
    assert chain.content_hash(stored) == row.content_hash
    assert "Audit chain intact" in verify()


def test_the_canonical_text_cannot_be_shifted_from_one_field_into_the_next(cmm_worker):
    """Each value is prefixed with its length: moving text from one field into another changes the hash."""
    one = AuditEvent(action="read", what="case_page\nrequest_id=0:", request_id="")
    other = AuditEvent(action="read", what="case_page", request_id="\nrequest_id=0:")
    one.save()
    other.save()

    assert one.content_hash != other.content_hash


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
    rewrite(target.seq, what="case_list")

    with pytest.raises(CommandError, match=rf"row id {following.pk} ") as error:
        verify()
    assert "1 place(s)" in str(error.value)


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
    with pytest.raises(CommandError, match="the earlier head given with --head .* no longer in the chain"):
        call_command("verify_audit_chain", head=head)


def test_every_break_is_reported_not_only_the_first(log):
    changed, removed = log[1], log[4]
    with triggers_off() as cursor:
        cursor.execute("UPDATE audit_auditevent SET what = 'home' WHERE id = %s", [changed.pk])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])

    with pytest.raises(CommandError) as error:
        verify()

    message = str(error.value)
    assert "2 place(s)" in message
    assert f"row id {changed.pk} (sequence number {changed.seq}): its content was changed" in message
    assert f"row id {log[5].pk} (sequence number {log[5].seq}): row(s) before it are missing" in message


def test_a_row_dated_back_in_time_is_reported_even_with_its_hashes_recomputed(log):
    target = log[3]
    rewrite(target.seq, to_the_end=True, occurred_at=log[2].occurred_at - dt.timedelta(hours=1))

    with pytest.raises(CommandError, match=rf"row id {target.pk} .*time lies before the previous row"):
        verify()


class TestForgeryAsTheAppRole:
    """The application's own database role inserts rows; it cannot date them, place them or hash them."""

    pytestmark = pytest.mark.django_db(transaction=True)
    INSERT = (
        "INSERT INTO audit_auditevent (occurred_at, actor_username, agency, role, action, purpose, case_ids, "
        "what, detail, request_id, seq, prev_hash, content_hash, hash, hash_version) VALUES "
        "(%s, 'someone', 'CMM', '', 'read', 'case_work', '{}', 'case_page', '{}', '', 1, %s, %s, %s, 1) "
        "RETURNING id, occurred_at, seq, prev_hash, content_hash, hash, hash_version"
    )

    def test_a_back_dated_row_with_a_chosen_hash_gets_the_databases_time_place_and_hash(self, monkeypatch, log):
        back_then = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        before = database_now()
        with app_role_connection(monkeypatch) as app:
            row = app.execute(self.INSERT, [back_then, chain.GENESIS, "c" * 64, "d" * 64]).fetchone()
            app.commit()

        row_id, occurred_at, seq, prev_hash, digest, link, version = row
        assert occurred_at >= before
        assert (seq, prev_hash, version) == (len(log) + 1, log[-1].hash, 2)
        assert digest == content_hash_of(AuditEvent.objects.get(pk=row_id)) != "c" * 64
        assert link == chain.link_hash(prev_hash=prev_hash, seq=seq, row_id=row_id, content_hash=digest)
        assert "Audit chain intact" in verify()

    def test_a_temporary_table_cannot_stand_in_for_the_log(self, monkeypatch, log):
        """The trigger reads the log through a fixed search_path, where pg_temp comes last."""
        with app_role_connection(monkeypatch) as app:
            app.execute("CREATE TEMP TABLE audit_auditevent (seq bigint, hash varchar(64))")
            app.execute("INSERT INTO pg_temp.audit_auditevent VALUES (1000, repeat('b', 64))")
            row = app.execute(
                self.INSERT.replace("INSERT INTO audit_auditevent", "INSERT INTO public.audit_auditevent"),
                [database_now(), chain.GENESIS, "c" * 64, "d" * 64],
            ).fetchone()
            app.commit()

        assert row[2:4] == (len(log) + 1, log[-1].hash)
        assert "Audit chain intact" in verify()

    def test_no_row_can_be_changed_or_removed(self, monkeypatch, log):
        with app_role_connection(monkeypatch) as app:
            for statement in (
                "UPDATE audit_auditevent SET occurred_at = occurred_at - interval '1 day'",
                "UPDATE audit_auditevent SET content_hash = repeat('c', 64), hash_version = 1",
                "DELETE FROM audit_auditevent WHERE seq = 1",
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_chain",
                "SET session_replication_role = replica",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
                app.rollback()

        assert "Audit chain intact" in verify()


class TestExportedHeads:
    def test_the_export_keeps_the_current_head_and_logs_itself_as_the_next_row(self, log):
        head = chain_head_export()

        assert (head.seq, head.hash) == (log[-1].seq, log[-1].hash)
        row = AuditEvent.objects.get(seq=head.seq + 1)
        assert (row.action, row.purpose, row.what, row.actor) == ("export", "system", "audit_head_export", None)
        assert row.detail == {"seq": head.seq, "hash": head.hash}
        assert "1 kept head(s) found in the chain" in verify()

    def test_an_exported_head_is_the_databases_choice_and_cannot_be_changed(self, log):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO audit_chainhead (seq, hash) VALUES (1, repeat('a', 64)) RETURNING seq, hash")
            assert cursor.fetchone() == (log[-1].seq, log[-1].hash)
        for statement in ("UPDATE audit_chainhead SET seq = 1", "DELETE FROM audit_chainhead"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                _sql(statement)

    def test_rows_removed_from_the_end_are_caught_against_an_exported_head(self, log):
        head = chain_head_export()
        with triggers_off() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [head.seq])

        with pytest.raises(CommandError, match=rf"sequence number {head.seq}: the head exported at .* no longer"):
            verify()

    def test_a_chain_rewritten_from_a_changed_row_to_the_end_is_caught_against_an_exported_head(self, log):
        head = chain_head_export()
        rewrite(log[1].seq, to_the_end=True, what="home")

        with pytest.raises(CommandError, match=rf"sequence number {head.seq}: the head exported at .* not this row"):
            verify()


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


@pytest.mark.django_db(transaction=True)
def test_rows_hashed_by_the_application_before_0003_still_verify_after_it(cmm_worker):
    """A live log migrated to database hashing: its old rows keep their hashes (version 1), new rows follow."""
    call_command("migrate", "audit", "0002", verbosity=0)
    try:
        with connection.cursor() as cursor:
            for what, ip in [("case_page", "10.0.0.1"), ("case_list", None)]:
                row = {
                    "occurred_at": timezone.now(),
                    "actor_id": cmm_worker.pk,
                    "actor_username": "cmm.kontakt",
                    "agency": "CMM",
                    "role": "cmm_contact_person",
                    "action": "read",
                    "purpose": "case_work",
                    "case_ids": [2, 1],
                    "what": what,
                    "detail": {"page": 1.0},
                    "request_id": "r1",
                    "ip_address": ip,
                }
                # As the application wrote rows then: its own time, and the content hash it computed.
                digest = chain.content_hash({**row, "hash_version": 1})
                cursor.execute(
                    f"INSERT INTO audit_auditevent ({', '.join(row)}, content_hash) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(row))}, %s)",
                    [*{**row, "detail": json.dumps(row["detail"])}.values(), digest],
                )
    finally:
        call_command("migrate", "audit", verbosity=0)
    audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what="home")

    assert list(AuditEvent.objects.order_by("seq").values_list("hash_version", flat=True)) == [1, 1, 2]
    assert "Audit chain intact: 3 rows" in verify()
    old = AuditEvent.objects.get(seq=1)
    with triggers_off() as cursor:
        cursor.execute("UPDATE audit_auditevent SET case_ids = '{1}' WHERE id = %s", [old.pk])
    with pytest.raises(CommandError, match=rf"row id {old.pk} .*content was changed"):
        verify()
