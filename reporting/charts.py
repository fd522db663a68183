"""The report's bar charts, drawn by matplotlib as vector SVG from published figures only.

They print in black and white: bars in greys with black edges, the period's years hatched, every bar labelled
with its number, so that no meaning rests on colour. A suppressed cell ("<5") has no bar at all (a height
would give away what suppression hides): a hollow marker on the axis and the label "<5" stand in its place.
Each chart comes with a text alternative that says what it shows, for the PDF's tags and for screen readers.
A table of zeros only gets no chart: there is nothing to compare.

No pyplot: a Figure of its own per chart uses no global state and no display, and is safe in a worker thread.
The layout is set by hand from the labels' lengths: matplotlib's layout engines measure every text several
times and doubled the time a chart takes (bench/reports.py).
"""

import io
import textwrap
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .tables import Published, PublishedTable

WIDTH_IN = 6.3  # the page's text width (A4 less 2 x 20 mm), so that 8 pt in the chart is 8 pt on paper
FONT_PT = 8
CHAR_IN = 0.6 * FONT_PT / 72  # DejaVu Sans's average advance: 0.6 em
LABEL_CHARS = 34  # a row's label wraps after this many characters
ROW_IN = 0.24  # a horizontal bar's line
BAR = "#b3b3b3"
BAR_IN_PERIOD = "#6e6e6e"
BAR_BEFORE = "#d9d9d9"
INK = "#1a1a1a"
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": FONT_PT,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.color": INK,
    "axes.prop_cycle": "cycler(color=['#1a1a1a'])",  # nothing in matplotlib's colours, even by default
    "hatch.linewidth": 0.6,
    # Text stays text: WeasyPrint sets it in the report's embedded font (as outlines, each glyph's path was
    # parsed again for every use, and the charts took more than half of the PDF's time).
    "svg.fonttype": "none",
    "svg.hashsalt": "cmm-report",  # the same figures give the same SVG, byte for byte
}


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str  # what the chart shows, in words: the text alternative of the figure


def _figure(height_in: float):
    from matplotlib.figure import Figure  # loaded when a report is made, not with every page

    return Figure(figsize=(WIDTH_IN, height_in), dpi=72)


def _place(figure, *, left_in: float, right_in: float, bottom_in: float, top_in: float) -> None:
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left_in / width, right=1 - right_in / width, bottom=bottom_in / height, top=1 - top_in / height
    )


