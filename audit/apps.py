from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log: every read and write of case data, append-only and hash-chained."""

    name = "audit"
    verbose_name = _("Adgangslog")
