"""Periodic work in batches: many short transactions instead of one long one (JOB_BATCH_SIZE rows each).

Each batch locks its rows with SELECT ... FOR UPDATE SKIP LOCKED, so a row a user's transaction holds is left
for the next run instead of waited for, and commits before the next begins: neither the rows nor the access
log's chain lock (audit_record holds it to the end of the transaction) are held for longer than one batch.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction


def in_batches(batch: Callable[[int], bool]) -> None:
    """Call `batch(size)`, each call in its own transaction, until it answers that it found nothing to take.

    A batch must take only rows it then changes out of its own query (or remembers to leave out), so that the
    next call moves on: it answers True while it found rows.
    """
    size = settings.JOB_BATCH_SIZE
    while True:
        with transaction.atomic():
            if not batch(size):
                return
