"""The database dates and hashes every audit row itself, and keeps exported chain heads append-only.

- The insert trigger sets `occurred_at` from its own clock (read under the chain's lock, so times follow the
  chain) and computes `content_hash` in SQL from the row's columns (`audit_content_v2`, mirrored by
  audit.chain.canonical_v2), overriding whatever the client sent: the application's role can neither
  back-date a row nor supply a hash for content of its choosing. Rows written before keep their
  application-computed hashes and are marked `hash_version` 1; the verifier checks each by its version.
- `audit_chainhead` keeps the heads exported on schedule. Its insert trigger fills in the current head
  itself, UPDATE, DELETE and TRUNCATE are refused, and the application's role gets only EXECUTE on the
  SECURITY DEFINER function `audit_export_head()` (manage.py db_app_role), never INSERT.
- Functions that read the log pin their search_path, so a session's temporary table named like the log
  cannot stand in for it (pg_temp is otherwise searched first).
"""

import importlib

import django.db.models.functions.datetime
from django.db import migrations, models

from audit import chain

previous = importlib.import_module("audit.migrations.0002_hash_chain_append_only")

CONTENT_V2 = r"""
CREATE FUNCTION audit_field(name text, value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT name || '=' || COALESCE(length(value) || ':' || value, '-') || E'\n'
$$;

-- The canonical text of a row's content, hash version 2; audit.chain.canonical_v2 builds the same bytes.
CREATE FUNCTION audit_content_v2(e audit_auditevent) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT audit_field('format', '2')
        || audit_field('occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || audit_field('actor_id', e.actor_id::text)
        || audit_field('actor_username', e.actor_username)
        || audit_field('agency', e.agency)
        || audit_field('role', e.role)
        || audit_field('action', e.action)
        || audit_field('purpose', e.purpose)
        || audit_field('case_ids', e.case_ids::text)
        || audit_field('what', e.what)
        || audit_field('detail', e.detail::text)
        || audit_field('request_id', e.request_id)
        || audit_field('ip_address', abbrev(e.ip_address))
$$;
"""

CHAIN_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql
    SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    last_seq bigint;
    last_hash varchar(64);
BEGIN
    -- One writer at a time until the writer's transaction ends, so rows chain in commit order. Each
    -- statement of a volatile function takes a fresh snapshot: the SELECT sees the last committed row.
    PERFORM pg_advisory_xact_lock({chain.LOCK_KEY});
    SELECT seq, hash INTO last_seq, last_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
    -- The database's clock, read under the lock: a row is dated when it joins the chain, never by the client.
    NEW.occurred_at := clock_timestamp();
    NEW.hash_version := {chain.HASH_VERSION};
    NEW.content_hash := encode(sha256(convert_to(audit_content_v2(NEW), 'UTF8')), 'hex');
    NEW.seq := COALESCE(last_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last_hash, '{chain.GENESIS}');
    NEW.hash := encode(sha256(convert_to(
        NEW.prev_hash || ':' || NEW.seq || ':' || NEW.id || ':' || NEW.content_hash, 'UTF8')), 'hex');
    RETURN NEW;
END $$;
"""

# Generic over the table, for the log and its exported heads alike.
REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    has_rows boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        -- Emptying an empty table loses nothing; test databases are flushed that way.
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO has_rows;
        IF NOT has_rows THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
"""

CHAIN_HEADS = f"""
CREATE FUNCTION audit_chainhead_fill() RETURNS trigger LANGUAGE plpgsql
    SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    head_seq bigint;
    head_hash varchar(64);
BEGIN
    -- Under the chain's lock: the head of the log as committed, whatever the client sent.
    PERFORM pg_advisory_xact_lock({chain.LOCK_KEY});
    SELECT seq, hash INTO head_seq, head_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(head_seq, 0);
    NEW.hash := COALESCE(head_hash, '{chain.GENESIS}');
    NEW.exported_at := clock_timestamp();
    RETURN NEW;
END $$;

CREATE TRIGGER audit_chainhead_fill BEFORE INSERT ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chainhead_fill();
CREATE TRIGGER audit_chainhead_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_chainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_chainhead FROM PUBLIC, CURRENT_USER;

-- The one way for the application's role to add a head: as the owner, the current one.
CREATE FUNCTION audit_export_head() RETURNS SETOF audit_chainhead LANGUAGE sql SECURITY DEFINER
    SET search_path = {{schema}}, pg_temp AS $$
    INSERT INTO audit_chainhead DEFAULT VALUES RETURNING *
$$;
REVOKE EXECUTE ON FUNCTION audit_export_head() FROM PUBLIC;
"""

UNDO = """
DROP FUNCTION IF EXISTS audit_export_head();
DROP FUNCTION IF EXISTS audit_chainhead_fill() CASCADE;
DROP TRIGGER IF EXISTS audit_chain ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_chain_append();
DROP FUNCTION IF EXISTS audit_content_v2(audit_auditevent);
DROP FUNCTION IF EXISTS audit_field(text, text);
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        return cursor.fetchone()[0]


def database_dates_and_hashes(apps, schema_editor):
    schema = _schema(schema_editor)
    schema_editor.execute(CONTENT_V2 + CHAIN_FUNCTION.format(schema=schema) + REFUSE_CHANGE, params=None)
    schema_editor.execute(CHAIN_HEADS.format(schema=schema), params=None)


def undo(apps, schema_editor):
    # The version-1 trigger again (audit_refuse_change stays generic: it serves the log the same way).
    schema_editor.execute(UNDO + previous.CHAIN_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_hash_chain_append_only"),
    ]

    operations = [
        # Existing rows were hashed by the application: version 1. Adding the column writes no UPDATE.
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(db_default=1, editable=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(db_default=2, editable=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(db_default="", editable=False, max_length=64),
        ),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(db_default=0, editable=False)),
                ("hash", models.CharField(db_default="", editable=False, max_length=64)),
                (
                    "exported_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False),
                ),
            ],
            options={
                "verbose_name": "eksporteret kædehoved",
                "verbose_name_plural": "eksporterede kædehoveder",
                "ordering": ["-id"],
            },
        ),
        migrations.RunPython(database_dates_and_hashes, undo),
    ]
