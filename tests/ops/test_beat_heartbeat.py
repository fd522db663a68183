"""The beat container's health check: `python -m ops.probe beat` fails once beat's heartbeat is older than it
should be. That beat touches it at start and after each send is shown with a real beat in tests/ops/test_beat.py."""

import os
import subprocess
import sys
import time

from django.conf import settings

from ops import heartbeat


def probe_beat(path, **env: str) -> int:
    environment = {**os.environ, "CMM_BEAT_HEARTBEAT_FILE": str(path), **env}
    return subprocess.run(
        [sys.executable, "-m", "ops.probe", "beat"], cwd=settings.BASE_DIR, env=environment, capture_output=True
    ).returncode


def test_the_probe_reads_the_heartbeats_age(tmp_path):
    beat_file = tmp_path / "heartbeat"
    beat_file.touch()

    assert probe_beat(beat_file) == 0
    os.utime(beat_file, (time.time() - 601, time.time() - 601))
    assert probe_beat(beat_file) == 1
    assert probe_beat(beat_file, CMM_BEAT_HEARTBEAT_MAX_AGE="900") == 0
    assert probe_beat(tmp_path / "never-written") == 1


def test_outside_beat_a_task_sent_touches_nothing(tmp_path, monkeypatch):
    # The web app and the worker send tasks too.
    monkeypatch.setenv("CMM_BEAT_HEARTBEAT_FILE", str(tmp_path / "web"))
    heartbeat.task_sent()
    assert not (tmp_path / "web").exists()
