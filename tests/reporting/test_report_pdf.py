"""The statistics report's PDF from given published figures, read back: text, language, pages, tags, charts."""

import dataclasses
import datetime as dt
import io
import re

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from reporting import charts, pdf
from reporting.tables import Cell, PublishedRow

from .samples import PER_YEAR, published_2017

GENERATED = dt.datetime(2026, 5, 4, 12, 30, tzinfo=dt.UTC)  # 14:30 in Copenhagen


def render(published) -> bytes:
    return pdf.report_pdf(published, charts=charts.report_charts(published), generated_at=GENERATED)


@pytest.fixture(scope="module")
def danish() -> bytes:
    return render(published_2017("da", per_year={**PER_YEAR, 2009: None}))


@pytest.fixture(scope="module")
def english() -> bytes:
    return render(published_2017("en"))


def pages_text(document: bytes) -> list[str]:
    """Each page's text, its lines joined with spaces (a heading may wrap)."""
    with pdfplumber.open(io.BytesIO(document)) as opened:
        return [" ".join((page.extract_text() or "").split()) for page in opened.pages]


@pytest.mark.parametrize(
    ("language", "words", "absent", "page_word", "of"),
    [
        (
            "da",
            ["Statistik om menneskehandel, 2017", "Nøgletal", "Identificerede ofre pr. år", "Noter og tælleregler"],
            ["Key figures", "Page "],
            "Side",
            "af",
        ),
        (
            "en",
            ["Statistics on human trafficking, 2017", "Key figures", "Identified victims per year", "Notes and"],
            ["Nøgletal", "Side "],
            "Page",
            "of",
        ),
    ],
)
def test_the_report_is_in_its_language_with_page_numbers_on_every_page(
    danish, english, language, words, absent, page_word, of
):
    pages = pages_text(danish if language == "da" else english)

    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert f"{page_word} {number} {of} {len(pages)}" in text
    text = "\n".join(pages)
    for word in words:
        assert word in text
    for word in absent:
        assert word not in text


def test_the_report_prints_the_published_figures_and_the_suppressed_cells_as_under_five(danish):
    pages = pages_text(danish)
    text = "\n".join(pages)

    assert "1. januar 2017 – 31. december 2017" in pages[0]  # the cover: the period
    assert "4. maj 2026 kl. 14:30" in pages[0]  # and when the figures were counted
    assert re.search(r"Identificerede ofre\s+98", text)
    assert re.search(r"Kvinder\s+86", text)
    assert re.search(r"Tvangsarbejde\s+<5", text)
    assert re.search(r"Andel kvinder\s+87,8 %\s+98 personer", text)  # a share with its decimal comma
    assert re.search(r"Dage i forberedt hjemrejse \(median\)\s+–\s+<5 personer", text)  # too few: no value
    # The ten years, the suppressed one as "<5".
    assert re.search(r"Antal\s+54\s+<5\s+65\s+61\s+64\s+71\s+72\s+85\s+79\s+98", text)
    # The notes page carries the rules and what disclosure control did.
    assert "En person tælles i det år, hvor afgørelsen om offer blev truffet." in pages[-1]
    assert "1 tal er skjult, fordi det ellers kunne regnes ud." in pages[-1]


def _objects(reader: PdfReader):
    """Every structure element of the document's tag tree."""
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop()
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if not hasattr(node, "get"):
            continue
        if node.get("/Type") == "/StructElem":
            yield node
        kids = node.get("/K")
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        if isinstance(kids, list):
            todo.extend(reversed(kids))  # depth first, in the document's order
        elif kids is not None:
            todo.append(kids)


def test_the_report_is_tagged_for_pdf_ua_with_language_title_table_headers_and_chart_texts(danish):
    reader = PdfReader(io.BytesIO(danish))
    root = reader.trailer["/Root"]
    elements = list(_objects(reader))
    kinds = [element["/S"] for element in elements]

    assert root["/Lang"] == "da"
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert reader.metadata.title == "Statistik om menneskehandel, 2017"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # declares PDF/UA-1
    assert kinds.count("/H1") == 1 and "/H2" in kinds
    assert kinds.count("/Table") >= 6
    headers = [element for element in elements if element["/S"] == "/TH"]
    assert len(headers) >= 20
    cells = [element for element in elements if element["/S"] == "/TD"]
    # Every number cell is tied to its headers: the row's label and the column's heading.
    assert cells and all(len(cell["/A"]["/Headers"]) >= 1 for cell in cells)
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert len(figures) == 5  # the ten years and the four tables
    alts = [str(figure["/Alt"]) for figure in figures]
    assert alts[0].startswith("Søjlediagram: Identificerede ofre pr. år.")
    assert "2009: <5" in alts[0] and "2017: 98" in alts[0]


def test_the_reports_fonts_are_embedded(danish):
    reader = PdfReader(io.BytesIO(danish))
    fonts = {}
    for page in reader.pages:
        for name, font in page["/Resources"]["/Font"].items():
            fonts[name] = font.get_object()

    assert fonts
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


def test_a_chart_prints_in_greys_only():
    drawn = charts.report_charts(published_2017("da"))

    for chart in drawn.values():
        colours = set(re.findall(r"#([0-9a-fA-F]{6})\b", chart.svg))
        assert colours
        assert all(c[0:2] == c[2:4] == c[4:6] for c in colours), colours


def test_a_suppressed_cell_gets_no_bar_only_a_marker_and_its_label():
    table = published_2017("da").tables[0]  # women 86, men 12
    hidden = dataclasses.replace(table, rows=(table.rows[0], PublishedRow("male", "Mænd", Cell(None, True, True))))

    shown, suppressed = charts.table_chart(table), charts.table_chart(hidden)

    bars = re.compile(r'<g id="patch_\d+">')
    assert len(bars.findall(suppressed.svg)) == len(bars.findall(shown.svg)) - 1
    assert "Mænd: <5" in suppressed.alt and "Mænd: 12" in shown.alt
    assert 'id="line2d' in suppressed.svg  # the hollow marker on the axis


def test_the_same_figures_give_the_same_charts():
    first, second = charts.report_charts(published_2017("da")), charts.report_charts(published_2017("da"))

    assert {key: chart.svg for key, chart in first.items()} == {key: chart.svg for key, chart in second.items()}


def test_markup_in_a_label_is_printed_as_text_and_fetches_nothing():
    published = published_2017("da")
    table = published.tables[0]
    trap = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://127.0.0.1:9/x.css">'
    tricked = dataclasses.replace(
        published, tables=(dataclasses.replace(table, rows=(PublishedRow("x", trap, Cell(10)),)),)
    )

    text = "\n".join(pages_text(render(tricked)))

    assert '<img src="file:///etc/passwd">' in text.replace(" ", " ")
    assert "root:" not in text
