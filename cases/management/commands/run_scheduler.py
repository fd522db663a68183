"""Run the periodic tasks in this process, for a machine without Redis and Celery beat."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from cases import tasks


class Command(BaseCommand):
    help = "Run the beat schedule's tasks in-process every DEADLINE_SCAN_SECONDS (when no Redis is configured)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each task once and exit.")

    def handle(self, *args, once=False, **options):
        while True:
            missed = tasks.deadlines_mark_missed()
            self.stdout.write(f"deadline scan: {missed} newly missed")
            if once:
                return
            time.sleep(settings.DEADLINE_SCAN_SECONDS)
