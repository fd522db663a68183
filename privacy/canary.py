"""The key canary (privacy.KeyCanary): do the configured keys belong to the data?

A wrong FIELD_ENCRYPTION_KEYS fails loudly on the first read of a person; a wrong BLIND_INDEX_KEY fails
quietly: every name search finds nothing. The canary makes both loud before anything is served: a known text
encrypted under the field keys (rotated with the other columns, so removing an old key too early is caught
too), and an HMAC of a fixed label under the blind-index key, which says whether the key is the same without
saying anything about it. `migrate` writes the canary when there is none, after checking the keys against a
person already stored; the system check (privacy/checks.py, `check --database default`) and the readiness
endpoint (ops/health.py) check it. Messages name the setting and key ids (hashes), never a key.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

from . import crypto

CANARY_TEXT = "cmm-key-canary-1"
_FINGERPRINT_LABEL = b"cmm-blind-index-key-fingerprint-1"
MISSING = "No key canary is stored yet: `manage.py migrate` writes it."
REBUILD = (
    "Set the key the data was indexed with; after a deliberate change, run `manage.py rotate_field_keys "
    "--search-keys`, which rebuilds the search keys and the canary."
)


def blind_index_fingerprint() -> str:
    """A keyed hash of a fixed label: equal for the same BLIND_INDEX_KEY, and no help in finding it."""
    crypto.keyring()  # validates the keys first, as every use of the blind-index key does
    key = settings.BLIND_INDEX_KEY.strip().encode()
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def stored(using: str = DEFAULT_DB_ALIAS) -> tuple[str, str] | None:
    """The stored (token, fingerprint), read raw: the model field would decrypt the token on the way in."""
    from .models import KeyCanary

    connection = connections[using]
    table = connection.ops.quote_name(KeyCanary._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value, blind_index_fingerprint FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def field_keys_problem(canary: tuple[str, str] | None) -> str | None:
    if canary is None:
        return MISSING
    try:
        text = crypto.decrypt(canary[0])
    except crypto.DecryptionError as error:
        return f"FIELD_ENCRYPTION_KEYS cannot decrypt the key canary: {error}"
    if text != CANARY_TEXT:
        return "FIELD_ENCRYPTION_KEYS decrypt the key canary to another text: the row has been changed."
    return None


def blind_index_key_problem(canary: tuple[str, str] | None) -> str | None:
    if canary is None:
        return MISSING
    if not hmac.compare_digest(canary[1], blind_index_fingerprint()):
        return (
            "BLIND_INDEX_KEY is not the key the stored data was indexed with: every name search would find "
            f"nothing. {REBUILD}"
        )
    return None


def data_problem(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """Before the first canary is written on a database that holds people: do the keys read one of them, and
    make the search keys stored with them? A wrong key makes none of its parts match (a keyed hash)."""
    from cases.models import Person
    from cases.services import person_search_keys

    if Person._meta.db_table not in connections[using].introspection.table_names():
        return None
    fields = (
        "id",
        "given_name",
        "family_name",
        "aliases",
        "cpr_number",
        "document_number",
        "date_of_birth",
        "search_keys",
    )
    people = Person.objects.using(using).filter(anonymised_at__isnull=True).exclude(search_keys=[]).only(*fields)
    try:
        person = people.order_by("id").first()
    except crypto.DecryptionError as error:
        return f"FIELD_ENCRYPTION_KEYS cannot decrypt the people already stored: {error}"
    if person is not None and not set(person_search_keys(person)) & set(person.search_keys):
        return f"BLIND_INDEX_KEY is not the key the people already stored were indexed with. {REBUILD}"
    return None


def canary_ensure(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Write the canary if there is none (True if written); refuse with keys that do not read the data."""
    from .models import KeyCanary

    if KeyCanary.objects.using(using).filter(pk=1).exists():
        return False
    if problem := data_problem(using):
        raise ImproperlyConfigured(f"The key canary is not written: {problem}")
    canary = KeyCanary(pk=1, value=CANARY_TEXT, blind_index_fingerprint=blind_index_fingerprint())
    KeyCanary.objects.using(using).bulk_create([canary], ignore_conflicts=True)  # two migrates at once: one row
    return True


def fingerprint_update(using: str = DEFAULT_DB_ALIAS) -> None:
    """After the search keys were rebuilt under a new BLIND_INDEX_KEY (rotate_field_keys --search-keys)."""
    from .models import KeyCanary

    if not KeyCanary.objects.using(using).filter(pk=1).update(blind_index_fingerprint=blind_index_fingerprint()):
        canary_ensure(using)


def canary_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, apps=None, **kwargs) -> None:
    """post_migrate: the first migrate (and a test database's flush) writes the canary."""
    if apps is not None:
        try:
            apps.get_model("privacy", "KeyCanary")
        except LookupError:  # migrated back before the canary's table
            return
    if crypto.configured_key_problems():
        return  # local development without keys (DEBUG): nothing encrypted can be stored either
    canary_ensure(using)
