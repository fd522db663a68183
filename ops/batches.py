"""Periodic work in batches: many short transactions instead of one long one (JOB_BATCH_SIZE rows each).

Each batch locks its rows with SELECT ... FOR UPDATE SKIP LOCKED, so a row a user's transaction holds is left
for the next run instead of waited for, and commits before the next begins: neither the rows nor the access
log's chain lock (audit_record holds it to the end of the transaction) are held for longer than one batch.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction


def delete_in_batches(queryset) -> int:
    """Delete the rows of `queryset` a batch at a time, skipping rows another transaction holds; return how many."""
    deleted = 0

    def batch(size: int) -> bool:
        nonlocal deleted
        ids = list(queryset.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:size])
        if ids:
            deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]
        return bool(ids)

    in_batches(batch)
    return deleted


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
