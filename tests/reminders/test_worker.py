"""Reminders through the real parts: Celery beat and workers started here, Redis between them, stopped by PID.

Each test waits for an outcome in the database, with a deadline, and then checks that nothing came twice.
"""

import datetime as dt
import os
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from reminders.models import Channel, Notification, Reminder
from tests.cases.test_celery_worker import database_url, start, stop
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def environment(tmp_path: Path, **more) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmm.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",  # a queue of its own: no other worker on this Redis takes it
        "REMINDER_SCAN_SECONDS": "1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_EMAIL_BACKEND": "tests.reminders.backends.SlowFileBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        **more,
    }


def worker(env):
    return start("worker", "--pool=solo", "--without-gossip", "--without-mingle", env=env)


def beat(env, tmp_path, name="beat"):
    return start("beat", f"--schedule={tmp_path / name}", env=env)


def emails_sent(tmp_path) -> int:
    folder = tmp_path / "mail"
    return sum(path.read_text().count("\nSubject: ") for path in folder.glob("*")) if folder.exists() else 0


def wait_for(condition, seconds=45) -> bool:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def due_reminder(cmm_worker):
    redis.Redis.from_url(settings.REDIS_URL).ping()  # fails loudly when Redis is missing: never skipped
    cmm_worker.email = "kontakt@example.dk"
    cmm_worker.save(update_fields=["email"])
    # A CMM case (legal residence) with its contact person: one recipient, in the app and by email.
    from cases.codes import ResidenceStatus

    return make_case(
        cmm_worker,
        detained=True,
        detained_at=timezone.now() - dt.timedelta(hours=50),
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
    )


def all_sent() -> bool:
    return Reminder.objects.count() == 2 and not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()


def test_two_beats_and_two_workers_deliver_a_reminder_once(due_reminder, tmp_path):
    env = environment(tmp_path)
    processes = [worker(env), worker(env), beat(env, tmp_path, "beat-1"), beat(env, tmp_path, "beat-2")]
    try:
        delivered = wait_for(all_sent)
        time.sleep(4)  # several more scans from both beats
    finally:
        logs = [stop(process) for process in reversed(processes)]
    assert delivered, "\n".join(logs)
    assert Notification.objects.count() == 1
    assert emails_sent(tmp_path) == 1


def test_a_worker_killed_after_claiming_still_delivers_once_after_restart(due_reminder, tmp_path):
    slow = environment(tmp_path, REMINDER_TEST_SEND_DELAY="60", REMINDER_CLAIM_SECONDS="3")
    first, ticks = worker(slow), beat(slow, tmp_path)
    second = None
    try:
        claimed = wait_for(lambda: Reminder.objects.filter(channel=Channel.EMAIL, status="claimed").exists())
        time.sleep(0.5)  # in the mail backend, before the email is written
        first.kill()  # SIGKILL: no shutdown, no acknowledgement, the claim left behind
        first.wait(10)
        assert claimed and emails_sent(tmp_path) == 0
        second = worker({**slow, "REMINDER_TEST_SEND_DELAY": "0"})
        delivered = wait_for(all_sent)
        time.sleep(3)
    finally:
        logs = [stop(process) for process in (ticks, second) if process is not None]
    assert delivered, "\n".join(logs)
    assert Reminder.objects.get(channel=Channel.EMAIL).attempts == 2
    assert Notification.objects.count() == 1
    assert emails_sent(tmp_path) == 1


def test_redis_flushed_before_the_scan_is_consumed_still_delivers_once(due_reminder, tmp_path):
    env = environment(tmp_path)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    ticks = beat(env, tmp_path)
    consumer = None
    try:
        queued = wait_for(lambda: broker.llen(env["CELERY_QUEUE"]) > 0, 20)
        broker.flushdb()  # the queued scans are lost; the reminders are rows in PostgreSQL
        assert queued and Reminder.objects.count() == 0
        consumer = worker(env)
        delivered = wait_for(all_sent)
        time.sleep(3)
    finally:
        logs = [stop(process) for process in (ticks, consumer) if process is not None]
    assert delivered, "\n".join(logs)
    assert Notification.objects.count() == 1
    assert emails_sent(tmp_path) == 1
