from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health and readiness, the periodic jobs' status, error pages under faults."""

    name = "ops"
    verbose_name = _("Drift")
