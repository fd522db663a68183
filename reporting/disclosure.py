"""Disclosure control: the one place where raw figures become what a report may show (`publish`).

Every count is a cell with an identity: what it counts (a table's row, or a population's total) and the days it
covers. Cells with the same identity are one cell: the total of every table of one population, a key figure
that repeats a table's row, the per-year row that covers exactly the report's period. A cell is shown or hidden
everywhere it appears, so no copy can give it away.

The rules, in order, repeated until nothing changes (hidden cells only ever grow, so it ends):

1. Primary: a count from 1 to 4 is hidden. Zero is shown: it says that no one in the period has the trait,
   which concerns no person; a table whose total is under 5 is hidden whole, zeros too, because there the zeros
   would tell the traits of a group of fewer than five.
2. Secondary, per table with a shown total: its rows add up to the total (multi-count tables are protected as if
   they did, the worst case: no one counted twice), so the total less the shown rows gives the hidden rows' sum.
   A single hidden row would be that sum; several could still be worked out if the sum is small, because each
   hidden row is at least 1 (zeros are shown). So the hidden rows must be two or more and each must be able to
   lie anywhere from 1 to at least 5: (total - shown rows) - (hidden rows - 1) >= 5. The smallest shown rows are
   hidden until it holds (ties: the later row). If hiding every non-zero row is not enough, a table's own total
   (the ten-year total) is hidden instead, with one row at least; otherwise the zeros are hidden too. A
   population's total is hidden only as a last resort, and its tables then with it, every row (it is shared:
   the tables' hidden rows would otherwise differ by known amounts). A per-year row that is the period's total
   is never hidden to protect the per-year table.
3. Differencing: a count the same user can set beside another count of the same thing over overlapping days
   (an earlier report, or a per-year row beside the period's total) tells the count of the days that differ.
   If two such shown counts differ by 1 to 4, the new report hides its own. Per table, the hidden rows of either
   report taken together also differ by a known amount (the totals' difference less the shown rows'); if that
   is 1 to 4, the new report hides more rows until it is not.
4. Measures are shown only if the persons they are computed from are 5 or more and shown; a share also tells
   how many persons are in and out of it, and is shown only if neither is 1 to 4.

The core works on plain counts (`Figures` built by hand work as well as computed ones): publish_against takes
the earlier reports' figures; publish computes them for the periods the user has had.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .figures import figures_compute, per_year_first, per_year_region
from .tables import (
    Cell,
    Figures,
    Measure,
    Published,
    PublishedMeasure,
    PublishedRow,
    PublishedTable,
    Table,
)

THRESHOLD = 5

PRIMARY, SECONDARY, DIFFERENCE = "primary", "secondary", "difference"

# A cell's identity: what it counts (a table key or "population:<name>"), the row's code, and the days it covers.
CellId = tuple[str, str, dt.date, dt.date]


def _small(value: int) -> bool:
    return 1 <= abs(value) < THRESHOLD


@dataclass
class _Group:
    """A table whose rows add up to its total (or are protected as if they did)."""

    key: str
    rows: tuple[CellId, ...]
    codes: tuple[str, ...]
    total: CellId


@dataclass
class _Grid:
    """One report's cells by identity, its tables as groups, and the totals that are hidden only as a last resort."""

    start: dt.date
    end: dt.date
    values: dict[CellId, int]
    groups: list[_Group]
    totals: set[CellId]
    measure_cells: dict[str, tuple[CellId, ...]]  # a measure's key: the cells that must be shown for it to be


def _total_id(table: Table, start: dt.date, end: dt.date) -> CellId:
    if table.population:
        return ("population:" + table.population, "", start, end)
    return (table.key, "", start, end)


def _key_figure_id(code: str, start: dt.date, end: dt.date) -> CellId:
    # A key figure repeats a population's total ("identified") or a table's row ("age_group.Minor").
    if "." in code:
        table, row = code.split(".", 1)
        return (table, row, start, end)
    return ("population:" + code, "", start, end)


