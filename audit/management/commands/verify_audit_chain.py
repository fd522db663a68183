"""Check the audit log's hash chain: exit 0 if intact, non-zero naming the first broken row."""

import re

from django.core.management.base import BaseCommand, CommandError

from audit import chain
from audit.models import AuditEvent

HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = (
        "Walk the audit log in sequence order and recompute every hash. Exits non-zero at the first row "
        "that was changed, or that follows a deleted or reordered row. Prints the head (sequence number and "
        "hash) to keep elsewhere: --head checks that a head kept earlier is still in the chain, which also "
        "catches rows removed from the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--head", help="SEQ:HASH of a head printed by an earlier run")

    def handle(self, *args, head=None, **options):
        expected = HEAD.match(head) if head else None
        if head and expected is None:
            raise CommandError("--head must be SEQ:HASH, as printed by an earlier run.")
        result = chain.verify(chain.rows_in_order(AuditEvent.objects.all()))
        if result.broken:
            broken = result.broken
            raise CommandError(
                f"Audit chain broken at row id {broken.row_id} (sequence number {broken.seq}): {broken.reason}."
            )
        if expected:
            seq, digest = int(expected.group(1)), expected.group(2)
            kept = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
            if kept != digest:
                raise CommandError(
                    f"Audit chain does not contain the earlier head {seq}:{digest}: rows up to sequence number "
                    f"{seq} were removed or rewritten."
                )
        self.stdout.write(f"Audit chain intact: {result.rows} rows. Head {result.head_seq}:{result.head_hash}")