def _svg(figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # no XML declaration: the SVG goes into a data: URL as it is


def _number(value: float) -> str:
    """As the tables print it: "1.234" in Danish, "1,234" in English."""
    return number_format(int(value), force_grouping=True)


def _counts(table: PublishedTable) -> list[int | None]:
    return [row.cell.value for row in table.rows]


def _top(values: list[int | None]) -> float:
    shown = [v for v in values if v is not None]
    return max(max(shown, default=0), 5) * 1.15


def _axes(figure, value_axis: str):
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    scale = axes.xaxis if value_axis == "x" else axes.yaxis
    scale.set_major_locator(MaxNLocator(nbins=5, integer=True))
    scale.set_major_formatter(FuncFormatter(lambda value, _position: _number(value)))
    scale.grid(True, color="#bfbfbf", linewidth=0.5, linestyle=(0, (2, 2)))
    return axes


def _suppressed(axes, x: float, y: float, *, horizontal: bool) -> None:
    """No bar: a hollow marker on the axis and "<5" beside it."""
    axes.plot(
        [x], [y], color=INK, marker="D", markersize=4, markerfacecolor="white", markeredgecolor=INK, clip_on=False
    )
    if horizontal:
        axes.annotate("<5", (x, y), xytext=(6, 0), textcoords="offset points", va="center", style="italic")
    else:
        axes.annotate("<5", (x, y), xytext=(0, 5), textcoords="offset points", ha="center", style="italic")


def _describe(title: str, table: PublishedTable) -> str:
    parts = [f"{row.label}: {row.cell}" for row in table.rows]
    return _("Søjlediagram: %(title)s. %(values)s.") % {"title": title, "values": "; ".join(parts)}


def worth_drawing(table: PublishedTable) -> bool:
    """Rows to compare: not a table of zeros only (a suppressed cell is not a zero)."""
    return bool(table.rows) and any(row.cell.value != 0 for row in table.rows)


def table_chart(table: PublishedTable) -> Chart:
    """Horizontal bars, one per row in the table's order, each with its number (or "<5" and no bar)."""
    import matplotlib

    values = _counts(table)
    labels = [textwrap.fill(row.label, LABEL_CHARS) for row in table.rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    widest = max(len(line) for label in labels for line in label.split("\n"))
    with matplotlib.rc_context(STYLE):
        figure = _figure(0.5 + ROW_IN * max(lines, len(labels)))
        _place(figure, left_in=0.2 + widest * CHAR_IN, right_in=0.45, bottom_in=0.42, top_in=0.06)
        axes = _axes(figure, "x")
        positions = list(range(len(values)))[::-1]
        for y, value in zip(positions, values, strict=True):
            if value is None:
                _suppressed(axes, 0, y, horizontal=True)
                continue
            axes.barh(y, value, height=0.62, color=BAR, edgecolor=INK, linewidth=0.6)
            axes.annotate(_number(value), (value, y), xytext=(3, 0), textcoords="offset points", va="center")
        axes.set_yticks(positions, labels)
        axes.set_ylim(-0.6, len(values) - 0.4)
        axes.set_xlim(0, _top(values))
        axes.set_xlabel(_("Antal"))
        axes.tick_params(axis="y", length=0, pad=8)  # room for a suppressed cell's marker on the axis
    return Chart(svg=_svg(figure), alt=_describe(table.title, table))


def _year(code: str) -> int | None:
    return int(code) if code.isascii() and code.isdigit() else None


def per_year_chart(table: PublishedTable, *, first_year: int) -> Chart:
    """Columns per calendar year; the report's years dark and hatched, the years before them light."""
    import matplotlib
    from matplotlib.patches import Patch

    values = _counts(table)
    years = [_year(row.code) for row in table.rows]
    in_period = [year is None or year >= first_year for year in years]
    legend = not all(in_period)
    with matplotlib.rc_context(STYLE):
        figure = _figure(2.5 if legend else 2.3)
        _place(figure, left_in=0.75, right_in=0.1, bottom_in=0.3, top_in=0.35 if legend else 0.12)
        axes = _axes(figure, "y")
        for x, (value, inside) in enumerate(zip(values, in_period, strict=True)):
            if value is None:
                _suppressed(axes, x, 0, horizontal=False)
                continue
            style = {"color": BAR_IN_PERIOD, "hatch": "///"} if inside else {"color": BAR_BEFORE}
            axes.bar(x, value, width=0.66, edgecolor=INK, linewidth=0.6, **style)
            axes.annotate(_number(value), (x, value), xytext=(0, 2), textcoords="offset points", ha="center")
        axes.set_xticks(range(len(values)), [row.label for row in table.rows])
        axes.set_xlim(-0.6, len(values) - 0.4)
        axes.set_ylim(0, _top(values))
        axes.set_ylabel(_("Antal"))
        axes.tick_params(axis="x", length=0)
        if legend:
            handles = [
                Patch(facecolor=BAR_IN_PERIOD, edgecolor=INK, hatch="///", label=_("Rapportens periode")),
                Patch(facecolor=BAR_BEFORE, edgecolor=INK, label=_("Årene før")),
            ]
            axes.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), ncols=2, frameon=False)
    return Chart(svg=_svg(figure), alt=_describe(table.title, table))


def report_charts(published: Published) -> dict[str, Chart]:
    """Every chart of the report, by its table's key ("per_year" for the ten years)."""
    charts = {}
    if worth_drawing(published.per_year):
        charts["per_year"] = per_year_chart(published.per_year, first_year=published.start.year)
    for table in published.tables:
        if table.chart and worth_drawing(table):
            charts[table.key] = table_chart(table)
    return charts