def _per_year_row_id(table: Table, code: str, end: dt.date) -> CellId:
    first, last = per_year_region(end, int(code))
    return ("population:" + table.population, "", first, last) if table.population else (table.key, code, first, last)


def _per_year_total_id(table: Table, end: dt.date) -> CellId:
    first = per_year_first(end)
    return ("population:" + table.population, "", first, end) if table.population else (table.key, "", first, end)


def _measure_cells(measure: Measure, start: dt.date, end: dt.date) -> dict[CellId, int]:
    if measure.population:
        based_on = ("population:" + measure.population, "", start, end)
    else:
        based_on = ("measure:" + measure.key, "", start, end)
    cells = {based_on: measure.based_on}
    if measure.unit == "percent" and measure.value is not None:
        # A share of a known number of persons tells how many are in it and how many are not.
        inside = round(measure.value * measure.based_on / 100)
        cells[("measure:" + measure.key, "in", start, end)] = inside
        cells[("measure:" + measure.key, "out", start, end)] = measure.based_on - inside
    return cells


def _put(values: dict[CellId, int], cell: CellId, value: int) -> None:
    if values.setdefault(cell, value) != value:
        raise ValueError(f"Two counts of the same cell differ: {cell} is {values[cell]} and {value}.")


def _grid(figures: Figures) -> _Grid:
    start, end = figures.start, figures.end
    values: dict[CellId, int] = {}
    groups: list[_Group] = []
    totals: set[CellId] = set()
    for table in figures.tables:
        row_ids = tuple((table.key, row.code, start, end) for row in table.rows)
        for cell, row in zip(row_ids, table.rows, strict=True):
            _put(values, cell, row.count)
        if table.total is not None:
            total = _total_id(table, start, end)
            _put(values, total, table.total)
            totals.add(total)
            groups.append(_Group(table.key, row_ids, tuple(row.code for row in table.rows), total))
    per_year = figures.per_year
    year_ids = tuple(_per_year_row_id(per_year, row.code, end) for row in per_year.rows)
    for cell, row in zip(year_ids, per_year.rows, strict=True):
        _put(values, cell, row.count)
    if per_year.total is not None:
        total = _per_year_total_id(per_year, end)
        _put(values, total, per_year.total)
        totals.add(total)
        groups.append(_Group(per_year.key, year_ids, tuple(row.code for row in per_year.rows), total))
    for row in figures.key_figures.rows:
        _put(values, _key_figure_id(row.code, start, end), row.count)
    measure_cells = {}
    for measure in figures.measures:
        cells = _measure_cells(measure, start, end)
        for cell, value in cells.items():
            _put(values, cell, value)
        measure_cells[measure.key] = tuple(cells)
    return _Grid(start, end, values, groups, totals, measure_cells)


def _overlap(a: CellId, b: CellId) -> bool:
    return a[:2] == b[:2] and a[2] <= b[3] and b[2] <= a[3]


