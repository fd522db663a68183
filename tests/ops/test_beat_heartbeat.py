"""The beat container's health check: beat touches its heartbeat at start and after each task it sends, and
`python -m ops.probe beat` fails once the heartbeat is older than it should be."""

import os
import subprocess
import sys
import time
import uuid

import redis
from django.conf import settings

from ops import heartbeat
from tests.cases.test_celery_worker import start, stop


def probe_beat(path, **env: str) -> int:
    environment = {**os.environ, "CMM_BEAT_HEARTBEAT_FILE": str(path), **env}
    return subprocess.run(
        [sys.executable, "-m", "ops.probe", "beat"], cwd=settings.BASE_DIR, env=environment, capture_output=True
    ).returncode


def test_beat_touches_its_heartbeat_as_it_sends_and_the_probe_reads_its_age(tmp_path, monkeypatch):
    beat_file, queue = tmp_path / "heartbeat", f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmm.settings.test",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",  # beat schedules; it never asks the database
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,  # nobody takes these tasks
        "DEADLINE_SCAN_SECONDS": "1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CMM_BEAT_HEARTBEAT_FILE": str(beat_file),
    }
    beat = start("beat", f"--schedule={tmp_path / 'beat-schedule'}", env=env)
    try:
        give_up = time.monotonic() + 30
        while not beat_file.exists() and time.monotonic() < give_up:
            time.sleep(0.2)
        assert beat_file.exists(), "no heartbeat at start"
        os.utime(beat_file, (0, 0))  # make the start's touch old: only a task sent can renew it
        while beat_file.stat().st_mtime == 0 and time.monotonic() < give_up:
            time.sleep(0.2)
    finally:
        log = stop(beat)
        redis.Redis.from_url(settings.REDIS_URL).delete(queue)

    assert beat_file.stat().st_mtime > time.time() - 30, log
    assert probe_beat(beat_file) == 0
    os.utime(beat_file, (time.time() - 601, time.time() - 601))
    assert probe_beat(beat_file) == 1
    assert probe_beat(beat_file, CMM_BEAT_HEARTBEAT_MAX_AGE="900") == 0
    assert probe_beat(tmp_path / "never-written") == 1

    # Elsewhere (the web app, the worker) a task sent touches nothing.
    monkeypatch.setenv("CMM_BEAT_HEARTBEAT_FILE", str(tmp_path / "web"))
    heartbeat.task_sent()
    assert not (tmp_path / "web").exists()
