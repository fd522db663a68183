"""Celery beat's heartbeat: a file touched when beat starts and after every task it sends, whose age the beat
container's health check reads (ops/probe.py). Only in the beat process: the web app and the worker send
tasks too, and touch nothing."""

import os
from pathlib import Path

DEFAULT_FILE = "/tmp/celerybeat-heartbeat"  # noqa: S108 - the container's own /tmp, read by its health check

_in_beat = False


def heartbeat_file() -> Path:
    return Path(os.environ.get("CMM_BEAT_HEARTBEAT_FILE") or DEFAULT_FILE)


def beat_started(**kwargs) -> None:
    global _in_beat
    _in_beat = True
    heartbeat_file().touch()


def task_sent(**kwargs) -> None:
    if _in_beat:
        heartbeat_file().touch()


def connect() -> None:
    from celery import signals

    signals.beat_init.connect(beat_started, weak=False)
    signals.after_task_publish.connect(task_sent, weak=False)