class _Protection:
    """The hidden cells of one report, found by the rules in the module's docstring."""

    def __init__(self, grid: _Grid, earlier: Sequence["_Protection"] = ()):
        self.grid = grid
        self.earlier = earlier
        self.hidden: dict[CellId, str] = {}
        values = grid.values
        for cell, value in values.items():
            if _small(value):
                self.hidden[cell] = PRIMARY
        while self._step():
            pass

    def shown(self, cell: CellId) -> bool:
        return cell in self.grid.values and cell not in self.hidden

    def _hide(self, cell: CellId, reason: str) -> bool:
        if cell in self.hidden:
            return False
        self.hidden[cell] = reason
        return True

    def _alone(self, group: _Group) -> bool:
        """Whether the group's total is its own (the ten-year total), not a population's of the period."""
        period = (self.grid.start, self.grid.end)
        return group.total[2:] != period and sum(other.total == group.total for other in self.grid.groups) == 1

    def _step(self) -> bool:
        changed = False
        for group in self.grid.groups:
            if group.total in self.hidden:
                changed |= self._hidden_total(group)
        changed |= self._differences()
        for group in self.grid.groups:
            if group.total not in self.hidden:
                changed |= self._secondary(group)
        for earlier in self.earlier:
            changed |= self._group_differences(earlier)
        return changed

    def _hidden_total(self, group: _Group) -> bool:
        """The rows of a table whose total is hidden.

        A total under the threshold, or a population's total (shared with other tables, where a difference between
        their hidden rows would be known), takes every row with it; a row that is itself another population's
        total is hidden on its own account only. A table's own total hidden to protect its rows needs only one hidden
        row, so that it is not the sum of the rows shown.
        """
        plain = [row for row in group.rows if row not in self.grid.totals]
        if self.hidden[group.total] == PRIMARY or not self._alone(group):
            return any([self._hide(row, SECONDARY) for row in plain])
        if any(row in self.hidden for row in group.rows):
            return False
        values = self.grid.values
        positive = sorted((row for row in plain if values[row] > 0), key=lambda row: (values[row], row))
        return any([self._hide(row, SECONDARY) for row in positive[:1] or plain])

    def _safe(self, group: _Group) -> bool:
        values = self.grid.values
        hidden = [values[row] for row in group.rows if row in self.hidden]
        if not hidden:
            return True
        if len(hidden) == 1:
            return False
        # What the arithmetic gives as the hidden rows' sum: the total less the shown rows. In a multi-count
        # table that is less than their real sum when shown rows count someone twice, and the bounds tighter.
        known = values[group.total] - sum(values[row] for row in group.rows if row not in self.hidden)
        least = 0 if len(hidden) == len(group.rows) else 1
        return min(sum(hidden), known) - (len(hidden) - 1) * least >= THRESHOLD

    def _secondary(self, group: _Group) -> bool:
        changed = False
        values = self.grid.values
        while not self._safe(group):
            # The smallest shown row (ties: the later one), never a row that is another population's total.
            shown = [index for index, row in enumerate(group.rows) if row not in self.hidden]
            plain = sorted(
                (index for index in shown if group.rows[index] not in self.grid.totals),
                key=lambda index: (values[group.rows[index]], -index),
            )
            positive = [index for index in plain if values[group.rows[index]] > 0]
            if positive:
                changed |= self._hide(group.rows[positive[0]], SECONDARY)
                continue
            # Every non-zero row is hidden and it is not enough: a table's own total is hidden rather than its
            # zeros; otherwise the zeros are hidden, and last of all the population's total.
            if plain and not self._alone(group):
                changed |= any([self._hide(group.rows[index], SECONDARY) for index in plain])
                if self._safe(group):
                    break
            changed |= self._hide(group.total, SECONDARY)
            break
        return changed

    def _differences(self) -> bool:
        """Rule 3 for single cells: the period's cells against the per-year rows, and against earlier reports."""
        changed = False
        values = self.grid.values
        period = (self.grid.start, self.grid.end)
        cells = [cell for cell in values if cell not in self.hidden]
        # The report's own cells of the period against its per-year rows that overlap it: the period's cell is
        # kept, the row hidden. (The ten-year total is left out: beside the period's total it tells only the sum of
        # the other years' rows, which rule 2 protects.)
        for cell in [cell for cell in cells if cell[2:] == period]:
            for other in cells:
                if other[2:] == period or other in self.grid.totals or other in self.hidden:
                    continue
                if not _overlap(cell, other):
                    continue
                if _small(values[cell] - values[other]):
                    changed |= self._hide(other, DIFFERENCE)
        for earlier in self.earlier:
            for cell in cells:
                if cell in self.hidden:
                    continue
                for other, value in earlier.grid.values.items():
                    if _overlap(cell, other) and earlier.shown(other) and _small(values[cell] - value):
                        changed |= self._hide(cell, DIFFERENCE)
                        break
        return changed

    def _group_differences(self, earlier: "_Protection") -> bool:
        """Rule 3 for the hidden rows of a table taken together, against one earlier report."""
        changed = False
        values = self.grid.values
        before = {group.key: group for group in earlier.grid.groups}
        for group in self.grid.groups:
            old = before.get(group.key)
            if old is None or group.total in self.hidden or not earlier.shown(old.total):
                continue
            if not _overlap(group.total, old.total):
                continue
            old_rows = dict(zip(old.codes, old.rows, strict=True))
            while group.total not in self.hidden:
                both = [
                    (row, old_rows[code])
                    for code, row in zip(group.codes, group.rows, strict=True)
                    if code in old_rows and self.shown(row) and earlier.shown(old_rows[code])
                ]
                rest_new = values[group.total] - sum(values[row] for row, _old in both)
                rest_old = earlier.grid.values[old.total] - sum(earlier.grid.values[o] for _row, o in both)
                if not _small(rest_new - rest_old):
                    break
                candidates = sorted(
                    (row for row, _old in both if row not in self.grid.totals), key=lambda row: (values[row], row)
                )
                if candidates:
                    changed |= self._hide(candidates[0], DIFFERENCE)
                else:
                    changed |= self._hide(group.total, DIFFERENCE)
                self._secondary(group)
        return changed


