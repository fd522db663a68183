"""The speed-ups for list pages give exactly what Django's own code gives.

FastSelect (cmm/widgets.py) against forms.Select, `fastdate` (cases/templatetags) against `date`, the rows
built in Python (cases/templatetags/case_tables.py) against the template loops they replace, and the
models' get_FOO_display() (cmm/choices.py) against the labels of the field's choices.
"""

import datetime as dt
import itertools

import pytest
from django import forms
from django.template import engines
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import Team, User
from cases.filters import CaseFilter
from cases.models import Case, CaseEvent, Deadline, Person, Referral, country_choices
from cmm.widgets import FastSelect
from identification.models import Assessment, Period

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
def test_the_nationality_filter_offers_every_country_in_the_active_language(language):
    with translation.override(language):
        field = CaseFilter().form.fields["nationality"]
        assert list(field.choices) == [("", str(field.empty_label)), *country_choices()]
        assert field.valid_value("NG") and not field.valid_value("XX")


# The named formats the pages use (cmm/formats), and formats spelled out, escapes included.
NAMED_FORMATS = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "LOG_DATETIME_FORMAT",
    "HOUR_DEADLINE_FORMAT",
]
SPELLED_OUT = ["j. M Y H:i", "j. F Y", "j. N Y", "d.m.Y", "Y-m-d H:i:s", "j. b y G:i", r"H:i \k\l\\", "D j. M"]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("fmt", NAMED_FORMATS + SPELLED_OUT)
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
    if not any(char in get_format(fmt, lang=language) for char in "HGis"):
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
        (User, "role"),
        (User, "agency"),
        (Team, "agency"),
        (Person, "gender"),
        (Referral, "source"),
        (Referral, "channel"),
        (Referral, "residence_status"),
        (Referral, "recruiter_relation"),
        (Assessment, "decision"),
        (Assessment, "assessing_authority"),
        (Period, "kind"),
    ],
)
def test_get_display_gives_the_choice_label(model, field):
    for language in ["da", "en", "da"]:
        with translation.override(language):
            for value, label in model._meta.get_field(field).choices:
                assert getattr(model(**{field: value}), f"get_{field}_display")() == str(label)
            assert getattr(model(**{field: "unknown"}), f"get_{field}_display")() == "unknown"


# The template loops that cases/templatetags/case_tables.py replaces, as they were.
CASE_ROWS_LOOP = """{% load fastdate %}{% for case in cases %}
    <tr>
      <td><a href="/sager/{{ case.number }}/">{{ case.number }}</a></td>
      <td>{{ case.person.given_name }} {{ case.person.family_name }}</td>
      <td>{{ case.get_status_display }}</td>
      <td>{{ case.get_competent_authority_display }}</td>
      <td>{{ case.person.nationality_names|join:", " }}</td>
      <td>{% if case.next_due %}{{ case.next_due|fastdate:"SHORT_DATETIME_FORMAT" }}{% else %}–{% endif %}</td>
    </tr>
{% endfor %}"""  # noqa: E501
TIMELINE_LOOP = """{% load i18n fastdate %}{% for event in timeline %}
  <li>
    <strong>{{ event.get_event_type_display }}</strong> · {{ event.created_at|fastdate:"DATETIME_FORMAT" }} · {% if event.actor %}{{ event.actor }}{% else %}{% translate "systemet" %}{% endif %}
    {% if event.reason %}<br>{{ event.reason|truncatewords:40 }}{% endif %}
  </li>
{% endfor %}"""  # noqa: E501
NASTY = '<b>Ada & "Bo"</b> O\'Neil'


def rows_fixture():
    now = timezone.now()
    actor = User(pk=1, username="u", first_name="Søren <&>", last_name="O'Hara")
    cases = []
    for i, (status, authority) in enumerate(zip(Case.Status.values, ["CMM", "DIS", "CMM", "DIS", "CMM"], strict=True)):
        case = Case(number=f"CMM-2025-{i:04d}", status=status, competent_authority=authority)
        case.person = Person(given_name=NASTY, family_name=f"Family{i}", nationalities=["NG", "RO"][: i % 2 + 1])
        case.next_due = now + dt.timedelta(days=i - 2) if i else None
        cases.append(case)
    kinds = [value for value, _label in Deadline._meta.get_field("kind").choices]
    states = [("open", -5), ("open", 30), ("missed", -50), ("met", 3)]  # overdue, due, missed, met
    deadlines = [
        Deadline(case=cases[i % len(cases)], kind=kind, status=status, due_at=now + dt.timedelta(hours=hours))
        for i, (kind, (status, hours)) in enumerate(itertools.product(kinds, states))
    ]
    long_reason = " ".join(f"word{i}" for i in range(60)) + " <script>x</script>"
    events = [
        CaseEvent(event_type=kind, created_at=now - dt.timedelta(days=i), actor=actor if i % 2 else None, reason=reason)
        for i, (kind, reason) in enumerate(
            zip(CaseEvent.Type.values, ["", NASTY, long_reason, "Kort\nbegrundelse"] * 5, strict=False)
        )
    ]
    return cases, deadlines, events


@pytest.mark.parametrize("language", ["da", "en"])
def test_python_rows_render_what_the_template_loops_render(settings, language):
    settings.TIME_ZONE = "Europe/Copenhagen"
    cases, deadlines, events = rows_fixture()
    engine = engines["django"]
    with translation.override(language):
        pairs = [
            (CASE_ROWS_LOOP, "{% load case_tables %}{% case_rows cases %}"),
            (TIMELINE_LOOP, "{% load case_tables %}{% timeline_entries timeline %}"),
        ]
        context = {"cases": cases, "deadlines": deadlines, "timeline": events}
        for loop, tag in pairs:
            expected = engine.from_string(loop).render(context)
            fast = engine.from_string(tag).render(context)
            assert lines(fast) == lines(expected)
            assert "<b>" not in fast and "<script>" not in fast  # escaped like the template
