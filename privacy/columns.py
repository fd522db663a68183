"""Rewriting encrypted columns in place, value by value, with raw SQL (rotation and data migrations).

Raw SQL because the point is the stored text: the model field would decrypt it on the way in. Rows are
read in primary-key order, a batch at a time, and each update is conditional on the value read, so a row
the application wrote in the meantime (already under the newest key) is left as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection as default_connection
from django.db import transaction

from . import crypto

BATCH = 500


@dataclass
class ColumnCount:
    rewritten: int = 0
    unchanged: int = 0
    unreadable: int = 0

    def __iadd__(self, other: "ColumnCount") -> "ColumnCount":
        self.rewritten += other.rewritten
        self.unchanged += other.unchanged
        self.unreadable += other.unreadable
        return self


def column_rewrite(
    *, table: str, column: str, transform: Callable[[str], str], pk: str = "id", connection=None
) -> ColumnCount:
    """Apply `transform` to every non-empty value of `table.column`; it raises DecryptionError to skip one."""
    connection = connection or default_connection
    qn = connection.ops.quote_name
    # Identifiers come from the models' own metadata, quoted; values are always parameters.
    select = f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} WHERE {qn(column)} IS NOT NULL"  # noqa: S608
    update = f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s AND {qn(column)} = %s"  # noqa: S608
    count = ColumnCount()
    last = None
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if last is None:
                cursor.execute(f"{select} ORDER BY {qn(pk)} LIMIT %s", [BATCH])
            else:
                cursor.execute(f"{select} AND {qn(pk)} > %s ORDER BY {qn(pk)} LIMIT %s", [last, BATCH])
            rows = cursor.fetchall()
            for row_pk, value in rows:
                if value == "":
                    continue
                try:
                    new = transform(value)
                except crypto.DecryptionError:
                    count.unreadable += 1
                    continue
                if new == value:
                    count.unchanged += 1
                    continue
                cursor.execute(update, [new, row_pk, value])
                count.rewritten += 1
        if len(rows) < BATCH:
            return count
        last = rows[-1][0]


def column_key_ids(*, table: str, column: str, connection=None) -> dict[str, int]:
    """How many non-empty values of a column are under each key id ("" for a value that is not a token)."""
    connection = connection or default_connection
    qn = connection.ops.quote_name
    prefix = f"{crypto.TOKEN_VERSION}:"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CASE WHEN left({qn(column)}, %s) = %s THEN split_part({qn(column)}, ':', 2) ELSE '' END, count(*)"  # noqa: S608
            f" FROM {qn(table)} WHERE {qn(column)} <> '' GROUP BY 1",
            [len(prefix), prefix],
        )
        return dict(cursor.fetchall())


def encrypt_plaintext(value: str) -> str:
    """For data written before the column was encrypted: a token stays, plaintext is encrypted."""
    return value if crypto.is_token(value) else crypto.encrypt(value)


def decrypt_token(value: str) -> str:
    """For a reverse migration back to a plaintext column."""
    return crypto.decrypt(value) if crypto.is_token(value) else value


def model_columns(model) -> list[tuple[str, str, str]]:
    """(table, primary-key column, column) for each encrypted field of a model."""
    from .fields import encrypted_fields

    meta = model._meta
    return [(meta.db_table, meta.pk.column, field.column) for field in encrypted_fields(model)]
