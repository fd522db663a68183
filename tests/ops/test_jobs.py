"""Every periodic job records its runs (ops.jobs.JobTask), and `jobs_overdue` names the ones that have not succeeded
within two of their runs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import maybe_schedule
from django.conf import settings
from django.utils import timezone

from audit.tasks import chain_head_export
from cases import tasks as case_tasks
from cmm.settings.base import TzAwareCrontab
from ops.jobs import jobs_overdue, next_run_after, schedule_words
from ops.models import JobStatus
from tests.ops import probe

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
DAILY = TzAwareCrontab(minute=30, hour=3, tz=CPH)
GRACE = dt.timedelta(seconds=settings.JOB_OVERDUE_GRACE_SECONDS)
SECOND = dt.timedelta(seconds=1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


@pytest.fixture
def probe_job(settings, tmp_path, monkeypatch):
    """The test probe as a scheduled job (a crontab job due every minute), writing its runs to a file."""
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "probe-every-minute": {"task": "tests.ops.probe.probe", "schedule": TzAwareCrontab(minute="*", tz=CPH)},
    }
    log = tmp_path / "runs"
    monkeypatch.setenv("OPS_PROBE_LOG", str(log))
    return log


def runs(log) -> int:
    return len(log.read_text().split()) if log.exists() else 0


def test_the_daily_job_runs_at_its_danish_clock_time_through_summer_time():
    assert next_run_after(DAILY, at(2026, 3, 28, 3, 30)) == at(2026, 3, 29, 3, 30)  # a 23-hour day
    assert next_run_after(DAILY, at(2026, 10, 24, 3, 30)) == at(2026, 10, 25, 3, 30)  # a 25-hour day
    assert next_run_after(DAILY, at(2026, 10, 25, 3, 29)) == at(2026, 10, 25, 3, 30)
    assert next_run_after(DAILY, at(2026, 6, 1, 10, 0)).astimezone(dt.UTC).hour == 1  # 03:30 summer time


def test_the_schedule_in_words():
    schedule = {name: entry["schedule"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}

    assert schedule_words(schedule["retention-run"]) == "Hver dag kl. 03:30 (dansk tid)"
    assert schedule_words(schedule["sessions-clear"]) == "Hver time, 15 minutter over"
    assert schedule_words(schedule["audit-head-export"]) == "Hver hele time"
    assert schedule_words(maybe_schedule(schedule["deadlines-mark-missed"])) == "Hvert 5. minut"
    assert schedule_words(maybe_schedule(dt.timedelta(hours=2))) == "Hver 2. time"
    assert schedule_words(TzAwareCrontab(minute=0, hour=4, day_of_week=1, tz=CPH)) == "cron 0 4 * * 1 (dansk tid)"


def test_the_eager_task_records_its_success(cmm_worker):
    before = timezone.now()

    chain_head_export.delay().get()
    case_tasks.deadlines_mark_missed.delay().get()

    for name in ("audit-head-export", "deadlines-mark-missed"):
        status = JobStatus.objects.get(name=name)
        assert status.last_started_at == status.last_success_at >= before
        assert status.last_duration is not None and status.last_failure_at is None


def test_a_failure_is_recorded_by_its_class_name_only(probe_job, tmp_path, monkeypatch):
    # A path that cannot be written, with a name in it: the exception's message must not reach the record.
    monkeypatch.setenv("OPS_PROBE_LOG", str(tmp_path / "Gammelsag 170590-2345" / "runs"))

    with pytest.raises(FileNotFoundError):
        probe.probe.delay()

    status = JobStatus.objects.get(name="probe-every-minute")
    assert (status.last_error, status.last_success_at) == ("FileNotFoundError", None)
    assert status.last_failure_at is not None
    assert "Gammelsag" not in str(JobStatus.objects.values().get(name="probe-every-minute"))

    monkeypatch.setenv("OPS_PROBE_LOG", str(probe_job))
    probe.probe.delay()
    status.refresh_from_db()
    assert status.last_success_at > status.last_failure_at


def test_a_crontab_run_sent_twice_by_beat_within_its_due_time_runs_once(probe_job):
    sent_by_beat = {"headers": {"periodic_task_name": "probe-every-minute"}}
    with time_machine.travel(at(2026, 5, 4, 12, 0, 5), tick=False):
        probe.probe.apply(**sent_by_beat)
        probe.probe.apply(**sent_by_beat)  # a second beat, or one restarted before it wrote the send down
    assert runs(probe_job) == 1

    with time_machine.travel(at(2026, 5, 4, 12, 1, 2), tick=False):
        probe.probe.apply(**sent_by_beat)  # the next minute's run
        probe.probe.delay()  # by hand: always runs
    assert runs(probe_job) == 3


def set_status(name: str, **fields) -> None:
    JobStatus.objects.update_or_create(name=name, defaults=fields)


def test_an_interval_job_is_overdue_after_two_intervals_without_success():
    now = timezone.now()
    jobs_overdue(now)  # every job known from now
    for name in ("grants-expire", "reminders-scan", "retention-run", "sessions-clear", "audit-head-export"):
        set_status(name, last_success_at=now)
    five_minutes = dt.timedelta(seconds=settings.DEADLINE_SCAN_SECONDS)

    set_status("deadlines-mark-missed", last_success_at=now - 2 * five_minutes - GRACE + dt.timedelta(seconds=5))
    assert jobs_overdue(now) == []
    set_status("deadlines-mark-missed", last_success_at=now - 2 * five_minutes - GRACE - dt.timedelta(seconds=5))
    assert jobs_overdue(now) == ["deadlines-mark-missed"]


def test_a_daily_job_is_overdue_when_two_of_its_clock_times_pass_without_success():
    monday = at(2026, 5, 4, 3, 30, 4)
    jobs_overdue(monday)
    fine = ("deadlines-mark-missed", "grants-expire", "reminders-scan", "sessions-clear", "audit-head-export")
    for name in (*fine, "intake-reports-expire", "intake-rate-counts-clear"):
        set_status(name, last_success_at=at(2026, 5, 7))  # these are fine throughout
    set_status("retention-run", last_success_at=monday)

    assert jobs_overdue(at(2026, 5, 5, 9, 0)) == []  # Tuesday's run is still to come
    assert jobs_overdue(at(2026, 5, 6, 3, 30) + GRACE - SECOND) == []  # Tuesday failed: tolerated
    assert jobs_overdue(at(2026, 5, 6, 3, 30) + GRACE) == ["retention-run"]  # and Wednesday's has not succeeded


def test_a_job_never_run_counts_from_when_it_was_first_seen_not_from_the_epoch():
    deployed = at(2026, 5, 5, 10, 0)  # Tuesday morning: the first 03:30 is Wednesday's

    assert jobs_overdue(deployed) == []  # seen for the first time now: not overdue since 1970
    assert JobStatus.objects.filter(first_seen_at=deployed).count() == len(settings.CELERY_BEAT_SCHEDULE)
    assert "retention-run" not in jobs_overdue(at(2026, 5, 6, 12, 0))  # the first run missed: tolerated
    assert "retention-run" in jobs_overdue(at(2026, 5, 7, 3, 30) + GRACE)  # the second too
    # The frequent scans, every 5 minutes, were overdue from 10:10 (plus the grace) on that Tuesday.
    assert "deadlines-mark-missed" not in jobs_overdue(deployed + dt.timedelta(minutes=10) + GRACE - SECOND)
    assert "deadlines-mark-missed" in jobs_overdue(deployed + dt.timedelta(minutes=10) + GRACE)


def test_a_job_that_succeeds_is_no_longer_overdue():
    jobs_overdue(timezone.now() - dt.timedelta(days=3))  # known for three days, never run
    assert "audit-head-export" in jobs_overdue()

    chain_head_export.delay().get()

    assert "audit-head-export" not in jobs_overdue()
