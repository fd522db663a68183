"""The assessment, period and extension forms with bad input: the error beside its field, nothing typed lost.

What the case action forms share (409, 403, 404, login) is in tests/cases/test_views.py.
"""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from tests.factories import login
from tests.html import Page
from tests.states import case_ready_for, extended, snapshot, valid_input

pytestmark = pytest.mark.django_db

PATHS = {"assessment": "vurdering/", "period": "periode/", "extension": "forlaengelse/"}


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def post_bad(client, user, transition, case, changes):
    posted = {**valid_input(transition, case), **changes}
    posted = {key: value for key, value in posted.items() if value is not None}
    login(client, user)
    return posted, client.post(f"/sager/{case.number}/{PATHS[transition]}", posted)


def assert_shown_again(response, posted, field, message):
    """400; the message beside the field and in the summary; every typed value still in the form."""
    assert response.status_code == 400
    page = Page(response)
    errors = page.field_errors(field)
    assert any(message in error for error in errors), (field, errors)
    assert message in page.error_summary()
    page.assert_keeps(posted)
    return page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # the form's own checks
        ({"reasons": ""}, "reasons", "Skriv begrundelsen for afgørelsen."),
        ({"decision": None}, "decision", "Vælg afgørelsen."),
        ({"decided_on": "31/12 i år"}, "decided_on", "Skriv datoen som dag, måned og år"),
        ({"interview_on": "sidste tirsdag"}, "interview_on", "Skriv datoen som dag, måned og år"),
        ({"interpreter_language": "x" * 101}, "interpreter_language", "højst 100 tegn (nu 101)"),
        # the service's checks, shown on the field it names
        ({"decided_on": "2999-01-01", "interview_on": ""}, "decided_on", "Afgørelsesdatoen kan ikke ligge i fremtiden"),
        ({"decided_on": days_ago(30), "interview_on": ""}, "decided_on", "før henvisningen blev modtaget"),
        ({"decided_on": days_ago(1), "interview_on": days_ago(0)}, "interview_on", "Samtalen kan ikke ligge efter"),
    ],
)
def test_bad_assessment_is_shown_again_beside_its_field(client, cmm_worker, dis_worker, changes, field, message):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)

    posted, response = post_bad(client, dis_worker, "assessment", case, {"decision": "not_victim", **changes})

    page = assert_shown_again(response, posted, field, message)
    assert page.value("indicators") == ["debt", "violence"]
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("starts_on", "message"),
    [
        ("", "Skriv periodens første dag."),
        ("1. april", "Skriv datoen som dag, måned og år"),
        ("before-decision", "Perioden kan ikke begynde før afgørelsen"),
    ],
)
def test_bad_period_start_is_shown_again_beside_its_field(client, cmm_worker, dis_worker, starts_on, message):
    case = case_ready_for("period", cmm_worker, dis_worker)
    if starts_on == "before-decision":
        starts_on = (case.assessment.decided_on - dt.timedelta(days=1)).isoformat()
    before = snapshot(case)

    posted, response = post_bad(client, dis_worker, "period", case, {"starts_on": starts_on})

    assert_shown_again(response, posted, "starts_on", message)
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"days": "0"}, "days", "Forlæng med mindst 1 dag."),
        ({"days": "91"}, "days", "Du kan højst forlænge med 90 dage: perioden er nu 30 dage"),
        ({"days": "en måned"}, "days", "Skriv antallet af dage som et helt tal"),
        ({"exceptional_circumstances": ""}, "exceptional_circumstances", "Beskriv de særlige omstændigheder."),
        ({"cooperates_on_repatriation": None}, "cooperates_on_repatriation", "forberedt hjemrejse"),
    ],
)
def test_bad_extension_is_shown_again_beside_its_field(client, cmm_worker, dis_worker, changes, field, message):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    before = snapshot(case)

    posted, response = post_bad(client, dis_worker, "extension", case, changes)

    page = assert_shown_again(response, posted, field, message)
    if "cooperates_on_repatriation" not in posted:
        assert page.value("cooperates_on_repatriation") == []
    assert snapshot(case) == before


def test_extension_past_120_days_is_shown_beside_days_with_what_remains(client, cmm_worker, dis_worker):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    extended(case, dis_worker, 80)
    before = snapshot(case)

    posted, response = post_bad(client, dis_worker, "extension", case, {"days": "11"})

    assert_shown_again(response, posted, "days", "Du kan højst forlænge med 10 dage: perioden er nu 110 dage")
    assert snapshot(case) == before


# --- every problem in one pass: the form's checks and the domain's together --------------------------------------


def test_an_assessment_reports_the_form_and_the_domain_problems_at_once(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)

    posted, response = post_bad(
        client,
        dis_worker,
        "assessment",
        case,
        # no reasons (the form's check), a decision before the referral and an interview after it (the domain's)
        {"reasons": "", "decided_on": days_ago(30), "interview_on": days_ago(0)},
    )

    assert_shown_again(response, posted, "reasons", "Skriv begrundelsen for afgørelsen.")
    assert_shown_again(response, posted, "decided_on", "før henvisningen blev modtaget")
    assert_shown_again(response, posted, "interview_on", "Samtalen kan ikke ligge efter afgørelsen")
    assert snapshot(case) == before


def test_a_period_start_refused_by_the_domain_is_reported_by_the_form_itself(client, cmm_worker, dis_worker):
    """One field, so one problem; the domain's rule is the form's own first answer, not a second round."""
    case = case_ready_for("period", cmm_worker, dis_worker)
    decided_on = case.assessment.decided_on
    earlier = decided_on - dt.timedelta(days=1)

    posted, response = post_bad(client, dis_worker, "period", case, {"starts_on": earlier.isoformat()})

    decided = date_format(decided_on, "j. F Y")
    assert_shown_again(response, posted, "starts_on", f"Perioden kan ikke begynde før afgørelsen, {decided}.")


def test_an_extension_reports_the_days_left_and_the_missing_conditions_at_once(client, cmm_worker, dis_worker):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    before = snapshot(case)

    posted, response = post_bad(
        client,
        dis_worker,
        "extension",
        case,
        {"days": "91", "exceptional_circumstances": "", "cooperates_on_repatriation": None},
    )

    assert_shown_again(response, posted, "days", "Du kan højst forlænge med 90 dage: perioden er nu 30 dage")
    assert_shown_again(response, posted, "exceptional_circumstances", "Beskriv de særlige omstændigheder.")
    assert_shown_again(response, posted, "cooperates_on_repatriation", "forberedt hjemrejse")
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"reasons": ""}, "reasons"), ({"decided_on": "i går"}, "decided_on"), ({"decision": None}, "decision")],
)
def test_no_django_stock_text_on_the_assessment_form(client, cmm_worker, dis_worker, changes, field):
    case = case_ready_for("assessment", cmm_worker, dis_worker)

    _posted, response = post_bad(client, dis_worker, "assessment", case, changes)

    text = Page(response).text
    for stock in ("Dette felt er påkrævet", "Indtast en gyldig dato", "Vælg et gyldigt valg"):
        assert stock not in text
