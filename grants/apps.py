from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    """Access beyond an agency's own scope: consented shares, break-the-glass, hand-overs CMM <-> DIS."""

    name = "grants"
    verbose_name = _("Deling og overdragelse")
