"""The periodic jobs: what runs when, what each last did, and which are overdue.

The schedule is CELERY_BEAT_SCHEDULE in cmm/settings/base.py: each entry is a job, by its name. Beat (or the
in-process scheduler, `manage.py run_scheduler`) keeps its progress in the database (ops.beat), and every job's
task records its runs in ops.models.JobStatus through JobTask, in a worker or eagerly in-process alike.

Overdue: a job is overdue when two of its runs have fallen due since its last success and it has still not
succeeded (plus JOB_OVERDUE_GRACE_SECONDS for the second run to finish): one failed or lost run is tolerated,
two in a row are not. For an interval that is 2 × the interval after the last success; for a crontab, the second
time of its schedule after it (a daily job that last succeeded on Monday at 03:30 is overdue from Wednesday at
03:30 plus the grace). A job that has never succeeded is counted from when it was first seen here (its
JobStatus row, made by beat at start or by the first look at this list), not from the epoch: counted as if it
had last succeeded then, it is overdue once its first two runs after that have passed without a success.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from celery import Task
from celery.exceptions import Ignore, Reject, Retry
from celery.schedules import crontab, maybe_schedule
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import JobStatus

logger = logging.getLogger(__name__)

# What each job does, for the status page (the schedule's names are the jobs' names).
JOB_LABELS = {
    "deadlines-mark-missed": gettext_lazy("Markerer overskredne frister"),
    "grants-expire": gettext_lazy("Sletter udløbne delinger og nødadgange"),
    "reminders-scan": gettext_lazy("Sender påmindelser og varsler om frister"),
    "retention-run": gettext_lazy("Anonymiserer sager, der blev afsluttet for mere end opbevaringsperioden siden"),
    "sessions-clear": gettext_lazy("Sletter udløbne sessioner"),
    "audit-head-export": gettext_lazy("Eksporterer adgangslogens hoved"),
    "intake-reports-expire": gettext_lazy("Sletter anonyme indberetninger og opkald, der ikke blev til en sag"),
    "intake-rate-counts-clear": gettext_lazy("Glemmer den offentlige formulars tællinger fra timer, der er gået"),
}


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    schedule: object  # a Celery schedule: crontab, or schedule (an interval)

    @property
    def label(self) -> str:
        return str(JOB_LABELS.get(self.name, self.name))


def jobs() -> list[Job]:
    """The scheduled jobs, in the schedule's order."""
    return [
        Job(name=name, task=entry["task"], schedule=maybe_schedule(entry["schedule"]))
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]


def job_for_task(task_name: str) -> Job | None:
    return next((job for job in jobs() if job.task == task_name), None)


def next_run_after(schedule, moment: dt.datetime) -> dt.datetime:
    """When the schedule next falls due strictly after `moment` (crontabs in their own time zone)."""
    if isinstance(schedule, crontab):
        start, delta, _now = schedule.remaining_delta(moment.astimezone(schedule.tz))
        return (start + delta).astimezone(dt.UTC)
    return moment + schedule.run_every


def overdue_from(job: Job, status: JobStatus) -> dt.datetime:
    """From when the job counts as overdue, given its record (see the module's docstring)."""
    since = status.last_success_at or status.first_seen_at
    second_run = next_run_after(job.schedule, next_run_after(job.schedule, since))
    return second_run + dt.timedelta(seconds=settings.JOB_OVERDUE_GRACE_SECONDS)


@dataclass(frozen=True)
class JobState:
    job: Job
    status: JobStatus
    overdue_from: dt.datetime
    overdue: bool


def job_states(now: dt.datetime | None = None) -> list[JobState]:
    """Each scheduled job with its record; a job not seen before gets its record now (first seen: now)."""
    now = now or timezone.now()
    scheduled = jobs()
    names = [job.name for job in scheduled]
    statuses = {status.name: status for status in JobStatus.objects.filter(name__in=names)}
    if len(statuses) < len(names):
        missing = [JobStatus(name=name, first_seen_at=now) for name in names if name not in statuses]
        JobStatus.objects.bulk_create(missing, ignore_conflicts=True)  # another process may be making them too
        statuses = {status.name: status for status in JobStatus.objects.filter(name__in=names)}
    states = []
    for job in scheduled:
        status = statuses[job.name]
        begins = overdue_from(job, status)
        states.append(JobState(job=job, status=status, overdue_from=begins, overdue=now >= begins))
    return states


def jobs_overdue(now: dt.datetime | None = None) -> list[str]:
    """The names of the jobs that have not succeeded within two of their runs (the readiness check asks)."""
    return [state.job.name for state in job_states(now) if state.overdue]


