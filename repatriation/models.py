"""Prepared repatriation: the offer and its answer, the reintegration plan and support, the return and the
follow-up reports of the repatriation organisation (domain.md section 5)."""

import base64
import functools

from babel.numbers import list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.deadlines import follow_up_last_day, reintegration_last_day
from cases.models import Case
from cmm import validators as checks
from cmm.choices import choice_display
from privacy.fields import EncryptedMixin, EncryptedTextField


@functools.cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes in use (Babel's list, from the CLDR: withdrawn currencies left out)."""
    return frozenset(list_currencies())


def currency_code(value: str) -> None:
    if value not in currency_codes():
        raise ValidationError(
            _("Skriv valutaen som en gyldig ISO 4217-kode med tre bogstaver, for eksempel EUR, NGN eller USD."),
            code="currency",
        )


class EncryptedBinaryField(EncryptedMixin, models.TextField):
    """Bytes (an attachment's content), stored as an encrypted token of their base64 text: never in clear.

    The column is text like every encrypted column, so key rotation and the census cover it (privacy.services).
    """

    def to_plaintext(self, value) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):  # "" clears it (the retention job); nothing else is text
            return value
        return base64.b64encode(bytes(value)).decode("ascii") if value else ""

    def from_plaintext(self, text: str) -> bytes:
        return base64.b64decode(text) if text else b""

    def to_python(self, value):
        return value


class Repatriation(models.Model):
    """The offer of a prepared repatriation on one case, its answer, and after an acceptance the plan and return."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Afventer svar")
        ACCEPTED = "accepted", _("Accepteret")
        DECLINED = "declined", _("Afslået")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="repatriation", primary_key=True)
    offered_on = models.DateField(_("tilbudt"), validators=[checks.decided])
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("svar"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_on = models.DateField(_("svar givet"), null=True, blank=True)
    # The person's own reasons for the answer, if they gave any.
    reasons = EncryptedTextField(_("personens begrundelse"), blank=True, validators=checks.FREE_TEXT)
    reintegration_plan = EncryptedTextField(_("reintegrationsplan"), blank=True, validators=checks.FREE_TEXT)
    planned_departure_on = models.DateField(_("planlagt udrejse"), null=True, blank=True)
    # The actual departure, which is the return to the country of origin: reintegration and follow-up run from it.
    returned_on = models.DateField(_("hjemrejst"), null=True, blank=True)
    destination = CountryField(_("destinationsland"), blank=True)
    # Every write bumps it, in the same conditional UPDATE as the case's own version (repatriation.services).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("forberedt hjemrejse")
        verbose_name_plural = _("forberedte hjemrejser")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer="pending", answered_on__isnull=True)
                | (~models.Q(answer="pending") & models.Q(answered_on__gte=models.F("offered_on"))),
                name="repatriation_answered_after_offer",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_on__isnull=True)
                | models.Q(answer="accepted", returned_on__gte=models.F("answered_on")),
                name="repatriation_return_after_acceptance",
            ),
            models.CheckConstraint(condition=checks.date_in_range("offered_on"), name="repatriation_offered_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_answer_display()}"

    get_answer_display = choice_display("answer", Answer.choices)

    @property
    def is_accepted(self) -> bool:
        return self.answer == self.Answer.ACCEPTED

    @property
    def reintegration_last_day(self):
        """The last day of reintegration support (six months from the return), None before the return."""
        return reintegration_last_day(self.returned_on) if self.returned_on else None

    @property
    def follow_up_last_day(self):
        """The last day of follow-up (six months after the support), None before the return."""
        return follow_up_last_day(self.returned_on) if self.returned_on else None


class ReintegrationSupport(models.Model):
    """One item of reintegration support, with its amount; paid to a family member only with a recorded reason."""

    class Kind(models.TextChoices):
        HOUSING = "housing", _("Bolig")
        BUSINESS = "business", _("Start af egen virksomhed")
        EDUCATION = "education", _("Uddannelse")
        MINOR_EXPENSES = "minor_expenses", _("Mindre udgifter")
        FOOD = "food", _("Mad")
        SCHOOL_FEES = "school_fees", _("Skolepenge til børn")

    repatriation = models.ForeignKey(Repatriation, on_delete=models.CASCADE, related_name="support_items")
    kind = models.CharField(_("støtte"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("beløb"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("valuta"), max_length=3, validators=[currency_code])
    paid_to_family_member = models.BooleanField(_("udbetales til et familiemedlem"), default=False)
    family_member_reason = EncryptedTextField(
        _("begrundelse for udbetaling til familiemedlem"), blank=True, validators=checks.FREE_TEXT
    )
    note = EncryptedTextField(_("bemærkning"), blank=True, validators=checks.FREE_TEXT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reintegrationsstøtte")
        verbose_name_plural = _("reintegrationsstøtte")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="support_amount_positive"),
            # The reason is ciphertext, which cannot be compared: an empty text is stored empty.
            models.CheckConstraint(
                condition=models.Q(paid_to_family_member=False)
                | models.Q(GreaterThan(Length("family_member_reason"), 0)),
                name="support_family_member_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.currency}"

    get_kind_display = choice_display("kind", Kind.choices)


class FollowUpReport(models.Model):
    """A report from the repatriation organisation (or case work) on the person's reintegration after the return."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_up_reports")
    written_on = models.DateField(_("rapportdato"), validators=[checks.decided])
    text = EncryptedTextField(_("rapport"), validators=checks.FREE_TEXT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("opfølgningsrapport")
        verbose_name_plural = _("opfølgningsrapporter")
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["case", "-written_on"], name="follow_up_case_recent")]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.written_on}"


class FollowUpAttachment(models.Model):
    """A PDF, JPEG or PNG attached to a report: checked by content, images re-encoded without metadata, and
    stored encrypted. Served only by repatriation.views.attachment_download, under a name of its own."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="attachments")
    number = models.PositiveSmallIntegerField(_("nummer"))
    kind = models.CharField(_("filtype"), max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(_("størrelse (byte)"))
    content = EncryptedBinaryField(_("indhold"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="attachment_number_per_report")]

    def __str__(self) -> str:
        return self.filename

    CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
    EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]

    @property
    def filename(self) -> str:
        """The report's date and the attachment's number: never the uploaded name, which could identify."""
        return f"opfoelgning-{self.report.written_on:%Y-%m-%d}-{self.number}.{self.EXTENSIONS[self.kind]}"
