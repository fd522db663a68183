"""Support services and the individual action plan (issue 8, section 4 of the domain).

An action plan's versions are never overwritten: there is no update path in the code (support.services makes
a new version; no view or endpoint edits one), `(plan, number)` is unique, and a database trigger
(migration 0001) refuses any UPDATE that changes a version's columns other than its encrypted content. The
content may still be re-encrypted under a new key (privacy.services.field_keys_rotate) and cleared by the
retention job; the dates, flags and numbers stay as they were made.
"""

import datetime as dt
import json

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cmm import validators as checks
from cmm.choices import choice_display
from privacy.fields import EncryptedMixin, EncryptedTextField

GOAL_MAX_LENGTH = 1_000
ACTIVITY_MAX_LENGTH = 1_000
RESPONSIBLE_MAX_LENGTH = 200
PLAN_ROWS_MAX = 20  # goals, activities and review dates each


class SupportService(models.Model):
    """A support service offered to or received by the person: accommodation, help, advice."""

    class Type(models.TextChoices):
        SHELTER = "shelter", _("Indkvartering: krisecenter")
        ASYLUM_SYSTEM = "asylum_system", _("Indkvartering: asylcenter")
        SMALL_GROUP_HOUSING = "small_group_housing", _("Indkvartering: mindre bofællesskab")
        MEDICAL = "medical", _("Lægehjælp")
        LEGAL = "legal", _("Juridisk bistand")
        PSYCHOLOGICAL = "psychological", _("Psykologbistand")
        EDUCATION = "education", _("Undervisning")
        INTERPRETER = "interpreter", _("Tolk")
        WITNESS_ADVICE = "witness_advice", _("Rådgivning om at være vidne")
        COMPENSATION_ADVICE = "compensation_advice", _("Rådgivning om erstatning")

    class Status(models.TextChoices):
        OFFERED = "offered", _("Tilbudt")
        ACCEPTED = "accepted", _("Accepteret")
        DECLINED = "declined", _("Afslået")
        ENDED = "ended", _("Afsluttet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_services")
    type = models.CharField(_("støtte"), max_length=32, choices=Type.choices)
    provider = models.CharField(_("udbyder"), max_length=200, validators=[checks.one_line_text])
    starts_on = models.DateField(_("fra og med"))
    ends_on = models.DateField(_("til og med"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OFFERED)
    note = EncryptedTextField(_("bemærkning"), blank=True, validators=checks.FREE_TEXT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("registreret"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("ændret"), default=timezone.now, editable=False)
    # Optimistic locking of the row: every change bumps it; a writer holding an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("støtte")
        verbose_name_plural = _("støtte")
        ordering = ["starts_on", "id"]
        indexes = [
            models.Index(fields=["case", "starts_on"], name="support_service_case"),
            # The start page's services ending soon: the running ones, by their last day.
            models.Index(fields=["ends_on"], name="support_service_running_end", condition=models.Q(status="accepted")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="support_service_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | models.Q(ends_on__isnull=False),
                name="support_service_ended_has_end",
            ),
            models.CheckConstraint(condition=checks.date_in_range("starts_on"), name="support_service_start_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_type_display()}"

    get_type_display = choice_display("type", Type.choices)
    get_status_display = choice_display("status", Status.choices)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value stored as one encrypted token (the database never sees its structure)."""

    def to_plaintext(self, value) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""

    def from_plaintext(self, text: str):
        return json.loads(text) if text else {}

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        return value


def plan_content_check(value) -> None:
    """An action plan's content: {"goals": [text], "activities": [{"text", "responsible", "due_on"}]}."""
    if not isinstance(value, dict) or set(value) - {"goals", "activities"}:
        raise ValidationError(_("Handlingsplanens indhold har ikke den rigtige form."), code="invalid")
    goals, activities = value.get("goals", []), value.get("activities", [])
    if not isinstance(goals, list) or not isinstance(activities, list):
        raise ValidationError(_("Handlingsplanens indhold har ikke den rigtige form."), code="invalid")
    if len(goals) > PLAN_ROWS_MAX or len(activities) > PLAN_ROWS_MAX:
        raise ValidationError(_("Handlingsplanen har for mange rækker."), code="invalid")
    for goal in goals:
        if not isinstance(goal, str) or not goal.strip() or len(goal) > GOAL_MAX_LENGTH:
            raise ValidationError(_("Et mål skal være en tekst på højst 1000 tegn."), code="invalid")
        checks.free_text(goal)
    for activity in activities:
        if not isinstance(activity, dict) or set(activity) != {"text", "responsible", "due_on"}:
            raise ValidationError(_("Handlingsplanens indhold har ikke den rigtige form."), code="invalid")
        text, responsible, due_on = activity["text"], activity["responsible"], activity["due_on"]
        if not isinstance(text, str) or not text.strip() or len(text) > ACTIVITY_MAX_LENGTH:
            raise ValidationError(_("En aktivitet skal være en tekst på højst 1000 tegn."), code="invalid")
        if not isinstance(responsible, str) or not responsible.strip() or len(responsible) > RESPONSIBLE_MAX_LENGTH:
            raise ValidationError(_("Skriv hvem der er ansvarlig for hver aktivitet."), code="invalid")
        checks.free_text(text)
        checks.one_line_text(responsible)
        if due_on is not None:
            try:
                dt.date.fromisoformat(due_on)
            except (TypeError, ValueError):
                raise ValidationError(
                    _("Handlingsplanens indhold har ikke den rigtige form."), code="invalid"
                ) from None


class ActionPlan(models.Model):
    """The person's individual action plan: one per case, made in versions (ActionPlanVersion)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="action_plan", primary_key=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")

    def __str__(self) -> str:
        return f"{self.case_id}"


class ActionPlanVersion(models.Model):
    """One version of the plan as it was made with the person; a new version never overwrites an old one."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("udgave"))
    made_on = models.DateField(_("udarbejdet"))
    made_with_person = models.BooleanField(_("udarbejdet med personen"), default=False)
    made_with_representative = models.BooleanField(_("udarbejdet med repræsentanten"), default=False)
    # Goals and activities (free text about the person): encrypted, validated by plan_content_check.
    content = EncryptedJSONField(_("mål og aktiviteter"), default=dict, validators=[plan_content_check])
    review_dates = ArrayField(models.DateField(), verbose_name=_("opfølgningsdatoer"), default=list, size=PLAN_ROWS_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("gemt"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("udgave af handlingsplan")
        verbose_name_plural = _("udgaver af handlingsplan")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_plan_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="action_plan_version_number_positive"),
            models.CheckConstraint(
                condition=models.Q(made_with_person=True) | models.Q(made_with_representative=True),
                name="action_plan_version_made_with_someone",
            ),
            models.CheckConstraint(condition=checks.date_in_range("made_on"), name="action_plan_version_made_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"

    @property
    def goals(self) -> list[str]:
        return (self.content or {}).get("goals", [])

    @property
    def activities(self) -> list[dict]:
        """The activities, each with its due date as a date (or None)."""
        return [
            {**row, "due_on": dt.date.fromisoformat(row["due_on"]) if row.get("due_on") else None}
            for row in (self.content or {}).get("activities", [])
        ]
