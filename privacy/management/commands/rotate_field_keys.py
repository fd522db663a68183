"""Re-encrypt every encrypted column under the newest key in FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (FIELD_ENCRYPTION_KEYS=new,old), restart, run this command, check that it
reports nothing left under other keys, then remove the old key. Safe to run again, and while the system runs.
"""

from django.core.management.base import BaseCommand, CommandError

from privacy import canary, columns, crypto, services


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column under the newest field key, and report the counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--search-keys",
            action="store_true",
            help="Also recompute the blind indexes (after BLIND_INDEX_KEY changed).",
        )

    def handle(self, *args, search_keys=False, **options):
        newest = crypto.keyring().primary_id
        self.stdout.write(f"Newest key: {newest}")
        total = columns.ColumnCount()
        for column, count in services.field_keys_rotate().items():
            total += count
            self.stdout.write(
                f"  {column}: {count.rewritten} re-encrypted, {count.unchanged} already current"
                + (f", {count.unreadable} UNREADABLE" if count.unreadable else "")
            )
        left = {
            column: {keyid: n for keyid, n in ids.items() if keyid != newest}
            for column, ids in services.field_keys_census().items()
        }
        left = {column: ids for column, ids in left.items() if ids}
        self.stdout.write(
            f"Re-encrypted {total.rewritten} values; {total.unchanged} were already under the newest key."
        )
        if search_keys:
            self.stdout.write(f"Recomputed the search keys of {services.person_search_keys_rebuild()} people.")
            canary.fingerprint_update()  # the key canary now names the new BLIND_INDEX_KEY
        if total.unreadable or left:
            details = "; ".join(f"{column}: {ids}" for column, ids in left.items())
            raise CommandError(
                f"{total.unreadable} values could not be decrypted with the configured keys; left under other keys: "
                f"{details or 'none'}. Keep the old keys until this command reports none."
            )
        self.stdout.write("No value is left under an older key: the older keys can be removed.")
