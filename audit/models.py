from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Role

# What a row was about, as the auditor's pages name it; the row keeps the code. Unknown codes show as is.
WHAT_LABELS = {
    "home": _("Forsiden (egne sager og frister)"),
    "case_list": _("Sagslisten"),
    "case_page": _("Sagen"),
    "own_referrals": _("Egne henvisninger"),
    "assess_form": _("Formular: vurdering"),
    "grant_period_form": _("Formular: periode"),
    "extend_period_form": _("Formular: forlængelse"),
    "record_notification_form": _("Formular: underretning"),
    "share_form": _("Formular: deling"),
    "request_handover_form": _("Formular: anmodning om overdragelse"),
    "decide_handover_form": _("Formular: afgørelse om overdragelse"),
    "change_residence_status_form": _("Formular: ændret opholdsgrundlag"),
    "api_case_list": _("API: sagsliste"),
    "api_case_search": _("API: søgning"),
    "api_case_detail": _("API: sagen"),
    "api_case_events": _("API: sagens hændelser"),
    "api_deadlines": _("API: frister"),
    "api_own_referrals": _("API: egne henvisninger"),
    "referral_register": _("Henvisning registreret"),
    "assessment_record": _("Vurdering registreret"),
    "period_grant": _("Periode givet"),
    "period_extend": _("Periode forlænget"),
    "notification_record": _("Underretning registreret"),
    "deadlines_mark_missed": _("Frister markeret som overskredet"),
    "share_create": _("Sagen delt"),
    "share_withdraw": _("Deling tilbagekaldt"),
    "break_the_glass": _("Nødadgang"),
    "break_the_glass_review": _("Nødadgang gennemgået"),
    "handover_request": _("Overdragelse anmodet"),
    "handover_decide": _("Overdragelse afgjort"),
    "residence_status_change": _("Opholdsgrundlag ændret"),
    "audit_log_search": _("Søgning i adgangsloggen"),
    "access_report": _("Indsigtsrapport (art. 15)"),
}


class AuditEvent(models.Model):
    """One read or write of case data (or a security event): who, as what, when, which cases, why.

    Append-only and hash-chained (audit/chain.py): the database refuses UPDATE, DELETE and TRUNCATE, and
    fills in `seq`, `prev_hash` and `hash` itself when a row is inserted (migration 0002).
    """

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
    # The chain. The insert trigger sets seq, prev_hash and hash (db_default: the insert leaves them out
    # and reads back what the trigger wrote); the application only supplies the content hash.
    seq = models.BigIntegerField(unique=True, editable=False, db_default=0)
    prev_hash = models.CharField(max_length=64, editable=False, db_default="")
    content_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, db_default="")

    class Meta:
        verbose_name = _("loghændelse")
        verbose_name_plural = _("adgangslog")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_recent"),
            models.Index(fields=["-occurred_at"], name="audit_recent"),
            # Who looked at these cases (the auditor's search and the art. 15 report): case_ids && ARRAY[...].
            GinIndex(fields=["case_ids"], name="audit_case_ids_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.what}"

    def get_what_display(self) -> str:
        return str(WHAT_LABELS.get(self.what, self.what))

    def get_role_display(self) -> str:
        return str(dict(Role.choices).get(self.role, self.role))

    def get_agency_display(self) -> str:
        return str(dict(Agency.choices).get(self.agency, self.agency))
