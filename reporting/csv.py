"""The report's tables as CSV, from a `Published` only: the same cells as the PDF, suppressed ones as "<5".

Codes are the code lists' own (HTCDS 2.0 for sex and forms of exploitation, ISO 3166-1 alpha-2 for
nationality with "OTHER" for the rest and CLDR's "ZZ" for unknown, CTDC's majorityStatus "Minor"/"Adult"/
"Unknown" for the age group, our codes where no list has one); labels are in the report's language.
"""

import csv
import io

from .tables import Cell, Published, PublishedTable

COLUMNS = ("period_start", "period_end", "table", "code", "label", "count", "value", "unit")
TOTAL = "TOTAL"


def _count(cell: Cell | None) -> str:
    return "" if cell is None else str(cell)


def _table_rows(published: Published, table: PublishedTable):
    period = (published.start.isoformat(), published.end.isoformat())
    for row in table.rows:
        yield (*period, table.key, row.code, row.label, _count(row.cell), "", "")
    if table.total is not None:
        yield (*period, table.key, TOTAL, "", _count(table.total), "", "")


def published_csv(published: Published) -> str:
    """Every table of the report, a row per cell, then the measures (their value in "value")."""
    if not isinstance(published, Published):
        # Raw figures never reach a file: only what reporting.disclosure.publish let through.
        raise TypeError("published_csv takes a Published (reporting.disclosure.publish), not raw figures.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for table in (published.key_figures, published.per_year, *published.tables):
        writer.writerows(_table_rows(published, table))
    period = (published.start.isoformat(), published.end.isoformat())
    for measure in published.measures:
        value = "" if measure.value is None else f"{measure.value:g}"
        based_on = _count(measure.based_on)
        writer.writerow((*period, "measures", measure.key, measure.label, based_on, value, measure.unit))
    return out.getvalue()
