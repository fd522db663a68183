"""A small world of victims counted in plain Python, to drive reporting.disclosure without the database.

`figures_for(world, start, end)` counts the world as reporting.figures counts the database (a person once per
table; forms of exploitation counted in each; per-year rows for the ten years up to the end), in the shape the
real figures have: tables of one population share its total, key figures repeat a total and a row.
"""

import datetime as dt
from dataclasses import dataclass

from hypothesis import strategies as st

from reporting.tables import Figures, Measure, Row, Table

SEXES = ("Feminine", "Masculine", "NonSpecifiedUnknown")
FORMS = ("SexualExploitation", "ForcedLabour", "ForcedCriminality", "Other")
AGES = ("Minor", "Adult", "Unknown")
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 2 * 365


@dataclass(frozen=True)
class Victim:
    day: int  # days after FIRST_DAY of the positive decision
    sex: str
    forms: frozenset[str]
    age: str
    detained: bool  # detained, and decided on within 72 hours or not
    within_72h: bool


def victims(max_size: int = 60):
    victim = st.builds(
        Victim,
        day=st.integers(0, DAYS - 1),
        sex=st.sampled_from(SEXES),
        forms=st.frozensets(st.sampled_from(FORMS), min_size=1, max_size=2),
        age=st.sampled_from(AGES),
        detained=st.booleans(),
        within_72h=st.booleans(),
    )
    return st.lists(victim, max_size=max_size)


def periods():
    """Two overlapping periods (start, end) inside the world's days: the earlier report and the new one."""

    @st.composite
    def build(draw):
        a = draw(st.integers(0, DAYS - 2))
        b = draw(st.integers(a, DAYS - 1))
        c = draw(st.integers(0, b))
        d = draw(st.integers(max(a, c), DAYS - 1))
        day = lambda offset: FIRST_DAY + dt.timedelta(days=offset)  # noqa: E731
        return (day(a), day(b)), (day(c), day(d))

    return build()


def _table(key, codes, counts, total, *, multiple=False, population="identified"):
    return Table(
        key=key,
        title=key,
        rows=tuple(Row(code, code, counts.get(code, 0)) for code in codes),
        total=total,
        multiple=multiple,
        population=population,
    )


def _count(people, attribute, codes):
    return {code: sum(1 for person in people if code in attribute(person)) for code in codes}


def figures_for(world: list[Victim], start: dt.date, end: dt.date) -> Figures:
    def on(person):
        return FIRST_DAY + dt.timedelta(days=person.day)

    people = [person for person in world if start <= on(person) <= end]
    total = len(people)
    sex = _count(people, lambda person: {person.sex}, SEXES)
    age = _count(people, lambda person: {person.age}, AGES)
    forms = _count(people, lambda person: person.forms, FORMS)
    years = range(end.year - 9, end.year + 1)
    per_year = {
        str(year): sum(1 for person in world if on(person).year == year and on(person) <= end) for year in years
    }
    ten_years = sum(1 for person in world if dt.date(end.year - 9, 1, 1) <= on(person) <= end)
    detained = [person for person in people if person.detained]
    in_time = sum(1 for person in detained if person.within_72h)
    return Figures(
        start=start,
        end=end,
        language="da",
        key_figures=Table(
            key="key_figures",
            title="key",
            rows=(Row("identified", "identified", total), Row("age_group.Minor", "minors", age["Minor"])),
            total=None,
            chart=False,
        ),
        per_year=Table(
            key="per_year",
            title="per year",
            rows=tuple(Row(code, code, count) for code, count in per_year.items()),
            total=ten_years,
            multiple=True,
            population="identified",
        ),
        tables=(
            _table("sex", SEXES, sex, total),
            _table("age_group", AGES, age, total),
            _table("exploitation", FORMS, forms, total, multiple=True),
        ),
        measures=(
            Measure("decision_days", "days", 12.0 if total else None, "days", total, population="identified"),
            Measure(
                "identified_within_72h",
                "share",
                100.0 * in_time / len(detained) if detained else None,
                "percent",
                len(detained),
            ),
        ),
        rules=("rule",),
    )
