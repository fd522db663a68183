from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One read or write of case data (or a security event): who, as what, when, which cases, why."""

    class Action(models.TextChoices):
        READ = "read", _("Læst")
        LIST = "list", _("Vist i liste")
        SEARCH = "search", _("Søgning")
        CREATE = "create", _("Oprettet")
        UPDATE = "update", _("Ændret")
        EXPORT = "export", _("Eksporteret")
        DENIED = "denied", _("Afvist")
        SECURITY = "security", _("Sikkerhedshændelse")
        ADMIN = "admin", _("Administration")

    class Purpose(models.TextChoices):
        CASE_WORK = "case_work", _("Sagsbehandling")
        BREAK_THE_GLASS = "break_the_glass", _("Nødadgang")
        AUDIT = "audit", _("Revision")
        ADMINISTRATION = "administration", _("Administration")
        SYSTEM = "system", _("Systemet")

    occurred_at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Snapshots: the log must say who and as what even after the user's role or agency changes.
    actor_username = models.CharField(max_length=150, blank=True)
    agency = models.CharField(max_length=8, blank=True)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.CASE_WORK)
    # The cases seen or changed: one for a page, all rows for a list (one audit row per list page).
    case_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # What was seen or changed, never identifying values: a page name, field names, an event type.
    what = models.CharField(max_length=100)
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("loghændelse")
        verbose_name_plural = _("adgangslog")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_recent"),
            models.Index(fields=["-occurred_at"], name="audit_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.what}"
