"""Check constraints for tables that may already hold rows outside them (for migrations)."""

import logging

from django.db import migrations

logger = logging.getLogger("cmm.migrations")

REPORT_IDS = 100  # ids named in the report; the count is always whole


def add_check_reporting_rows(app_label: str, model_name: str, constraint) -> migrations.SeparateDatabaseAndState:
    """AddConstraint that first reports the rows outside the constraint, by table and id, and never fails on them.

    The constraint is added NOT VALID: from then on PostgreSQL refuses every row written outside it, while
    the rows already there are counted and logged (their ids only, no personal data). With none outside,
    the constraint is validated at once and is an ordinary constraint. With some, it stays NOT VALID and
    the log says how to finish: these are dates in case records (when a referral was received, a decision
    taken, a consent given), which are evidence, so a person who can look at the source mends each row;
    no rule here guesses a date in their place. `ALTER TABLE ... VALIDATE CONSTRAINT ...` then completes it.
    """

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        table, quote = model._meta.db_table, schema_editor.quote_name
        outside = model._base_manager.exclude(constraint.condition).order_by("pk")
        count = outside.count()
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD {constraint.constraint_sql(model, schema_editor)} NOT VALID"
        )
        if not count:
            schema_editor.execute(f"ALTER TABLE {quote(table)} VALIDATE CONSTRAINT {quote(constraint.name)}")
            return
        ids = ", ".join(str(pk) for pk in outside.values_list("pk", flat=True)[:REPORT_IDS])
        logger.warning(
            "%s: %s row(s) outside %s, ids %s%s. New rows are checked; mend these, then run "
            "ALTER TABLE %s VALIDATE CONSTRAINT %s;",
            table,
            count,
            constraint.name,
            ids,
            " …" if count > REPORT_IDS else "",
            quote(table),
            quote(constraint.name),
        )

    def backward(apps, schema_editor):
        table = apps.get_model(app_label, model_name)._meta.db_table
        quote = schema_editor.quote_name
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {quote(constraint.name)}")

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddConstraint(model_name=model_name, constraint=constraint)],
        database_operations=[migrations.RunPython(forward, backward)],
    )