def jobs_seen(now: dt.datetime | None = None) -> None:
    """Give every scheduled job its record if it has none (beat calls this at start)."""
    job_states(now)


def _record(name: str, **fields) -> None:
    """Upsert the job's record in one statement; a database that is down must not hide the job's own outcome."""
    try:
        JobStatus.objects.bulk_create(
            [JobStatus(name=name, **fields)], update_conflicts=True, unique_fields=["name"], update_fields=list(fields)
        )
    except DatabaseError:
        logger.warning("The record of job %s could not be written", name, exc_info=True)


def _beat_entry(request) -> str | None:
    """The schedule entry that sent this run, if beat sent it (the database scheduler's header)."""
    name = getattr(request, "periodic_task_name", None)
    if name is None:
        name = (getattr(request, "headers", None) or {}).get("periodic_task_name")
    return name if name in settings.CELERY_BEAT_SCHEDULE else None


def _done_in_this_slot(job: Job, now: dt.datetime) -> bool:
    """Has this crontab job already succeeded since its latest due time? Then a second send is a double."""
    if not isinstance(job.schedule, crontab):
        return False  # the frequent interval scans are idempotent and have no slots: a double costs nothing
    last = JobStatus.objects.filter(name=job.name).values_list("last_success_at", flat=True).first()
    return last is not None and next_run_after(job.schedule, last) > now


class JobTask(Task):
    """The base of every scheduled task: records each run (start, success or failure) in its JobStatus row.

    A crontab job that beat sends again within the same due time (a beat restarted right after sending, or two
    beats for a moment during a deploy) runs once: the second finds the slot's success and does nothing. Run by
    hand (`.delay()`), a job always runs.
    """

    def __call__(self, *args, **kwargs):
        sent_by = _beat_entry(self.request)
        job = next((j for j in jobs() if j.name == sent_by), None) if sent_by else job_for_task(self.name)
        if job is None:
            return super().__call__(*args, **kwargs)
        started = timezone.now()
        if sent_by and _done_in_this_slot(job, started):
            # Worth a line in the log: beat sent the job twice (two beats at once, or one restarted mid-send).
            logger.warning("Job %s already succeeded since its last due time: not run again", job.name)
            return None
        _record(job.name, last_started_at=started)
        try:
            result = super().__call__(*args, **kwargs)
        except (Retry, Ignore, Reject):
            raise  # Celery's own control flow, not a failure of the job
        except Exception as error:
            # The class name only: an exception's message may quote data (a value, a query's parameters).
            _record(job.name, last_failure_at=timezone.now(), last_error=type(error).__name__[:100])
            raise
        _record(job.name, last_success_at=started, last_duration=timezone.now() - started)
        return result


def _interval_words(seconds: int) -> str:
    for unit, single, many in (
        (86400, _("Hver dag"), _("Hver %(n)d. dag")),
        (3600, _("Hver time"), _("Hver %(n)d. time")),
        (60, _("Hvert minut"), _("Hvert %(n)d. minut")),
        (1, _("Hvert sekund"), _("Hvert %(n)d. sekund")),
    ):
        if seconds % unit == 0:
            count = seconds // unit
            return single if count == 1 else many % {"n": count}
    return ""  # not reached: every whole number of seconds is a multiple of 1


def _zone_words(zone) -> str:
    name = str(zone)
    if name == "Europe/Copenhagen":
        return _("dansk tid")
    return name


def schedule_words(schedule) -> str:
    """The schedule as a person says it: "Hver dag kl. 03:30 (dansk tid)", "Hvert 5. minut"."""
    if not isinstance(schedule, crontab):
        return _interval_words(int(schedule.run_every.total_seconds()))
    minute, hour = str(schedule._orig_minute), str(schedule._orig_hour)
    every_day = all(
        str(part) == "*"
        for part in (schedule._orig_day_of_week, schedule._orig_day_of_month, schedule._orig_month_of_year)
    )
    if every_day and minute == "*" and hour == "*":
        return _("Hvert minut")
    if every_day and minute.isdigit() and hour == "*":
        if int(minute) == 0:
            return _("Hver hele time")
        return _("Hver time, %(minute)d minutter over") % {"minute": int(minute)}
    if every_day and minute.isdigit() and hour.isdigit():
        time = f"{int(hour):02d}:{int(minute):02d}"
        return _("Hver dag kl. %(time)s (%(zone)s)") % {"time": time, "zone": _zone_words(schedule.tz)}
    parts = " ".join(
        str(part)
        for part in (
            minute,
            hour,
            schedule._orig_day_of_month,
            schedule._orig_month_of_year,
            schedule._orig_day_of_week,
        )
    )
    return f"cron {parts} ({_zone_words(schedule.tz)})"