def _cell(protection: _Protection, cell: CellId) -> Cell:
    reason = protection.hidden.get(cell)
    if reason is None:
        return Cell(protection.grid.values[cell])
    return Cell(None, suppressed=True, primary=reason == PRIMARY)


def _published_table(protection: _Protection, table: Table, row_ids, total_id) -> PublishedTable:
    return PublishedTable(
        key=table.key,
        title=table.title,
        rows=tuple(
            PublishedRow(row.code, row.label, _cell(protection, cell))
            for row, cell in zip(table.rows, row_ids, strict=True)
        ),
        total=None if total_id is None else _cell(protection, total_id),
        multiple=table.multiple,
        note=table.note,
        chart=table.chart,
    )


def _published_measure(protection: _Protection, measure: Measure) -> PublishedMeasure:
    cells = protection.grid.measure_cells[measure.key]
    based_on = _cell(protection, cells[0])
    shown = measure.value is not None and all(protection.shown(cell) for cell in cells)
    value = None
    if shown:
        value = float(round(measure.value)) if measure.unit == "percent" else round(measure.value, 1)
    return PublishedMeasure(key=measure.key, label=measure.label, value=value, unit=measure.unit, based_on=based_on)


def _notes(protection: _Protection, figures: Figures) -> tuple[str, ...]:
    shown_cells = {cell for cell in protection.grid.values if not cell[0].startswith("measure:") or cell[1] == ""}
    reasons = [reason for cell, reason in protection.hidden.items() if cell in shown_cells]
    notes = [
        _(
            "Tal under %(threshold)s vises som <%(threshold)s, så ingen person kan genkendes. Også andre tal, der "
            "ellers ville gøre det muligt at regne et skjult tal ud, vises som <%(threshold)s: tegnet betyder "
            "“skjult”, ikke altid “under %(threshold)s”."
        )
        % {"threshold": THRESHOLD},
        _(
            "0 vises: at ingen i perioden har en egenskab, siger intet om nogen person. En tabel, hvis samlede antal "
            "er under %(threshold)s, skjules dog helt, også dens nuller."
        )
        % {"threshold": THRESHOLD},
        _(
            "Hvor et skjult tal kunne regnes ud fra totalen og de viste rækker, skjules flere rækker: mindst to, og så "
            "mange, at hvert skjult tal kan være alt fra 1 til mindst %(threshold)s. Tabeller, hvor en person kan "
            "tælles i flere rækker, beskyttes, som om rækkerne lagdes sammen til totalen."
        )
        % {"threshold": THRESHOLD},
        _(
            "Mål (medianer og andele) vises kun, når de bygger på mindst %(threshold)s personer; en andel desuden kun, "
            "når hverken antallet i den eller uden for den er mellem 1 og %(below)s."
        )
        % {"threshold": THRESHOLD, "below": THRESHOLD - 1},
    ]
    primary = reasons.count(PRIMARY)
    secondary = reasons.count(SECONDARY)
    difference = reasons.count(DIFFERENCE)
    if primary or secondary:
        notes.append(
            _("I denne rapport er %(primary)s tal under %(threshold)s og %(secondary)s andre tal skjult.")
            % {"primary": primary, "threshold": THRESHOLD, "secondary": secondary}
        )
    if protection.earlier:
        notes.append(
            ngettext(
                "Rapporten er sammenholdt med %(count)s tidligere rapport til samme bruger for en overlappende "
                "periode.",
                "Rapporten er sammenholdt med %(count)s tidligere rapporter til samme bruger for overlappende "
                "perioder.",
                len(protection.earlier),
            )
            % {"count": len(protection.earlier)}
        )
    if difference:
        notes.append(
            ngettext(
                "%(count)s tal er skjult, fordi det kunne sammenholdes med et tal for en overlappende periode "
                "(en tidligere rapport til samme bruger eller tabellen over år), så forskellen ville vise under "
                "%(threshold)s personer.",
                "%(count)s tal er skjult, fordi de kunne sammenholdes med tal for en overlappende periode (en "
                "tidligere rapport til samme bruger eller tabellen over år), så forskellen ville vise under "
                "%(threshold)s personer.",
                difference,
            )
            % {"count": difference, "threshold": THRESHOLD}
        )
    return tuple(notes)


