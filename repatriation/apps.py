from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepatriationConfig(AppConfig):
    """Prepared repatriation and reintegration support (next slices)."""

    name = "repatriation"
    verbose_name = _("Forberedt hjemrejse")
