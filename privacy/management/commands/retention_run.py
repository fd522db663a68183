"""Anonymise the identifying data of cases closed more than RETENTION_YEARS ago (the daily job, by hand)."""

from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = "Anonymise people whose cases all closed more than RETENTION_YEARS ago; --dry-run only lists them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the cases, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        run = services.retention_run(dry_run=dry_run)
        closed_before = f"{run.closed_before:%Y-%m-%d}"
        if dry_run:
            self.stdout.write(
                f"Dry run: would anonymise {run.person_count} people in {run.case_count} cases "
                f"closed before {closed_before}."
            )
        else:
            self.stdout.write(
                f"Anonymised {run.person_count} people in {run.case_count} cases closed before {closed_before}."
            )
        for number in run.case_numbers:
            self.stdout.write(f"  {number}")
        self.stdout.write(f"Logged as retention run {run.pk}.")
