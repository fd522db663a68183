"""The names typed at failed logins, kept in clear by django-axes until now, become their keyed hashes.

From here on AXES_USERNAME_CALLABLE (accounts.lockout.axes_username) stores only the hash. The access log's
older rows cannot be rewritten (it is append-only); its new rows hold the hash too.
"""

import re

from django.db import migrations

from privacy import crypto

HASHED = re.compile(r"[0-9a-f]{64}")


def _key(name: str) -> str | None:
    # The same hash as accounts.lockout.username_key, frozen here as it was when this migration was written.
    return crypto.blind_index(name, kind="username")


def hash_typed_names(apps, schema_editor):
    AccessAttempt = apps.get_model("axes", "AccessAttempt")
    AccessFailureLog = apps.get_model("axes", "AccessFailureLog")
    names = AccessFailureLog.objects.exclude(username=None).values_list("username", flat=True).distinct()
    for name in list(names):
        if not HASHED.fullmatch(name):
            AccessFailureLog.objects.filter(username=name).update(username=_key(name))
    # Attempts are unique per (name, address, browser); names that hash alike keep their latest row.
    kept = set()
    for attempt in AccessAttempt.objects.exclude(username=None).order_by("-attempt_time", "-pk"):
        key = attempt.username if HASHED.fullmatch(attempt.username) else _key(attempt.username)
        identity = (key, attempt.ip_address, attempt.user_agent)
        if identity in kept:
            attempt.delete()
            continue
        kept.add(identity)
        if key != attempt.username:
            AccessAttempt.objects.filter(pk=attempt.pk).update(username=key)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_team_group"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(hash_typed_names, migrations.RunPython.noop)]
