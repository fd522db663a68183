"""The deadline scan through the real parts: Celery beat schedules it, Redis carries it, a worker runs it."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.deadlines import DeadlineKind
from cases.models import CaseEvent, Deadline
from tests.factories import make_case


def database_url() -> str:
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD'] or ''}"
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host.startswith("/"):  # a Unix socket, as the embedded server uses
        return f"postgres://{credentials}@/{db['NAME']}?host={host}"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def start(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cmm", *args, "--loglevel=warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=settings.BASE_DIR,
    )


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
    return err.decode(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_mark_an_overdue_identification_deadline_missed(cmm_worker, tmp_path):
    redis.Redis.from_url(settings.REDIS_URL).ping()  # fails loudly when Redis is missing: never skipped
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=73))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmm.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        # A queue of its own, so that no other worker on this Redis takes the task.
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",
        "DEADLINE_SCAN_SECONDS": "1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    worker = start("worker", "--pool=solo", "--without-gossip", "--without-mingle", env=env)
    beat = start("beat", f"--schedule={tmp_path / 'beat-schedule'}", env=env)
    try:
        deadline = Deadline.objects.get(case=case, kind=DeadlineKind.IDENTIFICATION)
        give_up = time.monotonic() + 45
        while deadline.status == Deadline.Status.OPEN and time.monotonic() < give_up:
            time.sleep(0.3)
            deadline.refresh_from_db()
    finally:
        beat_log = stop(beat)
        worker_log = stop(worker)

    assert deadline.status == Deadline.Status.MISSED, f"beat:\n{beat_log}\nworker:\n{worker_log}"
    assert CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.DEADLINE_MISSED).count() == 1
