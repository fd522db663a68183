from django import forms
from django.utils.translation import gettext_lazy as _

from cmm import validators as checks
from cmm.forms import DateInput, FreeTextField, OneLineField, TimeInput, VersionedForm

from .models import Assessment, Indicator


class AssessmentForm(VersionedForm):
    decision = forms.ChoiceField(label=_("Afgørelse"), choices=Assessment.Decision.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Afgørelsesdato"), widget=DateInput, validators=[checks.decided])
    decided_time = forms.TimeField(
        label=_("Klokkeslæt for afgørelsen"),
        widget=TimeInput,
        help_text=_("Fristen på 72 timer og underretningsfristen regnes fra afgørelsens tidspunkt."),
    )
    interview_on = forms.DateField(
        label=_("Samtaledato"), required=False, widget=DateInput, validators=[checks.interviewed]
    )
    interpreter_language = OneLineField(label=_("Tolkesprog"), max_length=100, required=False)
    indicators = forms.MultipleChoiceField(
        label=_("Indikatorer"),
        choices=Indicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=[checks.unique_items],
    )
    reasons = FreeTextField(label=_("Begrundelse"), rows=5)


class PeriodGrantForm(VersionedForm):
    starts_on = forms.DateField(
        label=_("Første dag"),
        widget=DateInput,
        help_text=_("Perioden er 30 dage og kan forlænges til højst 120 dage i alt."),
        validators=[checks.period_start],
    )


class PeriodExtendForm(VersionedForm):
    days = forms.IntegerField(label=_("Forlæng med (dage)"), min_value=1, max_value=90)
    exceptional_circumstances = FreeTextField(
        label=_("Særlige omstændigheder"),
        error_messages={"required": _("Beskriv de særlige omstændigheder.")},
    )
    cooperates_on_repatriation = forms.BooleanField(
        label=_("Personen vil samarbejde om en forberedt hjemrejse"),
        error_messages={
            "required": _("Perioden kan kun forlænges, hvis personen vil samarbejde om en forberedt hjemrejse.")
        },
    )
