"""The contact person prints the case summary from the case page, in English, and gets a PDF named by the case.

The case page is checked with axe-core and for console errors at 1366 and 390 px, and photographed under
/tmp/e2e-shots/case_summary-*.png.
"""

import pytest

from audit.models import AuditEvent
from tests.states import period_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_summary(ui, cmm_worker, dis_worker):
    case = period_case(cmm_worker, dis_worker)
    page = ui.page
    ui.login(cmm_worker)
    ui.goto(f"/sager/{case.number}/")
    ui.check("case-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="på engelsk (PDF)").click()

    assert download.value.suggested_filename == f"case-summary-{case.number}.pdf"
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    assert AuditEvent.objects.get(what="case_summary_pdf").detail == {"language": "en"}
