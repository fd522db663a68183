"""A transaction with a statement limit of its own, for a job that reads everything by design."""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextlib.contextmanager
def statement_timeout(value: str, using: str = DEFAULT_DB_ALIAS):
    """`value` ("0" for none) instead of DATABASE_STATEMENT_TIMEOUT until the transaction ends (SET LOCAL).

    Inside the transaction a queryset's iterator() streams from a server-side cursor; outside one (autocommit)
    Django declares it WITH HOLD, and PostgreSQL reads the whole result in one statement first."""
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [value])
        yield
