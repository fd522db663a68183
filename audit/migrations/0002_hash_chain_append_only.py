"""Chain the audit rows by hash and make the table append-only in the database.

Plain SQL rather than django-pgtrigger: pgtrigger's Protect can be switched off by any session with
`SET pgtrigger.ignore`, a setting the application role itself may change; these triggers can only be
disabled by the table's owner or a superuser (ALTER TABLE ... DISABLE TRIGGER), which the chain then
exposes.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

from audit import chain

CHAIN_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash varchar(64);
BEGIN
    IF NEW.content_hash IS NULL OR NEW.content_hash !~ '^[0-9a-f]{{64}}$' THEN
        RAISE EXCEPTION 'audit row without a content hash' USING ERRCODE = 'check_violation';
    END IF;
    -- One writer at a time until the writer's transaction ends, so rows chain in commit order. Each
    -- statement of a volatile function takes a fresh snapshot: the SELECT sees the last committed row.
    PERFORM pg_advisory_xact_lock({chain.LOCK_KEY});
    SELECT seq, hash INTO last_seq, last_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(last_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last_hash, '{chain.GENESIS}');
    NEW.hash := encode(sha256(convert_to(
        NEW.prev_hash || ':' || NEW.seq || ':' || NEW.id || ':' || NEW.content_hash, 'UTF8')), 'hex');
    RETURN NEW;
END $$;

CREATE TRIGGER audit_chain BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_chain_append();
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Emptying an empty log loses nothing; test databases are flushed that way.
    IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM audit_auditevent) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Also without the triggers, the role that owns (and migrates) the table may only read and append.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM PUBLIC, CURRENT_USER;
"""

UNDO = """
GRANT UPDATE, DELETE, TRUNCATE ON audit_auditevent TO CURRENT_USER;
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
DROP TRIGGER IF EXISTS audit_chain ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_chain_append();
"""


def chain_existing_rows(apps, schema_editor):
    """Rows written before the chain existed are chained in id order."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    prev_hash = chain.GENESIS
    for seq, row in enumerate(AuditEvent.objects.order_by("id").values("id", *chain.CONTENT_FIELDS), start=1):
        digest = chain.content_hash(row)
        link = chain.link_hash(prev_hash=prev_hash, seq=seq, row_id=row["id"], content_hash=digest)
        AuditEvent.objects.filter(pk=row["id"]).update(seq=seq, prev_hash=prev_hash, content_hash=digest, hash=link)
        prev_hash = link


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(db_default=0, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(db_default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(db_default="", editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=django.contrib.postgres.indexes.GinIndex(fields=["case_ids"], name="audit_case_ids_gin"),
        ),
        migrations.RunSQL(CHAIN_FUNCTION + APPEND_ONLY, UNDO),
    ]
