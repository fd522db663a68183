"""The benchmark is not run in CI (it needs its own seeded database), but it must keep importing: a module it
uses that moves or goes breaks it silently otherwise."""

import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    ["bench.admin", "bench.views", "bench.urls", "bench.seed", "bench.reports", "bench.figures", "bench.load"],
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


def test_the_load_scenario_imports_and_its_users_open_the_pages_it_reports():
    """In a process of its own: importing locust patches the standard library for gevent."""
    import json
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import json, bench.locustfile as f; "
        "print(json.dumps({'pages': f.PAGES, 'tasks': [t.__name__ for t in f.Caseworker.tasks]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(found["tasks"]) == {"start_page", "case_list", "case_page", "record_support"}
    assert found["pages"][:3] == ["start page", "case list (filters)", "case page"]
