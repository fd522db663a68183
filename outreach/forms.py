from django import forms
from django.contrib.postgres.validators import ArrayMaxLengthValidator
from django.utils.translation import gettext_lazy as _

from cases.forms import AUTOCOMPLETE_HINT
from cases.models import language_choices
from cmm import validators as checks
from cmm.forms import DateInput, DateTimeInput, DkfdsForm
from cmm.widgets import FastSelectMultiple

from .models import CONTACTS_MAX, LANGUAGES_MAX, PEOPLE_MAX, PlaceKind, PoliceDistrict, operation_time, tally_date
from .services import assignable_staff


def _choose(choices) -> list[tuple[str, str]]:
    return [("", _("Vælg")), *choices]


def languages_field(label, help_text):
    return forms.MultipleChoiceField(
        label=label,
        choices=language_choices,
        required=False,
        widget=FastSelectMultiple(
            attrs={
                "data-autocomplete": "multiple",
                "data-remove": _("Fjern"),
                "data-chosen": _("Valgte sprog"),
                "data-no-results": _("Intet sprog passer"),
                "data-assistive-hint": AUTOCOMPLETE_HINT,
            }
        ),
        help_text=help_text,
        validators=[checks.unique_items, ArrayMaxLengthValidator(LANGUAGES_MAX)],
    )


def count_field(label, *, min_value: int, max_value: int, help_text):
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-input input-width-xs"}),
        help_text=help_text,
    )


class OperationNoticeForm(DkfdsForm):
    """A planned operation: when, where (district and kind of place), how many, which languages. No names."""

    starts_at = forms.DateTimeField(
        label=_("Tidspunkt"),
        widget=DateTimeInput,
        validators=[operation_time],
        help_text=_("Hvornår aktionen begynder."),
        error_messages={"required": _("Skriv, hvornår aktionen begynder.")},
    )
    district = forms.ChoiceField(label=_("Politikreds"), choices=_choose(PoliceDistrict.choices))
    place_kind = forms.ChoiceField(
        label=_("Type sted"),
        choices=_choose(PlaceKind.choices),
        help_text=_("Ingen adresse: kun hvilken slags sted."),
    )
    expected_people = count_field(
        _("Forventet antal personer"),
        min_value=1,
        max_value=PEOPLE_MAX,
        help_text=_("Hvor mange personer I regner med at møde."),
    )
    languages = languages_field(
        _("Sprog, der er brug for"), _("De sprog, der kan blive brug for tolk til. Skriv sprogets navn, og vælg det.")
    )


class OperationStaffForm(DkfdsForm):
    staff = forms.ModelMultipleChoiceField(
        label=_("CMM-medarbejdere"),
        queryset=assignable_staff(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De medarbejdere, der deltager. De får et varsel før aktionen."),
    )


class TallyForm(DkfdsForm):
    """An outreach tally: counts only."""

    date = forms.DateField(label=_("Dato"), widget=DateInput, validators=[tally_date])
    district = forms.ChoiceField(label=_("Område (politikreds)"), choices=_choose(PoliceDistrict.choices))
    place_kind = forms.ChoiceField(label=_("Type sted"), choices=_choose(PlaceKind.choices))
    contacts = count_field(
        _("Antal kontakter"),
        min_value=0,
        max_value=CONTACTS_MAX,
        help_text=_("Hvor mange personer I talte med. Ingen navne."),
    )
    languages = languages_field(_("Sprog"), _("De sprog, samtalerne foregik på."))
