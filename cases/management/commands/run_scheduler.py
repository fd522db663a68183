"""Run the beat schedule in this process, for a machine without Redis and Celery beat."""

from celery.beat import Service
from django.conf import settings
from django.core.management.base import BaseCommand
from kombu.utils import symbol_by_name

from cmm.celery import app


class Command(BaseCommand):
    help = "Run every task of CELERY_BEAT_SCHEDULE in-process when it is due (when no Redis is configured)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each task once and exit.")

    def handle(self, *args, once=False, **options):
        app.loader.import_default_modules()  # registers the tasks of every installed app
        if once:
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                result = app.tasks[entry["task"]].apply().get()
                self.stdout.write(f"{name}: {result}")
            return
        # Beat itself, with the same database scheduler as the Celery deployment: the same jobs at the same clock
        # times, each entry's last run kept in the database. Without a broker (CELERY_TASK_ALWAYS_EAGER) each send
        # runs the task here and now, and the task records its run as it would in a worker.
        Service(app=app, scheduler_cls=symbol_by_name(settings.CELERY_BEAT_SCHEDULER), remote_control=False).start()
