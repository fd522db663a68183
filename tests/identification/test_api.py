"""The identification endpoints: assessment, period and extensions, field by field.

The contract every transition endpoint shares (404, 403, 409, unauthenticated) is in tests/cases/test_api.py.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cases.deadlines import DeadlineKind
from cases.models import Case
from identification.models import Period, PeriodExtension
from tests.factories import login
from tests.states import case_ready_for, extended, snapshot, valid_input

pytestmark = pytest.mark.django_db

URLS = {
    "assessment": "/api/v1/cases/{}/assessment/",
    "period": "/api/v1/cases/{}/period/",
    "extension": "/api/v1/cases/{}/period/extensions/",
}


def send(client, user, transition, case, **changes):
    """POST valid input for the transition with `changes` applied (None removes a field)."""
    data = {**valid_input(transition, case), **changes}
    data = {key: value for key, value in data.items() if value is not None}
    login(client, user)
    return client.post(URLS[transition].format(case.number), data, content_type="application/json")


def refused_on(response, attr: str) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    errors = {error["attr"]: error for error in body["errors"]}
    assert attr in errors, body
    return errors[attr]


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


# --- assessment -------------------------------------------------------------------------------------------------


def test_not_victim_assessment_closes_the_case_and_answers_the_notification_deadline(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)

    response = send(client, dis_worker, "assessment", case, decision="not_victim")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["exit_reason"]) == ("closed", "not_victim")
    assert body["assessment"]["indicators"] == ["debt", "violence"]
    assert [(d["kind"], d["status"]) for d in body["deadlines"]] == [(DeadlineKind.NOT_VICTIM_NOTIFICATION, "open")]


@pytest.mark.parametrize(
    ("changes", "attr", "code"),
    [
        ({"decision": "maybe"}, "decision", "invalid_choice"),
        ({"decision": None}, "decision", "required"),
        ({"decided_on": "31-12-2026"}, "decided_on", "invalid"),
        ({"decided_on": "2999-01-01", "interview_on": None}, "decided_on", "date_in_future"),
        ({"decided_on": days_ago(30), "interview_on": None}, "decided_on", "refused"),  # before the referral
        ({"reasons": ""}, "reasons", "blank"),
        ({"reasons": None}, "reasons", "required"),
        ({"interview_on": "sidste tirsdag"}, "interview_on", "invalid"),
        ({"decided_on": days_ago(1), "interview_on": days_ago(0)}, "interview_on", "refused"),
        ({"interpreter_language": "x" * 101}, "interpreter_language", "max_length"),
        ({"indicators": ["bogus"]}, "indicators.0", "invalid_choice"),
        ({"indicators": "debt"}, "indicators", "not_a_list"),
    ],
)
def test_bad_assessment_input_is_refused_on_its_field(client, cmm_worker, dis_worker, changes, attr, code):
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)

    response = send(client, dis_worker, "assessment", case, **changes)

    assert refused_on(response, attr)["code"] == code
    assert snapshot(case) == before


def test_cmm_assessing_a_case_dis_is_competent_for_is_refused_with_the_reason(client, cmm_worker, coordinator):
    case = case_ready_for("assessment", cmm_worker, None)
    before = snapshot(case)

    response = send(client, coordinator, "assessment", case)

    error = refused_on(response, "non_field_errors")
    assert "så Udlændingestyrelsen er kompetent myndighed" in error["detail"]
    assert snapshot(case) == before


# --- period -----------------------------------------------------------------------------------------------------


def test_granting_a_period_answers_the_period_and_its_end_deadline(client, cmm_worker, dis_worker):
    case = case_ready_for("period", cmm_worker, dis_worker)

    response = send(client, dis_worker, "period", case)

    assert response.status_code == 200, response.content
    body = response.json()
    starts_on = dt.date.fromisoformat(body["period"]["starts_on"])
    assert (body["period"]["kind"], body["period"]["days_total"]) == ("reflection", 30)
    assert body["period"]["last_day"] == (starts_on + dt.timedelta(days=29)).isoformat()
    [deadline] = [d for d in body["deadlines"] if d["kind"] == DeadlineKind.PERIOD_END]
    assert deadline["status"] == "open"


@pytest.mark.parametrize(
    ("starts_on", "code"),
    [(None, "required"), ("", "invalid"), ("1. april", "invalid"), ("before-decision", "refused")],
)
def test_bad_period_start_is_refused_on_its_field(client, cmm_worker, dis_worker, starts_on, code):
    case = case_ready_for("period", cmm_worker, dis_worker)
    if starts_on == "before-decision":
        starts_on = (case.assessment.decided_on - dt.timedelta(days=1)).isoformat()
    before = snapshot(case)

    response = send(client, dis_worker, "period", case, starts_on=starts_on)

    assert refused_on(response, "starts_on")["code"] == code
    assert snapshot(case) == before


# --- extensions -------------------------------------------------------------------------------------------------


def test_extending_answers_the_longer_period_with_the_extension(client, cmm_worker, dis_worker):
    case = case_ready_for("extension", cmm_worker, dis_worker)

    response = send(client, dis_worker, "extension", case, days=45)

    assert response.status_code == 200, response.content
    period = response.json()["period"]
    assert period["days_total"] == 75
    [extension] = period["extensions"]
    assert (extension["days"], extension["cooperates_on_repatriation"]) == (45, True)
    assert extension["exceptional_circumstances"] == "Indlagt på hospital"


@pytest.mark.parametrize(
    ("changes", "attr", "code"),
    [
        ({"days": "0"}, "days", "min_value"),
        ({"days": "91"}, "days", "max_value"),
        ({"days": "mange"}, "days", "invalid"),
        ({"days": None}, "days", "required"),
        ({"exceptional_circumstances": ""}, "exceptional_circumstances", "refused"),
        ({"exceptional_circumstances": "   "}, "exceptional_circumstances", "refused"),
        ({"exceptional_circumstances": None}, "exceptional_circumstances", "required"),
        ({"cooperates_on_repatriation": False}, "cooperates_on_repatriation", "refused"),
        ({"cooperates_on_repatriation": None}, "cooperates_on_repatriation", "required"),
        ({"cooperates_on_repatriation": "kanske"}, "cooperates_on_repatriation", "invalid"),
    ],
)
def test_bad_extension_input_is_refused_on_its_field(client, cmm_worker, dis_worker, changes, attr, code):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    before = snapshot(case)

    response = send(client, dis_worker, "extension", case, **changes)

    assert refused_on(response, attr)["code"] == code
    assert snapshot(case) == before


def test_extension_past_120_days_in_total_is_refused_on_days_with_what_remains(client, cmm_worker, dis_worker):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    extended(case, dis_worker, 60)
    before = snapshot(case)

    response = send(client, dis_worker, "extension", case, days="31")

    error = refused_on(response, "days")
    assert "Du kan højst forlænge med 30 dage: perioden er nu 90 dage" in error["detail"]
    assert snapshot(case) == before
    assert Period.objects.get(case=case).days_total == 90


def test_extension_up_to_exactly_120_days_is_allowed(client, cmm_worker, dis_worker):
    case = case_ready_for("extension", cmm_worker, dis_worker)
    extended(case, dis_worker, 60)

    response = send(client, dis_worker, "extension", case, days="30")

    assert response.status_code == 200, response.content
    assert response.json()["period"]["days_total"] == 120
    assert PeriodExtension.objects.filter(period__case=case).count() == 2


def test_a_second_extension_with_the_version_from_before_the_first_is_a_conflict(client, cmm_worker, dis_worker):
    """Two caseworkers open the extension form; the second to save is told, and nothing of theirs is written."""
    case = case_ready_for("extension", cmm_worker, dis_worker)
    seen = valid_input("extension", case)
    send(client, dis_worker, "extension", case, days="20")

    response = client.post(
        URLS["extension"].format(case.number), {**seen, "days": "40"}, content_type="application/json"
    )

    assert response.status_code == 409
    assert Period.objects.get(case=case).days_total == 50
    assert Case.objects.get(pk=case.pk).version == case.version + 1
