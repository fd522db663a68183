"""The benchmark is not run in CI (it needs its own seeded database), but it must keep importing: a module it
uses that moves or goes breaks it silently otherwise."""

import importlib

import pytest


@pytest.mark.parametrize(
    "module", ["bench.admin", "bench.views", "bench.urls", "bench.seed", "bench.reports", "bench.figures"]
)
def test_benchmark_modules_import(module):
    assert importlib.import_module(module)


def test_benchmark_yardstick_admin_is_read_only(rf):
    from bench.admin import ScopedCaseAdmin, site
    from cases.models import Case

    admin = ScopedCaseAdmin(Case, site)
    request = rf.get("/")
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_the_reports_benchmarks_yardstick_is_a_one_page_pdf():
    import io

    from pypdf import PdfReader

    from bench.reports import one_page_pdf

    assert len(PdfReader(io.BytesIO(one_page_pdf())).pages) == 1
