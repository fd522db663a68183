"""Attacks on published figures: every one must fail.

The attacker holds what a report shows (and, for differencing, two reports of overlapping periods for the same
user) and knows the rules: rows of a table add up to its total (multi-count tables: if no one is counted twice,
the worst case), zeros are shown wherever a table shows any row, a cell repeated elsewhere is the same number.
The figures are built in plain Python (tests/reporting/world.py) and fed to the disclosure functions directly.
"""

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.disclosure import THRESHOLD, publish_against
from reporting.tables import Cell, Figures, Published, PublishedMeasure, PublishedRow, PublishedTable

from .world import Victim, figures_for, periods, victims

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _small(value: int) -> bool:
    return 1 <= abs(value) < THRESHOLD


def _true_rows(figures: Figures, key: str):
    table = figures.per_year if key == "per_year" else next(t for t in figures.tables if t.key == key)
    return {row.code: row.count for row in table.rows}, table.total


def _tables(published: Published) -> list[PublishedTable]:
    return [published.per_year, *published.tables]


def _bounds(table: PublishedTable) -> dict[str, tuple[int, int]]:
    """What the totals-minus-shown arithmetic tells of each hidden row: its least and greatest possible value."""
    if table.total is None or table.total.value is None:
        return {}
    hidden = [row.code for row in table.rows if row.cell.value is None]
    if not hidden:
        return {}
    shown = sum(row.cell.value for row in table.rows if row.cell.value is not None)
    rest = table.total.value - shown
    # Zeros are shown unless the whole table is hidden; then a hidden row may be 0.
    least = 0 if len(hidden) == len(table.rows) else 1
    if len(hidden) == 1:
        return {hidden[0]: (rest, rest)}
    return {code: (least, rest - (len(hidden) - 1) * least) for code in hidden}


def _subset_sums_fixed(table: PublishedTable) -> list[tuple[str, ...]]:
    """Proper subsets of the hidden rows whose sum the arithmetic fixes (a linear combination it recovers)."""
    bounds = _bounds(table)
    hidden = sorted(bounds)
    if not hidden:
        return []
    if len(hidden) == 1:
        return []
    least = next(iter(bounds.values()))[0]
    rest = next(iter(bounds.values()))[1] + (len(hidden) - 1) * least
    fixed = []
    for size in range(1, len(hidden)):
        for subset in itertools.combinations(hidden, size):
            if size * least == rest - (len(hidden) - size) * least:
                fixed.append(subset)
    return fixed


def _recoveries(published: Published, figures: Figures) -> list[str]:
    """Every hidden row the arithmetic pins down, or shows to be under the threshold."""
    found = []
    for table in _tables(published):
        truth, _total = _true_rows(figures, table.key)
        for code, (low, high) in _bounds(table).items():
            if low == high and truth[code] == low:
                found.append(f"{table.key}.{code} = {low}")
            if high < THRESHOLD:
                found.append(f"{table.key}.{code} <= {high}")
        found += [f"{table.key}: sum of {subset}" for subset in _subset_sums_fixed(table)]
    return found


def _inconsistencies(published: Published) -> list[str]:
    """The same number shown in one place and hidden in another."""
    found = []
    by_key = {table.key: table for table in published.tables}
    totals = {str(table.total) for table in published.tables if table.key in {"sex", "age_group", "exploitation"}}
    identified = next(row.cell for row in published.key_figures.rows if row.code == "identified")
    totals.add(str(identified))
    totals.add(str(published.measures[0].based_on))
    minor = next(row.cell for row in by_key["age_group"].rows if row.code == "Minor")
    if str(minor) != str(next(row.cell for row in published.key_figures.rows if row.code == "age_group.Minor")):
        found.append("minors")
    if published.start == dt.date(published.end.year, 1, 1):
        totals.add(str(next(row.cell for row in published.per_year.rows if row.code == str(published.end.year))))
    if len(totals) > 1:
        found.append(f"identified: {totals}")
    return found


def _shown_counts(published: Published) -> list[tuple[str, str, Cell]]:
    cells = [("key_figures", row.code, row.cell) for row in published.key_figures.rows]
    for table in _tables(published):
        cells += [(table.key, row.code, row.cell) for row in table.rows]
        if table.total is not None:
            cells.append((table.key, "TOTAL", table.total))
    cells += [("measures", measure.key, measure.based_on) for measure in published.measures]
    return cells


def _differences(old: Published, new: Published) -> list[str]:
    """Counts of the same thing in both reports whose difference, or hidden rows' difference, is 1 to 4."""
    found = []
    before = {(key, code): cell.value for key, code, cell in _shown_counts(old)}
    for key, code, cell in _shown_counts(new):
        value = before.get((key, code))
        if value is not None and cell.value is not None and _small(cell.value - value):
            found.append(f"{key}.{code}: {value} -> {cell.value}")
    # The period's total against the other report's per-year rows (the same persons over other days).
    for a, b in ((old, new), (new, old)):
        total = next(row.cell.value for row in a.key_figures.rows if row.code == "identified")
        for row in b.per_year.rows:
            first, last = dt.date(int(row.code), 1, 1), min(dt.date(int(row.code), 12, 31), b.end)
            overlapping = first <= a.end and a.start <= last and None not in (total, row.cell.value)
            if overlapping and _small(total - row.cell.value):
                found.append(f"identified {a.start}-{a.end} against {row.code}: {total}, {row.cell.value}")
    # Per table: the rows hidden in either report, taken together, from the totals less the rows shown in both.
    old_tables = {table.key: table for table in _tables(old)}
    for table in _tables(new):
        earlier = old_tables[table.key]
        if None in (getattr(table.total, "value", None), getattr(earlier.total, "value", None)):
            continue
        old_rows = {row.code: row.cell.value for row in earlier.rows}
        both = [(row.cell.value, old_rows[row.code]) for row in table.rows if row.code in old_rows]
        both = [(n, o) for n, o in both if n is not None and o is not None]
        rest = (table.total.value - sum(n for n, _o in both)) - (earlier.total.value - sum(o for _n, o in both))
        if _small(rest):
            found.append(f"{table.key}: hidden rows together differ by {rest}")
    return found


