import datetime as dt

from django import forms
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cmm.forms import DateInput, DkfdsForm

from .models import ReportJob

# CMM was set up in 2007, and the action plan counts from then: no case is older.
EARLIEST = dt.date(2007, 1, 1)
MAX_YEARS = 10


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ReportForm(DkfdsForm):
    """A calendar year, or a period from and to; and the report's language. Every problem shown at once."""

    kind = forms.ChoiceField(
        label=_("Periode"),
        choices=[("year", _("Et kalenderår")), ("period", _("En anden periode"))],
        widget=forms.RadioSelect,
        initial="year",
    )
    year = forms.TypedChoiceField(
        label=_("År"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Kun hele år, der er slut. Året indtil nu: vælg en anden periode."),
        error_messages={"invalid_choice": _("Vælg et af årene på listen.")},
    )
    start = forms.DateField(label=_("Fra og med"), widget=DateInput, required=False)
    end = forms.DateField(label=_("Til og med"), widget=DateInput, required=False)
    language = forms.ChoiceField(
        label=_("Rapportens sprog"), choices=ReportJob.Language.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["year"].choices = [(year, str(year)) for year in range(self.today.year - 1, EARLIEST.year - 1, -1)]
        self.fields["year"].required_by = "kind"  # not "valgfri": asked for by the choice above
        self.fields["start"].required_by = self.fields["end"].required_by = "kind"
        language = translation.get_language() or "da"
        self.fields["language"].initial = language if language in ReportJob.Language.values else "da"

    def clean(self):
        data = super().clean()
        if data.get("kind") == "year":
            if data.get("year") is None and "year" not in self.errors:
                self.add_error("year", _("Vælg et år."))
            elif data.get("year") is not None:
                data["start"], data["end"] = dt.date(data["year"], 1, 1), dt.date(data["year"], 12, 31)
            return data
        if data.get("kind") != "period":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Udfyld fra og med."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Udfyld til og med."))
        if start is not None:
            if start < EARLIEST:
                self.add_error(
                    "start",
                    _("Statistikken begynder %(day)s. Vælg en dato fra da.")
                    % {"day": date_format(EARLIEST, "DATE_FORMAT")},
                )
            elif start > self.today:
                self.add_error("start", _("Perioden kan ikke begynde efter i dag."))
        if end is not None and end > self.today:
            self.add_error("end", _("Perioden kan ikke slutte efter i dag. Vælg i dag eller en tidligere dato."))
        if start is not None and end is not None:
            if end < start:
                self.add_error("end", _("Til og med skal være samme dag som fra og med eller senere."))
            elif end >= _years_after(start, MAX_YEARS):
                self.add_error(
                    "end", _("Perioden kan højst være %(years)s år. Vælg en kortere periode.") % {"years": MAX_YEARS}
                )
        return data
