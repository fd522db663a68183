"""The case list's search and filters, shared by the browser list and the API."""

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.models import COMPETENT_AUTHORITIES
from cmm.forms import DkfdsForm
from cmm.widgets import FastSelect

from .codes import ExploitationForm
from .models import Case, Deadline, country_choices
from .services import person_search

# A case number, or the start or end of one: "CMM-2026-0004", "2026-0004", "2026-4", "2026", "0004", "4".
CASE_NUMBER = re.compile(
    r"^\s*(?:CMM-)?(?:(?P<year>\d{4})-(?P<serial>\d{1,6})?|(?P<digits>\d{1,6}))\s*$", re.IGNORECASE
)


def case_number_filter(value: str) -> Q | None:
    """The cases whose number the user typed, whole or in part; None if `value` is no case number.

    A year and serial ("2026-4") find that case; digits alone find the serial in any year ("4", "0004"),
    and four digits that could be a year ("2026") that year's cases too.
    """
    match = CASE_NUMBER.match(value)
    if match is None:
        return None
    if match["year"]:
        if match["serial"]:
            return Q(number=f"CMM-{match['year']}-{int(match['serial']):04d}")
        return Q(number__startswith=f"CMM-{match['year']}-")
    digits = match["digits"]
    found = Q(number__regex=rf"^CMM-\d{{4}}-0*{int(digits)}$")
    if len(digits) == 4:
        found |= Q(number__startswith=f"CMM-{digits}-")
    return found


class CountryChoices(BaseChoiceIterator):
    """The countries in the active language (cases.models.country_choices, built once per language).

    An iterator because Django's normalize_choices() leaves iterators alone: given the function or the
    list, it checks and copies all 250 pairs again each time the select is rendered (0.3 ms a page).
    """

    def __iter__(self):
        return iter(country_choices())


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Søg"),
        method="filter_q",
        help_text=_("Sagsnummer, eller et navn, CPR- eller pasnummer skrevet helt ud"),
        # What is typed here may be a name: the browser neither keeps it for autofill nor restores it on
        # Back, and sends it to no spelling service.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # Selects render with FastSelect (cmm/widgets.py): the same markup without a template per option.
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, empty_label=_("Alle"), widget=FastSelect
    )
    competent_authority = django_filters.ChoiceFilter(
        label=_("Kompetent myndighed"),
        choices=COMPETENT_AUTHORITIES,
        empty_label=_("Alle"),
        widget=FastSelect,
    )
    exploitation_form = django_filters.ChoiceFilter(
        label=_("Udnyttelsesform"),
        choices=ExploitationForm.choices,
        method="filter_form",
        empty_label=_("Alle"),
        widget=FastSelect,
    )
    nationality = django_filters.ChoiceFilter(
        label=_("Statsborgerskab"),
        choices=CountryChoices(),
        method="filter_nationality",
        empty_label=_("Alle"),
        widget=FastSelect,
    )
    deadline = django_filters.ChoiceFilter(
        label=_("Frist"),
        choices=[
            ("overdue", _("Overskredet")),
            ("7d", _("Inden for 7 dage")),
            ("30d", _("Inden for 30 dage")),
        ],
        method="filter_deadline",
        empty_label=_("Alle"),
        widget=FastSelect,
    )

    class Meta:
        model = Case
        fields = ["q", "status", "competent_authority", "exploitation_form", "nationality", "deadline"]
        form = DkfdsForm

    @staticmethod
    def is_case_number(value: str) -> bool:
        """Is this (the start of) a case number, and so no identifying value? An empty search is one too."""
        return not value.strip() or bool(CASE_NUMBER.match(value))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Names and numbers are encrypted: the search looks up their blind indexes (cases.services.person_search).
        # Digits may be a case number or an identity number: both are looked for.
        found = person_search(value, via="person__")
        by_number = case_number_filter(value)
        return queryset.filter(found | by_number if by_number is not None else found)

    def filter_form(self, queryset, name, value):
        return queryset.filter(referral__exploitation_forms__contains=[value])

    def filter_nationality(self, queryset, name, value: str):
        return queryset.filter(person__nationalities__contains=[value])

    def filter_deadline(self, queryset, name, value):
        now = timezone.now()
        pending = Deadline.objects.filter(case=OuterRef("pk"), closed_at__isnull=True)
        if value == "overdue":
            due = pending.filter(Q(status=Deadline.Status.MISSED) | Q(status=Deadline.Status.OPEN, due_at__lt=now))
        else:
            days = 7 if value == "7d" else 30
            due = pending.filter(status=Deadline.Status.OPEN, due_at__lt=now + dt.timedelta(days=days))
        return queryset.filter(Exists(due))
