"""The field keys are checked before anything is served: a missing or malformed key is an Error."""

from django.conf import settings
from django.core import checks

from . import crypto


@checks.register(checks.Tags.security)
def field_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(message, hint="See README.md, “Field encryption keys”.", id=f"privacy.E{number:03d}")
        for number, message in crypto.configured_key_problems()
    ]


def startup_problems() -> list[tuple[int, str]]:
    """Problems that stop the process: malformed keys always, missing keys unless DEBUG (local development)."""
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    blind = getattr(settings, "BLIND_INDEX_KEY", None)
    if not keys and not blind and settings.DEBUG:
        return []
    return crypto.configured_key_problems()
