"""The shape of the working group's statistics, from the figures to the PDF and the CSV.

reporting.figures computes `Figures` (raw counts, from aggregate queries); reporting.disclosure turns them into
`Published` (every count a `Cell`, suppressed where the rule says), and only `Published` reaches a template or
the CSV: no raw count leaves reporting.disclosure. Labels are in the language active when the figures were
computed; codes are stable (HTCDS 2.0 / CTDC where a code list has them) and are what the CSV carries.
"""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Table:
    key: str  # "sex", "age_group", "exploitation", ...: also the CSV's table column
    title: str
    rows: tuple[Row, ...]
    # Persons the table counts; None where the rows are not counts of persons of one population.
    total: int | None
    # A person may count in more than one row (forms of exploitation): the rows do not add up to the total.
    multiple: bool = False
    note: str = ""
    chart: bool = True  # drawn as a bar chart beside the table
    # The persons the total counts, by name ("identified", "referred", ...): tables of one population share one
    # total, and reporting.disclosure hides it in all of them or none. "" for a total of this table alone.
    population: str = ""


@dataclass(frozen=True)
class Measure:
    """A figure that is not a count: a median in days, a share in per cent; shown only if based_on >= 5."""

    key: str
    label: str
    value: float | None
    unit: str  # "days" or "percent"
    based_on: int  # the persons it is computed from
    population: str = ""  # as Table.population: `based_on` is that population's total


@dataclass(frozen=True)
class Figures:
    start: dt.date  # first day of the period
    end: dt.date  # last day of the period (inclusive)
    language: str
    key_figures: Table  # one row per key figure (identified victims, referrals, minors, ...)
    per_year: Table  # victims identified per calendar year, the ten years up to the period's end
    tables: tuple[Table, ...]
    measures: tuple[Measure, ...]
    rules: tuple[str, ...]  # the counting rules, printed on the report's notes page


@dataclass(frozen=True)
class Cell:
    value: int | None  # None: not shown
    suppressed: bool = False
    primary: bool = False  # under the threshold itself (secondary: hidden so that a primary cannot be recovered)

    def __str__(self) -> str:
        return "<5" if self.value is None else str(self.value)


@dataclass(frozen=True)
class PublishedRow:
    code: str
    label: str
    cell: Cell


@dataclass(frozen=True)
class PublishedTable:
    key: str
    title: str
    rows: tuple[PublishedRow, ...]
    total: Cell | None
    multiple: bool = False
    note: str = ""
    chart: bool = True


@dataclass(frozen=True)
class PublishedMeasure:
    key: str
    label: str
    value: float | None  # None: based on too few persons to show
    unit: str
    based_on: Cell


@dataclass(frozen=True)
class Published:
    start: dt.date
    end: dt.date
    language: str
    key_figures: PublishedTable
    per_year: PublishedTable
    tables: tuple[PublishedTable, ...]
    measures: tuple[PublishedMeasure, ...]
    rules: tuple[str, ...]
    threshold: int = 5
    notes: tuple[str, ...] = field(default=())  # what disclosure control did, in words, for the notes page
