from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Role

from .labels import what_label


class AuditEvent(models.Model):
    """One read or write of case data (or a security event): who, as what, when, which cases, why.

    Append-only and hash-chained (audit/chain.py): the database refuses UPDATE, DELETE and TRUNCATE, and
    fills in `occurred_at` (its own clock), `seq`, `prev_hash`, `content_hash` and `hash` itself when a row
    is inserted (migrations 0002 and 0003).
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
        STATISTICS = "statistics", _("Statistik")

    # Set by the insert trigger (db_default: the insert leaves it out and reads back what the trigger wrote).
    occurred_at = models.DateTimeField(db_default=Now(), editable=False)
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
    # The chain, all set by the insert trigger: the application supplies none of it.
    seq = models.BigIntegerField(unique=True, editable=False, db_default=0)
    prev_hash = models.CharField(max_length=64, editable=False, db_default="")
    content_hash = models.CharField(max_length=64, editable=False, db_default="")
    hash = models.CharField(max_length=64, editable=False, db_default="")
    # How content_hash was computed (audit/chain.py): 1 by the application before migration 0003, 2 since.
    hash_version = models.PositiveSmallIntegerField(editable=False, db_default=2)

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
        return what_label(self.what)

    def get_role_display(self) -> str:
        return str(dict(Role.choices).get(self.role, self.role))

    def get_agency_display(self) -> str:
        return str(dict(Agency.choices).get(self.agency, self.agency))


class ChainHead(models.Model):
    """The log's head (last sequence number and hash) as exported on schedule, kept where the application
    cannot rewrite it: the application's role may only call `audit_export_head()`, which inserts the current
    head; nobody may change or delete a row (migration 0003). verify_audit_chain checks each is still there.
    """

    seq = models.BigIntegerField(editable=False, db_default=0)
    hash = models.CharField(max_length=64, editable=False, db_default="")
    exported_at = models.DateTimeField(editable=False, db_default=Now())

    class Meta:
        verbose_name = _("eksporteret kædehoved")
        verbose_name_plural = _("eksporterede kædehoveder")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


class ReviewedByAuditor(models.Model):
    """An alert for the data-protection auditor: in their queue until they mark it reviewed (alert_review)."""

    reviewed_at = models.DateTimeField(_("gennemgået"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class ReadAlert(ReviewedByAuditor):
    """A user read more distinct cases within an hour than their work explains (audit/read_rate.py).

    Raised once per window: no second alert for the same user while one raised within the last hour
    stands. `limited_at` is set when the same user then reached the hard limit and was refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="read_alerts")
    raised_at = models.DateTimeField(default=timezone.now, editable=False)
    window_start = models.DateTimeField()  # the window is window_start to raised_at
    distinct_cases = models.PositiveIntegerField()
    limited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alarm om mange opslag")
        verbose_name_plural = _("alarmer om mange opslag")
        ordering = ["-raised_at"]
        indexes = [
            # The read check asks whether the user has an alert in the window; the queue lists the unreviewed.
            models.Index(fields=["user", "-raised_at"], name="read_alert_user_recent"),
            models.Index(fields=["-raised_at"], condition=models.Q(reviewed_at__isnull=True), name="read_alert_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.raised_at:%Y-%m-%d %H:%M} {self.user}: {self.distinct_cases}"


class CspReport(models.Model):
    """Content Security Policy violations the browsers reported, counted per day, directive and blocked host.

    The blocked address is kept as its host only (or its scheme, or a keyword such as "inline"): paths and
    query strings can carry identifying data. The endpoint is public, so the table is capped per day.
    """

    day = models.DateField(_("dag"))
    directive = models.CharField(_("direktiv"), max_length=40)
    blocked = models.CharField(_("blokeret"), max_length=255, blank=True)  # a host, a scheme or a keyword
    disposition = models.CharField(_("håndhævet eller rapporteret"), max_length=10, blank=True)
    count = models.PositiveIntegerField(_("antal"), default=1)
    first_seen = models.DateTimeField(_("først set"), default=timezone.now)
    last_seen = models.DateTimeField(_("sidst set"), default=timezone.now)

    class Meta:
        verbose_name = _("CSP-overtrædelse")
        verbose_name_plural = _("CSP-overtrædelser")
        ordering = ["-day", "-count"]
        constraints = [
            models.UniqueConstraint(fields=["day", "directive", "blocked", "disposition"], name="csp_report_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.directive} {self.blocked} ×{self.count}"
