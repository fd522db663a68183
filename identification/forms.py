from django import forms
from django.utils.translation import gettext_lazy as _

from cmm import validators as checks
from cmm.forms import DateInput, FreeTextField, OneLineField, TimeInput, VersionedForm

from . import services
from .models import Assessment, Indicator


class AssessmentForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=Assessment.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg afgørelsen."),
            "invalid_choice": _("Vælg en af afgørelserne på listen."),
        },
    )
    decided_on = forms.DateField(
        label=_("Afgørelsesdato"),
        widget=DateInput,
        validators=[checks.decided],
        error_messages={"required": _("Skriv datoen for afgørelsen.")},
    )
    decided_time = forms.TimeField(
        label=_("Klokkeslæt for afgørelsen"),
        widget=TimeInput,
        help_text=_("Fristen på 72 timer og underretningsfristen regnes fra afgørelsens tidspunkt."),
        error_messages={"required": _("Skriv klokkeslættet for afgørelsen.")},
    )
    interview_on = forms.DateField(
        label=_("Samtaledato"),
        required=False,
        widget=DateInput,
        validators=[checks.interviewed],
    )
    interpreter_language = OneLineField(
        label=_("Tolkesprog"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Skriv tolkesproget med højst %(limit_value)s tegn (nu %(show_value)s).")},
    )
    indicators = forms.MultipleChoiceField(
        label=_("Indikatorer"),
        choices=Indicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=[checks.unique_items],
        error_messages={"invalid_choice": _("Vælg kun indikatorer fra listen.")},
    )
    reasons = FreeTextField(
        label=_("Begrundelse"),
        rows=5,
        error_messages={
            "required": _("Skriv begrundelsen for afgørelsen."),
            "max_length": _("Begrundelsen må højst være %(limit_value)s tegn (nu %(show_value)s)."),
        },
    )

    def domain_problems(self, data):
        return services.assessment_problems(
            case=self.case,
            decided_on=data.get("decided_on"),
            decided_time=data.get("decided_time"),
            interview_on=data.get("interview_on"),
        )


class PeriodGrantForm(VersionedForm):
    starts_on = forms.DateField(
        label=_("Første dag"),
        widget=DateInput,
        help_text=_("Perioden er 30 dage og kan forlænges til højst 120 dage i alt."),
        validators=[checks.period_start],
        error_messages={"required": _("Skriv periodens første dag.")},
    )

    def domain_problems(self, data):
        return services.period_grant_problems(case=self.case, starts_on=data.get("starts_on"))


class PeriodExtendForm(VersionedForm):
    # How many days, and at most: the domain's rule with the case's numbers (period_extension_problems).
    days = forms.IntegerField(
        label=_("Forlæng med (dage)"),
        widget=forms.NumberInput(attrs={"min": 1}),
        error_messages={
            "required": _("Skriv hvor mange dage perioden skal forlænges med."),
            "invalid": _("Skriv antallet af dage som et helt tal, for eksempel 30."),
        },
    )
    exceptional_circumstances = FreeTextField(
        label=_("Særlige omstændigheder"),
        error_messages={
            "required": _("Beskriv de særlige omstændigheder."),
            "max_length": _("Beskrivelsen må højst være %(limit_value)s tegn (nu %(show_value)s)."),
        },
    )
    cooperates_on_repatriation = forms.BooleanField(
        label=_("Personen vil samarbejde om en forberedt hjemrejse"),
        error_messages={
            "required": _("Perioden kan kun forlænges, hvis personen vil samarbejde om en forberedt hjemrejse.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        period = getattr(self.case, "period", None) if self.case is not None else None
        if period is not None:
            remaining = max(services.PERIOD_MAX_DAYS - period.days_total, 1)
            self.fields["days"].widget.attrs["max"] = remaining
            self.fields["days"].help_text = _(
                "Perioden er nu %(total)s dage; du kan forlænge med højst %(remaining)s dage."
            ) % {"total": period.days_total, "remaining": remaining}

    def domain_problems(self, data):
        # The checkbox's "required" already says what the domain says: the domain checks only the rest.
        return services.period_extension_problems(
            period=self.case.period,
            days=data.get("days"),
            exceptional_circumstances=data.get("exceptional_circumstances"),
            cooperates_on_repatriation=None,
        )
