"""The statistics report as a PDF (WeasyPrint, A4, PDF/UA-1): published figures only, in the report's language.

A cover with the period and when the figures were counted, the key figures, the victims identified per year
over ten years, every table with its chart, and a page of notes (the counting rules and what disclosure
control did). Every page but the cover carries "Side 1 af 5" in its margin (support.pdf.page_counter_css).
The document is tagged (headings, tables with their header cells, figures with text alternatives), its
language and title set, its fonts embedded. It fetches nothing: the charts are data: URLs, and any other
address is refused.
"""

import base64
import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from support.pdf import css_string, page_counter_css

from .charts import Chart
from .tables import Cell, Published, PublishedMeasure, PublishedTable


@dataclass(frozen=True)
class ShownRow:
    label: str
    value: str
    suppressed: bool


@dataclass(frozen=True)
class ShownTable:
    key: str
    title: str
    rows: tuple[ShownRow, ...]
    total: ShownRow | None
    multiple: bool
    note: str
    chart_src: str
    chart_alt: str

    @property
    def any_suppressed(self) -> bool:
        return any(row.suppressed for row in self.rows)


def count_text(cell: Cell) -> str:
    """A count as printed: "1.234" in Danish, "1,234" in English; "<5" where it is suppressed."""
    return "<5" if cell.value is None else number_format(cell.value, force_grouping=True)


def measure_text(measure: PublishedMeasure) -> str:
    """A median in whole days, a share to one decimal ("87,8 %"); "–" where too few persons to show it."""
    if measure.value is None:
        return "–"
    # Rounded here: number_format cuts a float's decimals off rather than rounding them.
    if measure.unit == "days":
        days = number_format(round(measure.value), force_grouping=True)
        return _("%(value)s dage") % {"value": days}
    share = number_format(round(measure.value, 1), decimal_pos=1)
    return _("%(value)s %%") % {"value": share} if measure.unit == "percent" else share


def period_text(start: dt.date, end: dt.date) -> str:
    """ "2017" for a calendar year, else "1. januar 2017 – 30. juni 2017"."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"


def _data_url(chart: Chart | None) -> str:
    if chart is None:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode("ascii")


def _shown(table: PublishedTable, chart: Chart | None) -> ShownTable:
    return ShownTable(
        key=table.key,
        title=table.title,
        rows=tuple(ShownRow(row.label, count_text(row.cell), row.cell.value is None) for row in table.rows),
        total=ShownRow(_("I alt"), count_text(table.total), table.total.value is None) if table.total else None,
        multiple=table.multiple,
        note=table.note,
        chart_src=_data_url(chart),
        chart_alt=chart.alt if chart else "",
    )


def report_html(published: Published, *, charts: dict[str, Chart], generated_at: dt.datetime) -> str:
    with translation.override(published.language):
        period = period_text(published.start, published.end)
        title = _("Statistik om menneskehandel, %(period)s") % {"period": period}
        context = {
            "language": published.language,
            "title": title,
            "period": period,
            "start": published.start,
            "end": published.end,
            "generated": date_format(timezone.localtime(generated_at), "DATETIME_FORMAT"),
            "threshold": published.threshold,
            "below": f"<{published.threshold}",
            "key_figures": _shown(published.key_figures, None),
            "measures": [
                {
                    "label": m.label,
                    "value": measure_text(m),
                    "based_on": count_text(m.based_on),
                    "shown": m.value is not None,
                }
                for m in published.measures
            ],
            "per_year": _shown(published.per_year, charts.get("per_year")),
            "tables": [_shown(table, charts.get(table.key)) for table in published.tables],
            "rules": published.rules,
            "notes": published.notes,
            "margin_title": css_string(_("Statistik om menneskehandel")),
            "margin_period": css_string(period),
            "margin_pages": page_counter_css(_("Side {page} af {pages}")),
        }
        return render_to_string("reporting/pdf/report.html", context)


def report_pdf(published: Published, *, charts: dict[str, Chart], generated_at: dt.datetime) -> bytes:
    """The report's PDF: PDF/UA-1 (tagged, language and title set, fonts embedded)."""
    from weasyprint import HTML  # loaded when a report is made, not with every page
    from weasyprint.urls import URLFetcher

    html = report_html(published, charts=charts, generated_at=generated_at)
    # Only the charts' data: URLs: no file, no network address can be reached from the report.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
