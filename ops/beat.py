"""Beat's schedule in PostgreSQL: django-celery-beat's database scheduler, with three changes of ours.

The database scheduler keeps each entry's last run (`last_run_at`) in its table, so a restarted beat (every
deploy) carries on where the last one stopped: an interval counts from the last run, not from the start, and a
crontab time that passed while beat was down runs once when it is back (a catch-up, not a double). With
CELERY_BEAT_SYNC_EVERY = 1 the time is written right after each send, so a beat killed just after sending does
not send again. What we change:

- A send that fails because Redis is away is retried until it goes through, instead of dropped with the tick
  (beat would otherwise move on to the next due time: a daily job would wait for the next day).
- Every enabled entry is read, whatever its hour: the library leaves out crontab entries whose hour is more
  than two hours away, so a beat that came back later than that after an outage never caught up on them.
- The schedule is the code's (CELERY_BEAT_SCHEDULE): an entry no longer there is disabled, so a job renamed or
  removed in the code does not go on running from the table.
"""

from django_celery_beat import schedulers
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from . import jobs

# Retried for as long as it takes, every 1, 3, 5 ... seconds up to every 30: there is nothing else for beat to
# do while the broker is away, and when it is back the due jobs go out once each.
PUBLISH_RETRY_POLICY = {"max_retries": None, "interval_start": 1, "interval_step": 2, "interval_max": 30}
# Celery's own entry (installed when results expire); we have no result backend, but leave it be.
CELERY_ENTRIES = frozenset({"celery.backend_cleanup"})


class JobEntry(schedulers.ModelEntry):
    def __init__(self, model, app=None):
        super().__init__(model, app=app)
        self.options.update(retry=True, retry_policy=PUBLISH_RETRY_POLICY)


class DatabaseScheduler(schedulers.DatabaseScheduler):
    Entry = JobEntry

    def setup_schedule(self):
        super().setup_schedule()
        names = set(self.app.conf.beat_schedule) | CELERY_ENTRIES
        stale = list(PeriodicTask.objects.filter(enabled=True).exclude(name__in=names).values_list("name", flat=True))
        if stale:
            PeriodicTask.objects.filter(name__in=stale).update(enabled=False)
            PeriodicTasks.update_changed()  # another beat reads the change too
            for name in stale:
                self._schedule.pop(name, None)
        jobs.jobs_seen()

    def enabled_models_qs(self):
        return self.Model.objects.enabled()
