from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """Support services offered and received, and the individual action plan with its versions."""

    name = "support"
    verbose_name = _("Støtte og bistand")
