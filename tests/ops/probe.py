"""A job for the real beat tests (tests/ops/test_beat.py): due every minute, it appends its run's time to a file.

cmm/settings/test.py makes it the whole schedule, and has the worker import this module, when OPS_PROBE_LOG
names that file.
"""

import os

from celery import shared_task
from django.utils import timezone

from ops.jobs import JobTask


@shared_task(base=JobTask, acks_late=True)
def probe() -> None:
    with open(os.environ["OPS_PROBE_LOG"], "a") as log:
        log.write(f"{timezone.now().isoformat()}\n")
