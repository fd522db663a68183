"""Beat's schedule in the database (ops.beat.DatabaseScheduler): it survives a restart, so a deploy neither pushes a
job back nor runs it twice; and the in-process scheduler without Redis runs the same jobs and records them."""

import datetime as dt
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cases.deadlines import DeadlineKind
from cases.models import Deadline
from cmm.celery import app
from ops.beat import DatabaseScheduler
from ops.models import JobStatus
from tests.cases.test_celery_worker import database_url
from tests.factories import make_case
from tests.reminders.test_worker import wait_for

# Transactional: the scheduler closes a connection it finds inside a transaction (close_old_connections), as a
# test's would be.
pytestmark = pytest.mark.django_db(transaction=True)

CPH = ZoneInfo("Europe/Copenhagen")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


def beat_started() -> DatabaseScheduler:
    """A beat process starting: the code's schedule synced into the database, the entries read back from it."""
    return DatabaseScheduler(app=app, lazy=False)


def sent(scheduler: DatabaseScheduler, name: str):
    """What beat does when an entry is due (written down at once, CELERY_BEAT_SYNC_EVERY = 1): the entry after."""
    following = scheduler.reserve(scheduler.schedule[name])
    scheduler.sync()
    return following


def due(scheduler: DatabaseScheduler, name: str) -> tuple[bool, float]:
    return scheduler.schedule[name].is_due()


def test_the_code_schedule_is_synced_into_the_database_with_danish_clock_times():
    beat_started()

    retention = PeriodicTask.objects.select_related("crontab").get(name="retention-run")
    assert retention.task == "privacy.tasks.retention_run"
    assert (retention.crontab.hour, retention.crontab.minute) == ("3", "30")
    assert str(retention.crontab.timezone) == "Europe/Copenhagen"
    scan = PeriodicTask.objects.select_related("interval").get(name="deadlines-mark-missed")
    assert (scan.interval.every, scan.interval.period) == (settings.DEADLINE_SCAN_SECONDS, "seconds")
    assert set(JobStatus.objects.values_list("name", flat=True)) == set(settings.CELERY_BEAT_SCHEDULE)


def test_a_restart_does_not_push_the_daily_job_back_nor_run_it_again():
    with time_machine.travel(at(2026, 5, 4, 3, 30, 0), tick=False):
        first = beat_started()
        assert due(first, "retention-run")[0] is False  # new: the first run is the next 03:30, not now
    with time_machine.travel(at(2026, 5, 5, 3, 30, 1), tick=False):
        assert due(first, "retention-run")[0] is True
        sent(first, "retention-run")
    # Deployed at 10:00: the new beat reads the last run from the database.
    with time_machine.travel(at(2026, 5, 5, 10, 0), tick=False):
        restarted = beat_started()
        assert restarted.schedule["retention-run"].last_run_at == at(2026, 5, 5, 3, 30, 1)
        is_due, seconds = due(restarted, "retention-run")
        assert is_due is False
        assert seconds == pytest.approx((at(2026, 5, 6, 3, 30) - at(2026, 5, 5, 10, 0)).total_seconds(), abs=1)


def test_a_daily_run_missed_while_beat_was_down_runs_once_when_it_is_back():
    with time_machine.travel(at(2026, 5, 4, 3, 30, 1), tick=False):
        sent(beat_started(), "retention-run")
    # Down from Monday afternoon to Tuesday 09:00, across Tuesday's 03:30.
    with time_machine.travel(at(2026, 5, 5, 9, 0), tick=False):
        back = beat_started()
        assert due(back, "retention-run")[0] is True  # caught up at once, not left for Wednesday
        assert sent(back, "retention-run").is_due()[0] is False  # once
    with time_machine.travel(at(2026, 5, 5, 9, 0, 30), tick=False):
        assert due(beat_started(), "retention-run")[0] is False  # restarted again: not a second time


def test_an_interval_counts_from_the_last_run_not_from_the_restart():
    every = settings.DEADLINE_SCAN_SECONDS
    with time_machine.travel(at(2026, 5, 4, 12, 0), tick=False):
        first = beat_started()
    with time_machine.travel(at(2026, 5, 4, 12, 0) + dt.timedelta(seconds=every + 1), tick=False):
        sent(first, "deadlines-mark-missed")
    with time_machine.travel(at(2026, 5, 4, 12, 0) + dt.timedelta(seconds=every + 61), tick=False):
        is_due, seconds = due(beat_started(), "deadlines-mark-missed")
    assert (is_due, seconds) == (False, pytest.approx(every - 60, abs=1))


def test_an_entry_no_longer_in_the_code_is_disabled_and_every_crontab_is_read_whatever_its_hour():
    with time_machine.travel(at(2026, 5, 4, 15, 0), tick=False):  # 03:30 is twelve hours away
        beat_started()
        PeriodicTask.objects.create(
            name="renamed-job",
            task="privacy.tasks.retention_run",
            interval=None,
            crontab=PeriodicTask.objects.get(name="retention-run").crontab,
        )
        restarted = beat_started()

    assert not PeriodicTask.objects.get(name="renamed-job").enabled
    assert "renamed-job" not in restarted.schedule
    assert "retention-run" in restarted.schedule  # django-celery-beat alone leaves it out until about 01:30


def test_the_in_process_scheduler_without_redis_runs_the_jobs_and_records_them(cmm_worker):
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=73))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmm.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": "memory://",  # no broker: each task runs in the scheduler's own process
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DEADLINE_SCAN_SECONDS": "1",
    }
    scheduler = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.IDENTIFICATION)
    try:
        marked = wait_for(lambda: Deadline.objects.filter(pk=deadline.pk, status=Deadline.Status.MISSED).exists(), 45)
        succeeded = JobStatus.objects.filter(name="grants-expire", last_success_at__isnull=False)
        recorded = wait_for(succeeded.exists, 10)
    finally:
        scheduler.terminate()
        _out, err = scheduler.communicate(timeout=15)
    assert marked and recorded, err.decode(errors="replace")
    status = JobStatus.objects.get(name="deadlines-mark-missed")
    assert status.last_success_at is not None and status.last_failure_at is None
    assert PeriodicTask.objects.get(name="deadlines-mark-missed").last_run_at is not None