@FAST
@given(world=victims(), period=periods())
def test_no_hidden_cell_can_be_worked_out_from_one_report(world, period):
    (start, end), _other = period
    figures = figures_for(world, start, end)
    published = publish_against(figures)
    assert _recoveries(published, figures) == []
    assert _inconsistencies(published) == []
    for key, code, cell in _shown_counts(published):
        assert cell.value is None or not _small(cell.value), (key, code)


@FAST
@given(world=victims(), period=periods())
def test_two_reports_of_overlapping_periods_tell_no_small_difference(world, period):
    (old_start, old_end), (start, end) = period
    old_figures = figures_for(world, old_start, old_end)
    figures = figures_for(world, start, end)
    old = publish_against(old_figures)
    new = publish_against(figures, earlier=[old_figures])
    assert _differences(old, new) == []
    assert _recoveries(new, figures) == []
    assert _inconsistencies(new) == []


@FAST
@given(world=victims(), period=periods())
def test_publishing_is_deterministic(world, period):
    (start, end), _other = period
    assert publish_against(figures_for(world, start, end)) == publish_against(figures_for(world, start, end))


@FAST
@given(world=victims(max_size=30), period=periods())
def test_a_measure_is_shown_only_from_five_persons_and_without_a_small_share(world, period):
    (start, end), _other = period
    figures = figures_for(world, start, end)
    published = publish_against(figures)
    for measure, raw in zip(published.measures, figures.measures, strict=True):
        if measure.value is None:
            continue
        assert measure.based_on.value is not None and measure.based_on.value >= THRESHOLD
        if measure.unit == "percent":
            inside = round(raw.value * raw.based_on / 100)
            assert not _small(inside) and not _small(raw.based_on - inside)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.integers(0, 40), min_size=2, max_size=8))
def test_a_lone_table_of_any_counts_keeps_its_hidden_rows_hidden(rows):
    """One additive table of arbitrary counts (no world behind it): the arithmetic recovers nothing."""
    from reporting.tables import Row, Table

    total = sum(rows)
    table = Table("sex", "sex", tuple(Row(f"c{i}", f"c{i}", n) for i, n in enumerate(rows)), total)
    figures = figures_for([], dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    figures = Figures(**{**figures.__dict__, "tables": (table,)})
    published = publish_against(figures)
    assert [table.key for table in published.tables] == ["sex"]
    for code, (low, high) in _bounds(published.tables[0]).items():
        assert high >= THRESHOLD, (code, low, high)
    for row in published.tables[0].rows:
        assert row.cell.value is None or not _small(row.cell.value)


def _primary_only(figures: Figures) -> Published:
    """What a report would show with only the small counts hidden: the attacks must find its leaks."""

    def cell(value):
        return Cell(None, suppressed=True, primary=True) if _small(value) else Cell(value)

    def table(raw):
        return PublishedTable(
            key=raw.key,
            title=raw.title,
            rows=tuple(PublishedRow(row.code, row.label, cell(row.count)) for row in raw.rows),
            total=None if raw.total is None else cell(raw.total),
            multiple=raw.multiple,
        )

    return Published(
        start=figures.start,
        end=figures.end,
        language=figures.language,
        key_figures=table(figures.key_figures),
        per_year=table(figures.per_year),
        tables=tuple(table(raw) for raw in figures.tables),
        measures=tuple(PublishedMeasure(m.key, m.label, m.value, m.unit, cell(m.based_on)) for m in figures.measures),
        rules=figures.rules,
    )


def _victims(count, *, day=10, sex="Feminine", forms=("SexualExploitation",)):
    return [Victim(day, sex, frozenset(forms), "Adult", False, False) for _ in range(count)]


def test_the_attacks_find_what_hiding_only_small_counts_gives_away():
    world = _victims(9) + _victims(2, sex="Masculine", forms=("ForcedLabour",))
    figures = figures_for(world, dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    assert "sex.Masculine = 2" in _recoveries(_primary_only(figures), figures)
    assert _recoveries(publish_against(figures), figures) == []

    # A period one week longer, with three more victims in it.
    later = world + _victims(3, day=370)
    old = figures_for(later, dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    new = figures_for(later, dt.date(2016, 1, 1), dt.date(2017, 1, 7))
    assert "key_figures.identified: 11 -> 14" in _differences(_primary_only(old), _primary_only(new))
    assert _differences(publish_against(old), publish_against(new, earlier=[old])) == []


def test_a_small_year_in_the_per_year_table_does_not_hide_the_period():
    world = _victims(2, day=100) + _victims(30, day=400)
    figures = figures_for(world, dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    published = publish_against(figures)
    years = {row.code: str(row.cell) for row in published.per_year.rows}
    # 2016's 2 is hidden; the ten-year total with it (32 - 30 would give it away), not the zeros or 2017.
    assert (years["2016"], years["2017"], years["2015"]) == ("<5", "30", "0")
    assert str(published.per_year.total) == "<5"
    assert str(next(row.cell for row in published.key_figures.rows if row.code == "identified")) == "30"
    assert {str(row.cell) for row in published.tables[0].rows} == {"30", "0"}
