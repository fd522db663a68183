"""The speed-ups for list pages give exactly what Django's own code gives.

FastSelect (cmm/widgets.py) against forms.Select, `fastdate` (cases/templatetags) against `date`, and the
models' get_FOO_display() against the labels of the field's choices.
"""

import datetime as dt

import pytest
from django import forms
from django.template import engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cases.models import Case, CaseEvent, Deadline, country_choices
from cmm.widgets import FastSelect

CHOICES = [
    ("", gettext_lazy("Alle")),
    *country_choices(),
    ("Gruppe", [("a", "A & B 'c'"), ("b", mark_safe("<b>B</b>"))]),
    (None, "Ingen"),
]


def lines(html: str) -> list[str]:
    return [line.strip() for line in html.splitlines() if line.strip()]


@pytest.mark.parametrize("value", [None, "", "DK", "a", ["a"], 'x"<'])
@pytest.mark.parametrize(
    "attrs", [{"id": "id_n"}, {"id": "id_n", "required": True, "disabled": False, "aria-describedby": 'x "y"'}]
)
def test_fast_select_renders_what_django_renders(value, attrs):
    django_html = forms.Select(attrs={"class": "form-select"}, choices=CHOICES).render("n", value, attrs)
    fast_html = FastSelect(attrs={"class": "form-select"}, choices=CHOICES).render("n", value, attrs)
    assert lines(fast_html) == lines(django_html)


def test_country_choices_are_named_and_sorted_in_the_active_language():
    with translation.override("da"):
        danish = dict(country_choices())
        danish_order = [code for code, _name in country_choices()]
    with translation.override("en"):
        english = dict(country_choices())

    assert (danish["DE"], english["DE"]) == ("Tyskland", "Germany")
    assert danish_order.index("DE") > danish_order.index("SE")  # Tyskland after Sverige


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("fmt", ["j. M Y H:i", "j. F Y H:i", "j. F Y", "d.m.Y", "Y-m-d H:i:s", "j. b y G:i", "D j. M"])
def test_fastdate_formats_like_the_date_filter(settings, language, fmt):
    settings.TIME_ZONE = "Europe/Copenhagen"
    values = [
        dt.datetime(2024, 3, 31, 0, 30, tzinfo=dt.UTC),  # the night summer time starts
        dt.datetime(2024, 10, 27, 1, 5, tzinfo=dt.UTC),
        dt.datetime(2025, 5, 1, 22, 59, 7, tzinfo=dt.UTC),
        timezone.now(),
        None,
        "",
    ]
    if not any(char in fmt for char in "HGis"):
        values += [dt.date(2024, month, 9) for month in range(1, 13)]
    engine = engines["django"]
    with translation.override(language):
        expected = engine.from_string("{% for v in values %}{{ v|date:fmt }}|{% endfor %}")
        fast = engine.from_string("{% load fastdate %}{% for v in values %}{{ v|fastdate:fmt }}|{% endfor %}")
        assert fast.render({"values": values, "fmt": fmt}) == expected.render({"values": values, "fmt": fmt})


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Case, "status"),
        (Case, "competent_authority"),
        (Deadline, "kind"),
        (Deadline, "status"),
        (CaseEvent, "event_type"),
    ],
)
def test_get_display_gives_the_choice_label(model, field):
    for value, label in model._meta.get_field(field).choices:
        assert getattr(model(**{field: value}), f"get_{field}_display")() == str(label)
    assert getattr(model(**{field: "unknown"}), f"get_{field}_display")() == "unknown"
