"""Mass reads in the browser: past the hard limit the case page is refused, and the auditor reviews the alert.

Small limits (an alert past 2 distinct cases, refused past 3), so that a few cases reach them.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import ReadAlert
from tests.factories import UserFactory, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_past_the_limit_is_refused_and_the_auditor_reviews_the_alert(ui, open_ui, cmm_worker, settings):
    settings.READ_ALERT_DISTINCT_CASES_PER_HOUR = 2
    settings.READ_HARD_LIMIT_PER_HOUR = 3
    cases = [make_case(cmm_worker) for _ in range(4)]
    page = ui.page
    ui.login(cmm_worker)

    for case in cases[:3]:
        assert ui.goto(f"/sager/{case.number}/").status == 200
    assert ui.goto(f"/sager/{cases[3].number}/").status == 429

    expect(page.get_by_role("heading", level=1)).to_have_text("Adgangen til sager er spærret")
    expect(page.get_by_role("alert")).to_contain_text("spærret i 15 min. Revisor er underrettet.")
    expect(page.locator("main")).not_to_contain_text(cases[3].person.full_name)
    ui.check("case-refused-429")

    review = open_ui("auditor")
    review.login(UserFactory(username="revisor", agency="", role=Role.DP_AUDITOR, team=None))
    review.goto("/noedadgang/gennemgang/")
    rows = review.page.get_by_test_id("read-alert-queue").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(cmm_worker.username)
    expect(rows.first).to_contain_text("4")  # distinct cases, the refused one included
    review.check("read-alert-queue")
    rows.first.get_by_role("button", name=f"Markér som gennemgået {cmm_worker.username}").click()
    expect(review.page.get_by_role("status")).to_have_text("Markeret som gennemgået.")
    expect(review.page.locator("main")).to_contain_text("Ingen alarm om mange sager venter på gennemgang.")
    review.check("read-alert-reviewed")
    assert ReadAlert.objects.get().reviewed_at is not None
