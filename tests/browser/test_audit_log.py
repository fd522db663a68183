"""The data-protection auditor in the browser: the log in the menu, a search, and the art. 15 report."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Case
from tests.factories import UserFactory, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_auditor_searches_the_log_and_produces_the_access_report(ui, cmm_worker, coordinator):
    first, second = make_case(cmm_worker), make_case(cmm_worker)
    Case.objects.filter(pk=second.pk).update(person=first.person)  # one person, two cases
    for user, case in [(coordinator, first), (cmm_worker, second), (coordinator, make_case(coordinator))]:
        audit_record(actor=user, action=AuditEvent.Action.READ, what="case_page", case=case)
    auditor = UserFactory(username="revisor", first_name="Rasmus", last_name="Revisor", agency="", role=Role.DP_AUDITOR)
    page = ui.page

    ui.login(auditor)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Adgangslog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adgangslog")
    ui.check("log")

    page.get_by_label("Person").fill(second.number)
    page.get_by_label("Medarbejder").fill("cmm.koordinator")
    page.get_by_role("button", name="Søg", exact=True).click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(first.number)
    expect(page.get_by_label("Person")).to_have_value(second.number)
    ui.check("search")

    rows.first.get_by_role("link", name=first.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem har set personens oplysninger")
    # Two referrals, two reads, and the auditor's own search for the person: look-ups are logged too.
    expect(page.locator("table tbody tr")).to_have_count(5)
    expect(page.locator("table")).not_to_contain_text("cmm.koordinator")
    ui.check("report")

    page.get_by_role("link", name="Vis medarbejdernes navne").click()
    expect(page.locator("table")).to_contain_text("cmm.koordinator")
    ui.check("report-names")
    assert AuditEvent.objects.filter(actor=auditor, purpose=AuditEvent.Purpose.AUDIT).count() == 4
