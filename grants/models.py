import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import COMPETENT_AUTHORITIES
from audit.models import ReviewedByAuditor
from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from cmm import validators as checks
from privacy.fields import EncryptedTextField


class Share(models.Model):
    """The case shared with an organisation (an NGO or the IOM) on the person's recorded consent."""

    class Scope(models.TextChoices):
        SUPPORT = "support", _("Støtte og bistand")
        REPATRIATION = "repatriation", _("Forberedt hjemrejse")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="shares"
    )
    scope = models.CharField(_("formål"), max_length=16, choices=Scope.choices)
    consent_given_on = models.DateField(_("samtykke givet"), validators=[checks.consent_given])
    expires_on = models.DateField(_("samtykket udløber"), validators=[checks.consent_expiry])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The guardian grant that makes the case visible to the organisation; deleted when the share ends.
    grant = models.OneToOneField(CaseGroupObjectPermission, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("deling")
        verbose_name_plural = _("delinger")
        # One live share per organisation is enforced through the grant's unique key (and the service).
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("consent_given_on")), name="share_expires_after_consent"
            ),
            models.CheckConstraint(condition=checks.date_in_range("consent_given_on"), name="share_consent_in_range"),
            # Two calendar years are at most 731 days: never stricter than the service's check in years.
            models.CheckConstraint(
                condition=models.Q(
                    expires_on__lte=models.F("consent_given_on") + dt.timedelta(days=366 * checks.CONSENT_YEARS - 1)
                ),
                name="share_consent_at_most_two_years",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.team.name}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.expires_on >= timezone.localdate()


class EmergencyAccess(ReviewedByAuditor):
    """Break-the-glass: a coordinator opens a case outside their scope, for a stated reason, for a while."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = EncryptedTextField(_("begrundelse"), validators=checks.FREE_TEXT)
    granted_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    grant = models.OneToOneField(CaseUserObjectPermission, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("nødadgang")
        verbose_name_plural = _("nødadgange")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["reviewed_at", "-granted_at"], name="emergency_review_queue")]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.user}"


class Handover(models.Model):
    """A request to move a case between CMM and DIS; the receiving agency accepts or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer")
        ACCEPTED = "accepted", _("Accepteret")
        REJECTED = "rejected", _("Afvist")
        # The case closed while the request waited: there is nothing left to hand over.
        CANCELLED = "cancelled", _("Annulleret, sagen blev afsluttet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_authority = models.CharField(max_length=8, choices=COMPETENT_AUTHORITIES)
    to_authority = models.CharField(_("til"), max_length=8, choices=COMPETENT_AUTHORITIES)
    reason = EncryptedTextField(_("begrundelse"), validators=checks.FREE_TEXT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(_("begrundelse for afgørelsen"), blank=True, validators=checks.FREE_TEXT)

    class Meta:
        verbose_name = _("overdragelse")
        verbose_name_plural = _("overdragelser")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="handover_one_pending_per_case"
            ),
            models.CheckConstraint(condition=~models.Q(from_authority=models.F("to_authority")), name="handover_moves"),
        ]
        indexes = [models.Index(fields=["to_authority"], condition=models.Q(status="pending"), name="handover_inbox")]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.from_authority} → {self.to_authority}"
