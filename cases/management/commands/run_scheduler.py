"""Run the beat schedule in this process, for a machine without Redis and Celery beat."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from cmm.celery import app


class Command(BaseCommand):
    help = "Run every task of CELERY_BEAT_SCHEDULE in-process at its interval (when no Redis is configured)."

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
                    interval = entry["schedule"]
                    seconds = interval.total_seconds() if hasattr(interval, "total_seconds") else float(interval)
                    due[name] = now + seconds
            if once:
                return
            time.sleep(max(1.0, min(due.values()) - time.monotonic()))
