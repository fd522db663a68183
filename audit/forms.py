from django import forms
from django.utils.translation import gettext_lazy as _

from cmm import validators as checks
from cmm.forms import DateInput, DkfdsForm


class AuditSearchForm(DkfdsForm):
    """The auditor's search: by staff member, case, person (through any of their case numbers) and period."""

    user = forms.CharField(label=_("Medarbejder"), required=False, max_length=150, help_text=_("Brugernavn"))
    case_number = forms.CharField(label=_("Sag"), required=False, max_length=20, help_text=_("Sagsnummer"))
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=200,
        help_text=_("Et af personens sagsnumre, eller fulde navn eller identitetsnummer: alle personens sager søges"),
    )
    date_from = forms.DateField(
        label=_("Fra og med"), required=False, widget=DateInput, validators=[checks.search_date]
    )
    date_to = forms.DateField(label=_("Til og med"), required=False, widget=DateInput, validators=[checks.search_date])
    page = forms.IntegerField(required=False, min_value=1, max_value=checks.PAGE_MAX, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("Perioden kan ikke slutte, før den begynder."))
        return data
