"""The field keys are checked before anything is served: a missing or malformed key is an Error, and so (with
`check --database default`, as the container's entrypoint runs it, and at every `migrate`) is a key that does not
belong to the data: the key canary (privacy/canary.py) does not decrypt, or the blind-index key is another."""

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, ProgrammingError

from . import crypto


@checks.register(checks.Tags.security)
def field_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(message, hint="See README.md, “Field encryption keys”.", id=f"privacy.E{number:03d}")
        for number, message in crypto.configured_key_problems()
    ]


@checks.register(checks.Tags.database)
def key_canary_check(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Database checks run only when asked for a database (`check --database default`, `migrate`)."""
    if not databases or DEFAULT_DB_ALIAS not in databases or crypto.configured_key_problems():
        return []  # malformed or missing keys are field_keys_check's Errors already
    from . import canary

    try:
        stored = canary.stored()
    except ProgrammingError:
        return []  # before the first migrate: no table yet, and nothing encrypted stored either
    except DatabaseError as error:
        return [checks.Error(f"The key canary could not be read: {type(error).__name__}.", id="privacy.E101")]
    if stored is None:
        return [checks.Warning(canary.MISSING, id="privacy.W101")]  # a Warning: migrate itself runs this check
    return [
        checks.Error(problem, hint="See README.md, “Field encryption keys”.", id=f"privacy.E{number}")
        for number, problem in (
            (102, canary.field_keys_problem(stored)),
            (103, canary.blind_index_key_problem(stored)),
        )
        if problem
    ]


def startup_problems() -> list[tuple[int, str]]:
    """Problems that stop the process: malformed keys always, missing keys unless DEBUG (local development)."""
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    blind = getattr(settings, "BLIND_INDEX_KEY", None)
    if not keys and not blind and settings.DEBUG:
        return []
    return crypto.configured_key_problems()
