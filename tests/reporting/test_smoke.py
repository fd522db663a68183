"""The first working figures and publication: a small year counted and suppressed (more in test_figures.py)."""

import datetime as dt

from cases.codes import ExploitationForm
from reporting.csv import published_csv
from reporting.disclosure import publish
from reporting.figures import figures_compute

from .seeding import cases


def _rows(table):
    return {row.code: str(row.cell) for row in table.rows}


def test_a_small_year_is_counted_and_its_small_cells_hidden(cmm_worker):
    cases(cmm_worker, 7, decided_on=dt.date(2017, 3, 1))
    cases(cmm_worker, 2, decided_on=dt.date(2017, 5, 1), forms=[ExploitationForm.FORCED_LABOUR])

    figures = figures_compute(start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31))
    published = publish(figures)

    assert figures.key_figures.rows[0].count == 9
    exploitation = next(table for table in published.tables if table.key == "exploitation")
    # 2 is hidden; the 7 too, or it would be 9 - 7 = 2.
    assert _rows(exploitation)["ForcedLabour"] == "<5"
    assert _rows(exploitation)["SexualExploitation"] == "<5"
    assert _rows(exploitation)["Servitude"] == "0"
    assert str(exploitation.total) == "9"
    assert "ForcedLabour,Tvangsarbejde,<5" in published_csv(published)
