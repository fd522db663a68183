from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import COMPETENT_AUTHORITIES
from cases.deadlines import period_last_day
from cases.models import Case
from cmm import validators as checks
from cmm.choices import choice_display
from privacy.fields import EncryptedTextField


class Indicator(models.TextChoices):
    DOCUMENTS_WITHHELD = "documents_withheld", _("Dokumenter tilbageholdt")
    DEBT = "debt", _("Gæld til rekrutteringsperson")
    NO_PAY = "no_pay", _("Ingen eller meget lav løn")
    RESTRICTED_MOVEMENT = "restricted_movement", _("Begrænset bevægelsesfrihed")
    VIOLENCE = "violence", _("Vold eller trusler om vold")
    DECEPTION = "deception", _("Vildledt om arbejdet eller forholdene")
    ISOLATION = "isolation", _("Isolation fra omverdenen")
    CONTROLLED_HOUSING = "controlled_housing", _("Bolig kontrolleret af arbejdsgiver")
    OTHER = "other", _("Andet")


class Assessment(models.Model):
    class Decision(models.TextChoices):
        VICTIM = "victim", _("Vurderet som offer")
        NOT_VICTIM = "not_victim", _("Ikke vurderet som offer")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment", primary_key=True)
    decision = models.CharField(_("afgørelse"), max_length=16, choices=Decision.choices)
    decided_on = models.DateField(_("afgørelsesdato"), validators=[checks.decided])
    # The moment of the decision: the 72-hour identification is judged by it, and the notification of
    # police and DIS after "not a victim" runs from it (not from when it was typed in).
    decided_at = models.DateTimeField(_("afgjort"))
    assessing_authority = models.CharField(
        _("vurderende myndighed"),
        max_length=8,
        choices=COMPETENT_AUTHORITIES,
    )
    interview_on = models.DateField(_("samtaledato"), null=True, blank=True, validators=[checks.interviewed])
    interpreter_language = models.CharField(
        _("tolkesprog"), max_length=100, blank=True, validators=[checks.one_line_text]
    )
    indicators = ArrayField(
        models.CharField(max_length=32, choices=Indicator.choices),
        verbose_name=_("indikatorer"),
        default=list,
        blank=True,
        size=len(Indicator.choices),
        validators=[checks.unique_items],
    )
    reasons = EncryptedTextField(_("begrundelse"), validators=checks.FREE_TEXT)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("vurdering")
        verbose_name_plural = _("vurderinger")
        indexes = [models.Index(fields=["decision", "decided_on"], name="assessment_decision_day")]
        constraints = [
            models.CheckConstraint(condition=checks.date_in_range("decided_on"), name="assessment_decided_in_range"),
            models.CheckConstraint(
                condition=models.Q(interview_on__isnull=True) | checks.date_in_range("interview_on"),
                name="assessment_interview_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.decided_on})"

    # The case page shows both.
    get_decision_display = choice_display("decision", Decision.choices)
    get_assessing_authority_display = choice_display("assessing_authority", COMPETENT_AUTHORITIES)


class Period(models.Model):
    """A reflection period (no legal residence) or recovery period (legal residence)."""

    class Kind(models.TextChoices):
        REFLECTION = "reflection", _("Refleksionsperiode")
        RECOVERY = "recovery", _("Restitutionsperiode")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="period", primary_key=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("første dag"), validators=[checks.period_start])
    days_total = models.PositiveSmallIntegerField(_("dage i alt"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("periode")
        verbose_name_plural = _("perioder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_total__gte=1, days_total__lte=120), name="period_at_most_120_days"
            ),
            models.CheckConstraint(condition=checks.date_in_range("starts_on"), name="period_starts_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.starts_on} – {self.last_day}"

    get_kind_display = choice_display("kind", Kind.choices)

    @property
    def last_day(self):
        return period_last_day(self.starts_on, self.days_total)


class PeriodExtension(models.Model):
    """An extension, recorded with both conditions the Aliens Act asks for."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("dage"))
    exceptional_circumstances = EncryptedTextField(_("særlige omstændigheder"), validators=checks.FREE_TEXT)
    cooperates_on_repatriation = models.BooleanField(_("samarbejder om forberedt hjemrejse"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("forlængelse")
        verbose_name_plural = _("forlængelser")
        ordering = ["granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cooperates_on_repatriation=True), name="extension_requires_cooperation"
            ),
            # The column holds ciphertext, which cannot be compared; an empty text is stored empty.
            models.CheckConstraint(
                condition=GreaterThan(Length("exceptional_circumstances"), 0), name="extension_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.days}"
