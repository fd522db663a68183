"""The case list in the browser: name search by a part or another spelling, the count, filters kept in the
address across reload and Back (never the search text), Nulstil filtre; and the auditor's pages in words."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Case
from tests.factories import UserFactory, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listed(cmm_worker):
    cases = {
        "grace": make_case(cmm_worker, person={"given_name": "Grace", "family_name": "Okafor"}),
        "lan": make_case(cmm_worker, person={"given_name": "Lan", "family_name": "Nguyễn"}),
        "minh": make_case(cmm_worker, person={"given_name": "Minh", "family_name": "Nguyen"}),
        "closed": make_case(cmm_worker, person={"given_name": "Eva", "family_name": "Andersen"}),
    }
    Case.objects.filter(pk=cases["closed"].pk).update(status=Case.Status.CLOSED)
    return cases


def test_a_caseworker_searches_by_name_part_and_spelling_and_keeps_filters_across_reload_and_back(
    ui, cmm_worker, listed
):
    page = ui.page
    ui.login(cmm_worker)
    ui.goto("/sager/")
    rows, count, search = (
        page.locator("#case-rows"),
        page.get_by_test_id("case-count"),
        page.get_by_label("Søg", exact=True),
    )
    expect(count).to_have_text("4 sager")
    expect(page.get_by_test_id("reset-filters")).to_have_count(0)
    ui.check("list")

    # A part of the name finds the person; the name never reaches the address.
    search.fill("Okafor")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(count).to_have_text("1 sag")
    expect(rows.get_by_role("link", name=listed["grace"].number)).to_be_visible()
    assert "Okafor" not in page.url
    ui.check("searched-part-of-name")

    # Diacritics fold both ways: "Nguyễn" finds "Nguyen", and "Nguyen" finds "Nguyễn".
    for spelling in ("Nguyễn", "Nguyen"):
        search.fill(spelling)
        page.get_by_role("button", name="Søg", exact=True).click()
        expect(count).to_have_text("2 sager")
        for key in ("lan", "minh"):
            expect(rows.get_by_role("link", name=listed[key].number)).to_be_visible()
    ui.check("searched-accented")

    # Back after a name search: the list comes back as its address says, without the search (not kept anywhere).
    rows.get_by_role("link", name=listed["lan"].number).click()
    expect(page).to_have_url(ui.url(f"/sager/{listed['lan'].number}/"))
    page.go_back()
    expect(page).to_have_url(ui.url("/sager/"))
    expect(count).to_have_text("4 sager")
    expect(search).to_have_value("")

    # A filter that identifies no one goes into the address, and reload and Back keep it.
    page.get_by_label("Status").select_option("closed")
    expect(page).to_have_url(ui.url("/sager/?status=closed"))
    expect(count).to_have_text("1 sag")
    page.reload()
    expect(page.get_by_label("Status")).to_have_value("closed")
    expect(count).to_have_text("1 sag")
    rows.get_by_role("link", name=listed["closed"].number).click()
    expect(page).to_have_url(ui.url(f"/sager/{listed['closed'].number}/"))
    page.go_back()
    expect(page).to_have_url(ui.url("/sager/?status=closed"))
    expect(page.get_by_label("Status")).to_have_value("closed")
    expect(rows.get_by_role("link")).to_have_count(1)
    ui.check("filtered")

    # Back from a filter to the list before it.
    page.get_by_label("Status").select_option("referred")
    expect(page).to_have_url(ui.url("/sager/?status=referred"))
    expect(count).to_have_text("3 sager")
    page.go_back()
    expect(page).to_have_url(ui.url("/sager/?status=closed"))
    expect(count).to_have_text("1 sag")

    page.get_by_test_id("reset-filters").click()
    expect(page).to_have_url(ui.url("/sager/"))
    expect(page.get_by_label("Status")).to_have_value("")
    expect(count).to_have_text("4 sager")

    ui.check("list-reset")  # at 1366 and 390 px: no sideways scroll on a phone either


def test_the_auditor_reads_the_log_in_words_and_prints_the_access_report(ui, cmm_worker, cmm_team, listed):
    case = listed["grace"]
    audit_record(actor=cmm_worker, action=AuditEvent.Action.DENIED, what="route", detail={"route": "audit:search"})
    audit_record(
        actor=cmm_worker, action=AuditEvent.Action.DENIED, what="case_lookup", detail={"number": "CMM-2026-9999"}
    )
    audit_record(
        actor=cmm_worker,
        action=AuditEvent.Action.UPDATE,
        what="share_create",
        case=case,
        detail={"team": cmm_team.pk, "scope": "support", "fields": ["person.cpr_number", "referral.received_at"]},
    )
    auditor = UserFactory(username="revisor", agency="", role=Role.DP_AUDITOR)
    page = ui.page
    ui.login(auditor)

    ui.goto("/revision/")
    table = page.locator("table.audit-table")
    expect(table).to_contain_text("Side, rollen ikke har adgang til")
    expect(table).to_contain_text("Side: Adgangsloggen")
    expect(table).to_contain_text("Opslag af en sag, der ikke findes eller ikke er synlig")
    expect(table).to_contain_text(f"Team: {cmm_team.name}")
    expect(table).to_contain_text("Formål: Støtte og bistand")
    expect(table).to_contain_text("Felter: CPR-nummer (person), modtaget (henvisning)")
    for code in ("case_lookup", "share_create", "person.cpr_number", "audit:search", "team:", "support", "route:"):
        expect(table).not_to_contain_text(code)
    ui.check("log-in-words")  # at 1366 and 390 px

    ui.goto(f"/revision/person/{case.number}/")
    report = page.locator("table.audit-table")
    expect(report).to_contain_text("Felter: CPR-nummer (person), modtaget (henvisning)")
    ui.check("report")

    # Printed: the report alone, black on white; no header, menu, buttons or links' addresses.
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("link", name="Vis medarbejdernes navne")).to_be_hidden()
    expect(page.get_by_text("Rapporten er dannet")).to_be_visible()
    expect(report).to_be_visible()
    colour = page.evaluate("() => getComputedStyle(document.querySelector('table.audit-table td')).color")
    assert colour == "rgb(0, 0, 0)"
    ui.check("report-print")
    page.emulate_media(media="screen")
