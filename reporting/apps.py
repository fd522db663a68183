from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Statistics reports for the inter-ministerial working group (next slices)."""

    name = "reporting"
    verbose_name = _("Statistik")
