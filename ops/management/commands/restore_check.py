"""Check a restored copy of the database before anyone works on it (README.md, "Backups and restore").

Each step is timed and printed: every migration of this code is applied, the access log's hash chain is intact
(`verify_audit_chain`, with --head a head kept outside the copy, which shows that no rows are missing from its
end), the field keys decrypt the key canary and the newest person, and BLIND_INDEX_KEY is the key the data was
indexed with. Exits non-zero naming each step that failed. Then log in once, with both factors.
"""

import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ops import health


def newest_person() -> str | None:
    """The field keys read the newest person's encrypted fields (a wrong key raises on the first)."""
    from cases.models import Person
    from privacy.fields import encrypted_fields

    person = Person.objects.order_by("-pk").first()
    if person is not None:
        for field in encrypted_fields(Person):
            getattr(person, field.attname)
    return None


class Command(BaseCommand):
    help = "Check a restored database: migrations, the access log's chain, the key canary, the search key."

    def add_arguments(self, parser):
        parser.add_argument("--head", help="SEQ:HASH of the access log's head, kept outside the backup")

    def handle(self, *args, head=None, **options):
        def audit_chain() -> None:
            call_command("verify_audit_chain", *(["--head", head] if head else []), stdout=io.StringIO())

        steps = [
            ("migrations", health.migrations),
            ("audit_chain", audit_chain),
            ("field_keys", health.field_keys),
            ("newest_person", newest_person),
            ("blind_index_key", health.blind_index_key),
        ]
        failed = []
        for name, step in steps:
            started = time.monotonic()
            try:
                problem = step()
            except Exception as error:  # a step that fails in any way is reported, and the others still run
                problem = f"{type(error).__name__}: {error}"
            elapsed = time.monotonic() - started
            self.stdout.write(f"{name:<16} {'failed' if problem else 'ok':<7} {elapsed:6.2f} s")
            if problem:
                failed.append(f"{name}: {problem}")
        if failed:
            raise CommandError("The restored copy failed: " + "; ".join(failed))
        self.stdout.write("The restored copy passed every check: now log in once, with both factors.")
