"""Run the beat schedule in this process, for a machine without Redis and Celery beat."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from cmm.celery import app


def seconds_to_next_run(schedule) -> float:
    """An interval in seconds or a timedelta, or a Celery schedule such as a crontab: when it is next due."""
    if hasattr(schedule, "remaining_estimate"):
        return max(1.0, schedule.remaining_estimate(schedule.now()).total_seconds())
    return schedule.total_seconds() if hasattr(schedule, "total_seconds") else float(schedule)


class Command(BaseCommand):
    help = "Run every task of CELERY_BEAT_SCHEDULE in-process when it is due (when no Redis is configured)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each task once and exit.")

    def handle(self, *args, once=False, **options):
        app.loader.import_default_modules()  # registers the tasks of every installed app
        due = dict.fromkeys(settings.CELERY_BEAT_SCHEDULE, 0.0)
        while True:
            now = time.monotonic()
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                if due[name] <= now:
                    result = app.tasks[entry["task"]].apply().get()
                    self.stdout.write(f"{name}: {result}")
                    due[name] = now + seconds_to_next_run(entry["schedule"])
            if once:
                return
            time.sleep(max(1.0, min(due.values()) - time.monotonic()))
