from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Encryption of identifying fields, their blind indexes, and the retention job."""

    name = "privacy"
    verbose_name = _("Databeskyttelse")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import canary, checks

        post_migrate.connect(canary.canary_after_migrate, sender=self)

        # A malformed key stops every process at once (web, worker, beat, commands), and so does a missing
        # one outside DEBUG; the system check reports the same problems on `check`, `migrate` and `runserver`.
        problems = checks.startup_problems()
        if problems:
            raise ImproperlyConfigured(" ".join(message for _number, message in problems))