def _protection(figures: Figures, earlier: Sequence[Figures] = ()) -> _Protection:
    before = [_Protection(_grid(old)) for old in earlier]
    return _Protection(_grid(figures), before)


def publish_against(figures: Figures, *, earlier: Sequence[Figures] = ()) -> Published:
    """The figures as a report may show them, given the figures of the earlier reports the same user received."""
    protection = _protection(figures, earlier)
    start, end = figures.start, figures.end
    with translation.override(figures.language):
        tables = tuple(
            _published_table(
                protection,
                table,
                tuple((table.key, row.code, start, end) for row in table.rows),
                None if table.total is None else _total_id(table, start, end),
            )
            for table in figures.tables
        )
        per_year = figures.per_year
        key_figures = figures.key_figures
        return Published(
            start=start,
            end=end,
            language=figures.language,
            key_figures=_published_table(
                protection,
                key_figures,
                tuple(_key_figure_id(row.code, start, end) for row in key_figures.rows),
                None,
            ),
            per_year=_published_table(
                protection,
                per_year,
                tuple(_per_year_row_id(per_year, row.code, end) for row in per_year.rows),
                None if per_year.total is None else _per_year_total_id(per_year, end),
            ),
            tables=tables,
            measures=tuple(_published_measure(protection, measure) for measure in figures.measures),
            rules=figures.rules,
            threshold=THRESHOLD,
            notes=_notes(protection, figures),
        )


def overlapping(figures: Figures, periods: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The earlier periods whose days meet the report's (the same period too), once each, in order."""
    return sorted({(start, end) for start, end in periods if start <= figures.end and figures.start <= end})


def publish(figures: Figures, *, earlier: Iterable[tuple[dt.date, dt.date]] = ()) -> Published:
    """The figures as a report may show them; `earlier` are the periods the same user already had reports for.

    The earlier reports are computed again on today's data: what they showed is what the user could set beside
    this report.
    """
    before = [
        figures_compute(start=start, end=end, language=figures.language) for start, end in overlapping(figures, earlier)
    ]
    return publish_against(figures, earlier=before)
