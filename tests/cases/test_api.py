"""The REST API under /api/v1/: scoping, filters, referral registration and the transition endpoints' contract."""

import datetime as dt

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Agency, Role
from cases.codes import ExploitationForm, ResidenceStatus
from cases.deadlines import DeadlineKind
from cases.models import Case, CaseEvent, Deadline, Person
from identification.services import period_grant
from tests.factories import UserFactory, login, make_case
from tests.states import (
    OUTCOMES,
    TRANSITIONS,
    assessed,
    bump_version,
    case_ready_for,
    identified_case,
    not_victim_case,
    period_case,
    snapshot,
    valid_input,
)

pytestmark = pytest.mark.django_db

TRANSITION_PATHS = {
    "assessment": "assessment/",
    "period": "period/",
    "extension": "period/extensions/",
    "notification": "notification/",
}


def case_url(number: str, rest: str = "") -> str:
    return f"/api/v1/cases/{number}/{rest}"


def transition_url(transition: str, number: str) -> str:
    return case_url(number, TRANSITION_PATHS[transition])


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def as_user(client, user):
    login(client, user)
    return client


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def assert_validation_error(response, attr: str) -> dict:
    """A 400 in drf-standardized-errors' shape naming `attr`; returns that error."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}
    errors = {error["attr"]: error for error in body["errors"]}
    assert attr in errors, body
    assert errors[attr]["detail"]
    return errors[attr]


# --- list and scope ---------------------------------------------------------------------------------------------


def test_contact_person_lists_own_and_team_cases_only(client, cmm_worker, cmm_colleague, cmm_outsider, dis_worker):
    mine = make_case(cmm_worker)
    colleagues = make_case(cmm_colleague)
    make_case(cmm_outsider)
    make_case(dis_worker)

    response = as_user(client, cmm_worker).get("/api/v1/cases/")

    assert listed(response) == [colleagues.number, mine.number]
    assert response.json()["count"] == 2


def test_dis_caseworker_lists_dis_competent_cases_only(client, cmm_worker, dis_worker):
    for_dis = make_case(cmm_worker, residence_status=ResidenceStatus.ASYLUM_SEEKER)
    make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)

    assert listed(as_user(client, dis_worker).get("/api/v1/cases/")) == [for_dis.number]


def test_police_may_not_list_cases_but_see_the_status_of_their_own_referrals(client, cmm_worker, police):
    make_case(cmm_worker)
    own = make_case(police)

    listing = as_user(client, police).get("/api/v1/cases/")
    referrals = client.get("/api/v1/referrals/mine/")

    assert listing.status_code == 403
    assert [row["number"] for row in referrals.json()] == [own.number]
    assert set(referrals.json()[0]) == {
        "number",
        "status",
        "competent_authority",
        "created_at",
        "referrer_reference",
        "identification",
        "identification_due_at",
    }


def test_the_own_referrals_api_gives_the_referrers_reference_and_the_72_hour_outcome(client, police):
    detained_at = timezone.now() - dt.timedelta(hours=2)
    detained = make_case(police, detained=True, detained_at=detained_at, referrer_reference="0100-12345-00001-26")
    free = make_case(police)

    rows = {row["number"]: row for row in as_user(client, police).get("/api/v1/referrals/mine/").json()}

    assert rows[detained.number]["referrer_reference"] == "0100-12345-00001-26"
    assert rows[detained.number]["identification"] == "pending"
    assert dt.datetime.fromisoformat(rows[detained.number]["identification_due_at"]) == detained_at + dt.timedelta(
        hours=72
    )
    assert (rows[free.number]["identification"], rows[free.number]["identification_due_at"]) == ("", None)


def test_a_case_shared_with_an_ngo_worker_is_the_only_one_they_list(client, cmm_worker, ngo_worker):
    shared = make_case(cmm_worker)
    make_case(cmm_worker)
    assign_perm("cases.view_case", ngo_worker.team.group, shared)

    assert listed(as_user(client, ngo_worker).get("/api/v1/cases/")) == [shared.number]


def test_list_rows_show_person_and_next_due_time(client, cmm_worker):
    detained_at = timezone.now() - dt.timedelta(hours=2)
    case = make_case(cmm_worker, detained=True, detained_at=detained_at, person={"nationalities": ["TH", "NG"]})

    [row] = as_user(client, cmm_worker).get("/api/v1/cases/").json()["results"]

    assert row["number"] == case.number
    assert row["person"] == "Ada Testesen"
    assert row["nationalities"] == ["TH", "NG"]
    assert row["exploitation_forms"] == [ExploitationForm.SEXUAL]
    assert dt.datetime.fromisoformat(row["next_due"]) == detained_at + dt.timedelta(hours=72)


def test_list_query_count_does_not_grow_with_the_number_of_cases(client, coordinator, django_assert_num_queries):
    for _ in range(5):
        make_case(coordinator, detained=True, detained_at=timezone.now())
    as_user(client, coordinator)

    # session, user, second-factor device, count, page, audit row
    with django_assert_num_queries(6):
        assert len(listed(client.get("/api/v1/cases/"))) == 5


def test_list_is_paginated_by_limit_and_offset(client, coordinator):
    numbers = [make_case(coordinator).number for _ in range(3)]

    response = as_user(client, coordinator).get("/api/v1/cases/", {"limit": 2, "offset": 1})

    assert listed(response) == [numbers[1], numbers[0]]
    assert response.json()["count"] == 3


@pytest.mark.parametrize("path", ["cases/", "cases/{}/", "cases/{}/events/", "deadlines/"])
def test_unauthenticated_reads_are_refused(client, cmm_worker, path):
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now())

    response = client.get("/api/v1/" + path.format(case.number))

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_authenticated"


# --- filters ----------------------------------------------------------------------------------------------------


@pytest.fixture
def filter_cases(cmm_worker, coordinator):
    """Four cases that differ in status, authority, form, nationality and next deadline."""
    now = timezone.now()
    overdue = make_case(
        coordinator, detained=True, detained_at=now - dt.timedelta(hours=80), person={"nationalities": ["NG"]}
    )
    soon = make_case(
        coordinator,
        detained=True,
        detained_at=now - dt.timedelta(hours=1),
        exploitation_forms=[ExploitationForm.FORCED_LABOUR],
        person={"nationalities": ["TH"]},
    )
    in_period = make_case(
        coordinator,
        received_at=now - dt.timedelta(days=10),
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
        exploitation_forms=[ExploitationForm.SEXUAL, ExploitationForm.FORCED_CRIMINALITY],
        person={"nationalities": ["UG"]},
    )
    assessed(in_period, cmm_worker, decided_on=timezone.localdate() - dt.timedelta(days=6))
    period_grant(
        case=in_period,
        actor=cmm_worker,
        expected_version=in_period.version,
        starts_on=timezone.localdate() - dt.timedelta(days=5),
    )
    plain = make_case(
        coordinator, residence_status=ResidenceStatus.LEGAL_RESIDENCE_EXPULSION, person={"nationalities": ["NG"]}
    )
    return {"overdue": overdue, "soon": soon, "period": in_period, "plain": plain}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "period"}, ["period"]),
        ({"status": "referred"}, ["plain", "soon", "overdue"]),
        ({"competent_authority": "CMM"}, ["period"]),
        ({"competent_authority": "DIS"}, ["plain", "soon", "overdue"]),
        ({"exploitation_form": "ForcedLabour"}, ["soon"]),
        ({"exploitation_form": "ForcedCriminality"}, ["period"]),
        ({"nationality": "TH"}, ["soon"]),
        ({"nationality": "NG"}, ["plain", "overdue"]),
        ({"deadline": "overdue"}, ["overdue"]),
        ({"deadline": "7d"}, ["soon", "overdue"]),
        ({"deadline": "30d"}, ["period", "soon", "overdue"]),
        ({"status": "referred", "nationality": "NG", "deadline": "overdue"}, ["overdue"]),
    ],
)
def test_list_filters_narrow_the_visible_cases(client, coordinator, filter_cases, params, expected):
    response = as_user(client, coordinator).get("/api/v1/cases/", params)

    assert listed(response) == [filter_cases[name].number for name in expected]


def test_a_missed_deadline_counts_as_overdue(client, coordinator, filter_cases):
    Deadline.objects.filter(case=filter_cases["overdue"]).update(status=Deadline.Status.MISSED)

    response = as_user(client, coordinator).get("/api/v1/cases/", {"deadline": "overdue"})

    assert listed(response) == [filter_cases["overdue"].number]


def test_filters_only_narrow_within_what_the_user_may_see(client, cmm_outsider, filter_cases):
    assert listed(as_user(client, cmm_outsider).get("/api/v1/cases/", {"nationality": "NG"})) == []


@pytest.mark.parametrize("name", ["status", "competent_authority", "exploitation_form", "nationality", "deadline"])
def test_an_unknown_filter_value_is_a_validation_error_on_that_filter(client, coordinator, name):
    response = as_user(client, coordinator).get("/api/v1/cases/", {name: "bogus"})

    assert_validation_error(response, name)


# --- registering a referral -------------------------------------------------------------------------------------


def referral_input(**referral) -> dict:
    return {
        "person": {"given_name": "Grace", "family_name": "Okoro", "nationalities": ["NG"], "gender": "Feminine"},
        "referral": {
            "received_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
            "source": "POLICE",
            "channel": "police_operation",
            "residence_status": "no_legal_residence",
            "exploitation_forms": ["SexualExploitation"],
            **referral,
        },
    }


@pytest.mark.parametrize(
    ("residence", "authority"),
    [
        ("asylum_seeker", "DIS"),
        ("no_legal_residence", "DIS"),
        ("legal_residence_expulsion", "DIS"),
        ("legal_residence", "CMM"),
    ],
)
def test_registering_a_referral_creates_a_case_for_the_competent_authority(client, coordinator, residence, authority):
    response = post_json(as_user(client, coordinator), "/api/v1/cases/", referral_input(residence_status=residence))

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert (case.competent_authority, body["competent_authority"]) == (authority, authority)
    assert (body["status"], body["version"]) == ("referred", 1)
    assert body["person"]["given_name"] == "Grace"
    assert body["referral"]["residence_status"] == residence
    assert body["deadlines"] == []
    assert case.events.get().event_type == CaseEvent.Type.REFERRAL_REGISTERED


def test_registering_a_detained_person_answers_with_the_72_hour_deadline(client, cmm_worker):
    detained_at = timezone.now() - dt.timedelta(hours=1)

    response = post_json(
        as_user(client, cmm_worker),
        "/api/v1/cases/",
        referral_input(detained=True, detained_at=detained_at.isoformat()),
    )

    assert response.status_code == 201, response.content
    [deadline] = response.json()["deadlines"]
    assert deadline["kind"] == DeadlineKind.IDENTIFICATION
    assert dt.datetime.fromisoformat(deadline["due_at"]) == detained_at + dt.timedelta(hours=72)


def test_dis_registering_a_legal_resident_gets_201_for_the_case_cmm_now_handles(client, dis_worker):
    """The case goes to CMM, which DIS may not see; the registration still succeeds and says so."""
    response = post_json(
        as_user(client, dis_worker), "/api/v1/cases/", referral_input(residence_status="legal_residence")
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["competent_authority"], body["status"]) == ("CMM", "referred")
    assert Case.objects.filter(number=body["number"]).exists()
    assert client.get(case_url(body["number"])).status_code == 404


def test_police_register_a_referral_through_the_api_as_through_the_form(client, police):
    response = post_json(as_user(client, police), "/api/v1/cases/", referral_input())

    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.referral.registered_by == police
    # Registering is not reading: the case itself stays closed to them.
    assert client.get(case_url(case.number)).status_code == 403
    assert [row["number"] for row in client.get("/api/v1/referrals/mine/").json()] == [case.number]


def test_a_role_that_registers_no_referrals_is_refused_by_the_api(client, db):
    img = UserFactory(username="img", agency=Agency.IMG, role=Role.IMG_MEMBER)
    response = post_json(as_user(client, img), "/api/v1/cases/", referral_input())

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert not Case.objects.exists()


def test_unauthenticated_registration_is_refused(client):
    response = post_json(client, "/api/v1/cases/", referral_input())

    assert response.status_code == 403
    assert not Case.objects.exists()


def future() -> str:
    return (timezone.now() + dt.timedelta(hours=2)).isoformat()


def past() -> str:
    return (timezone.now() - dt.timedelta(hours=2)).isoformat()


@pytest.mark.parametrize(
    ("person", "referral", "attr"),
    [
        ({"given_name": None}, {}, "person.given_name"),
        ({"nationalities": ["XX"]}, {}, "person.nationalities.0"),
        ({"gender": "robot"}, {}, "person.gender"),
        ({"date_of_birth": "2999-01-01"}, {}, "person.date_of_birth"),
        ({}, {"source": "MI5"}, "referral.source"),
        ({}, {"channel": None}, "referral.channel"),
        ({}, {"residence_status": "tourist"}, "referral.residence_status"),
        ({}, {"exploitation_forms": []}, "referral.exploitation_forms"),
        ({}, {"exploitation_forms": ["Begging"]}, "referral.exploitation_forms.0"),
        ({}, {"received_at": "yesterday"}, "referral.received_at"),
        ({}, {"received_at": future}, "referral.received_at"),
        ({}, {"detained": True}, "referral.detained_at"),
        ({}, {"detained": True, "detained_at": future}, "referral.detained_at"),
        ({}, {"detained_at": past}, "referral.detained"),
    ],
)
def test_bad_referral_input_is_refused_on_its_field_and_creates_nothing(client, cmm_worker, person, referral, attr):
    data = referral_input(**{key: value() if callable(value) else value for key, value in referral.items()})
    for key, value in person.items():
        if value is None:
            del data["person"][key]
        else:
            data["person"][key] = value
    data["referral"] = {key: value for key, value in data["referral"].items() if value is not None}

    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/", data)

    assert_validation_error(response, attr)
    assert not Case.objects.exists()
    assert not Person.objects.exists()


# --- detail, events, deadlines ----------------------------------------------------------------------------------


def test_case_detail_shows_the_case_as_it_stands(client, cmm_worker, dis_worker):
    case = period_case(cmm_worker, dis_worker)

    response = as_user(client, cmm_worker).get(case_url(case.number))

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["version"]) == (case.number, "period", 3)
    assert body["person"]["family_name"] == "Testesen"
    assert body["assessment"]["decision"] == "victim"
    assert body["assessment"]["assessing_authority"] == "DIS"
    assert (body["period"]["kind"], body["period"]["days_total"]) == ("reflection", 30)
    assert [d["kind"] for d in body["deadlines"]] == [DeadlineKind.PERIOD_END]


def test_case_events_are_listed_newest_first_with_their_actors(client, cmm_worker, dis_worker):
    case = identified_case(cmm_worker, dis_worker)

    response = as_user(client, cmm_worker).get(case_url(case.number, "events/"))

    assert response.status_code == 200
    events = response.json()
    assert [(e["event_type"], e["actor"]) for e in events] == [
        ("assessment_recorded", dis_worker.username),
        ("referral_registered", cmm_worker.username),
    ]
    assert events[0]["reason"] == "Indikatorer og samtale."


def test_deadlines_lists_pending_deadlines_of_visible_cases_overdue_first(client, cmm_worker, cmm_outsider):
    now = timezone.now()
    later = make_case(cmm_worker, detained=True, detained_at=now - dt.timedelta(hours=1))
    overdue = make_case(cmm_worker, detained=True, detained_at=now - dt.timedelta(hours=80))
    make_case(cmm_outsider, detained=True, detained_at=now - dt.timedelta(hours=2))
    met = make_case(cmm_worker, detained=True, detained_at=now - dt.timedelta(hours=3))
    Deadline.objects.filter(case=met).update(status=Deadline.Status.MET, closed_at=now)

    response = as_user(client, cmm_worker).get("/api/v1/deadlines/")

    assert response.status_code == 200
    rows = response.json()
    assert [(row["case"], row["overdue"]) for row in rows] == [(overdue.number, True), (later.number, False)]
    assert {row["kind"] for row in rows} == {DeadlineKind.IDENTIFICATION}


def test_police_see_no_deadlines(client, cmm_worker, police):
    make_case(cmm_worker, detained=True, detained_at=timezone.now())

    assert as_user(client, police).get("/api/v1/deadlines/").status_code == 403


# --- the transition endpoints: the contract they share -----------------------------------------------------------


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_transition_succeeds_and_answers_the_new_state(client, cmm_worker, dis_worker, transition):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    before = snapshot(case)

    response = post_json(
        as_user(client, dis_worker), transition_url(transition, case.number), valid_input(transition, case)
    )

    assert response.status_code == 200, response.content
    status, event_type = OUTCOMES[transition]
    body = response.json()
    assert (body["status"], body["version"]) == (status, before["case"][1] + 1)
    after = snapshot(case)
    assert after["case"][:2] == (status, before["case"][1] + 1)
    assert after["events"] == [*before["events"], event_type]


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_stale_version_is_a_conflict_and_changes_nothing(client, cmm_worker, dis_worker, transition):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    data = valid_input(transition, case)
    bump_version(case)
    before = snapshot(case)

    response = post_json(as_user(client, dis_worker), transition_url(transition, case.number), data)

    assert response.status_code == 409, response.content
    body = response.json()
    assert body["type"] == "client_error"
    [error] = body["errors"]
    assert (error["code"], error["attr"]) == ("stale", None)
    assert "ændret af en anden" in error["detail"]
    assert snapshot(case) == before


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("sent", ["valid", "nothing"])
def test_a_role_without_the_action_is_forbidden_whatever_it_sends(
    client, cmm_worker, dis_worker, ngo_worker, transition, sent
):
    """An NGO worker may see a case shared with them, but may take no action on it."""
    case = case_ready_for(transition, cmm_worker, dis_worker)
    assign_perm("cases.view_case", ngo_worker, case)
    before = snapshot(case)
    data = valid_input(transition, case) if sent == "valid" else {}

    response = post_json(as_user(client, ngo_worker), transition_url(transition, case.number), data)

    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "request_",
    [
        ("get", ""),
        ("get", "events/"),
        *[("post", path) for path in TRANSITION_PATHS.values()],
    ],
    ids=["detail", "events", *TRANSITION_PATHS],
)
def test_a_case_you_may_not_see_answers_exactly_like_one_that_does_not_exist(
    client, cmm_worker, dis_worker, cmm_outsider, request_
):
    method, rest = request_
    case = case_ready_for("assessment", cmm_worker, dis_worker)
    before = snapshot(case)
    as_user(client, cmm_outsider)

    def send(number):
        if method == "get":
            return client.get(case_url(number, rest))
        return post_json(client, case_url(number, rest), valid_input("assessment", case))

    hidden, missing = send(case.number), send("CMM-1999-9999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.json()["errors"][0]["code"] == "not_found"
    assert snapshot(case) == before


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_unauthenticated_transition_is_refused(client, cmm_worker, dis_worker, transition):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    before = snapshot(case)

    response = post_json(client, transition_url(transition, case.number), valid_input(transition, case))

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert snapshot(case) == before


# Each transition sent to a case in a state it does not apply to.
WRONG_STATE = {
    "assessment": "period",
    "period": "assessment",
    "extension": "period",
    "notification": "period",
}


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_transition_in_a_state_that_does_not_allow_it_is_refused_with_the_reason(
    client, cmm_worker, dis_worker, transition
):
    case = case_ready_for(WRONG_STATE[transition], cmm_worker, dis_worker)
    data = valid_input(transition, case)
    before = snapshot(case)

    response = post_json(as_user(client, dis_worker), transition_url(transition, case.number), data)

    error = assert_validation_error(response, "non_field_errors")
    assert error["code"] == "refused"
    assert "ikke mulig" in error["detail"]
    assert snapshot(case) == before


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("version", [None, "0", "ny"])
def test_missing_or_bad_version_is_a_validation_error(client, cmm_worker, dis_worker, transition, version):
    case = case_ready_for(transition, cmm_worker, dis_worker)
    data = valid_input(transition, case)
    if version is None:
        del data["version"]
    else:
        data["version"] = version

    response = post_json(as_user(client, dis_worker), transition_url(transition, case.number), data)

    assert_validation_error(response, "version")


# --- the notification endpoint ----------------------------------------------------------------------------------


def test_notification_meets_the_notification_deadline(client, cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)

    response = post_json(
        as_user(client, dis_worker), transition_url("notification", case.number), valid_input("notification", case)
    )

    assert response.status_code == 200, response.content
    [deadline] = response.json()["deadlines"]
    assert (deadline["kind"], deadline["status"]) == (DeadlineKind.NOT_VICTIM_NOTIFICATION, "met")


@pytest.mark.parametrize(
    ("notified_at", "code"),
    [(None, "required"), ("i går", "invalid"), ("2999-01-01T10:00", "date_in_future")],
)
def test_bad_notification_time_is_refused_on_its_field(client, cmm_worker, dis_worker, notified_at, code):
    case = not_victim_case(cmm_worker, dis_worker)
    data = {"version": case.version}
    if notified_at:
        data["notified_at"] = notified_at
    before = snapshot(case)

    response = post_json(as_user(client, dis_worker), transition_url("notification", case.number), data)

    assert assert_validation_error(response, "notified_at")["code"] == code
    assert snapshot(case) == before


def test_a_second_notification_is_refused_with_the_reason(client, cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)
    as_user(client, dis_worker)
    post_json(client, transition_url("notification", case.number), valid_input("notification", case))
    before = snapshot(case)

    response = post_json(client, transition_url("notification", case.number), valid_input("notification", case))

    error = assert_validation_error(response, "non_field_errors")
    assert "allerede registreret" in error["detail"]
    assert snapshot(case) == before


def test_cmm_may_not_record_the_notification_for_a_dis_decision(client, cmm_worker, coordinator, dis_worker):
    """As in the browser, only the competent authority's staff act on its case: refused, nothing is written."""
    case = not_victim_case(cmm_worker, dis_worker)
    before = snapshot(case)

    response = post_json(
        as_user(client, coordinator), transition_url("notification", case.number), valid_input("notification", case)
    )

    assert response.status_code in (400, 403)
    assert snapshot(case) == before


# --- schema and docs --------------------------------------------------------------------------------------------


def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    return response.json()


def request_component(spec: dict, path: str) -> dict:
    ref = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_schema_renders_for_a_logged_in_user(client, cmm_worker):
    response = as_user(client, cmm_worker).get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def test_schema_documents_each_endpoints_own_input_and_the_conflict(client, cmm_worker):
    spec = schema(as_user(client, cmm_worker))

    expected_fields = {
        "/api/v1/cases/": {"person", "referral"},
        "/api/v1/cases/{number}/assessment/": {"version", "decision", "decided_on", "reasons"},
        "/api/v1/cases/{number}/period/": {"version", "starts_on"},
        "/api/v1/cases/{number}/period/extensions/": {"version", "days", "cooperates_on_repatriation"},
        "/api/v1/cases/{number}/notification/": {"version", "notified_at"},
    }
    for path, fields in expected_fields.items():
        assert fields <= set(request_component(spec, path)["properties"]), path
        assert "403" in spec["paths"][path]["post"]["responses"], path
    for path in list(expected_fields)[1:]:
        conflict = spec["paths"][path]["post"]["responses"]["409"]["content"]["application/json"]["schema"]
        assert conflict["$ref"].endswith("/ConflictResponse"), path


def test_schema_documents_the_standard_error_bodies(client, cmm_worker):
    spec = schema(as_user(client, cmm_worker))

    for path in ["/api/v1/cases/{number}/assessment/", "/api/v1/cases/{number}/notification/"]:
        assert {"400", "404"} <= set(spec["paths"][path]["post"]["responses"]), path
    assert "404" in spec["paths"]["/api/v1/cases/{number}/"]["get"]["responses"]


def test_schema_is_not_served_to_anonymous_callers(client):
    assert client.get("/api/schema/").status_code == 403


def test_api_docs_render_without_inline_script(client, cmm_worker):
    as_user(client, cmm_worker)

    page = client.get("/api/docs/")
    script = client.get("/api/docs/", {"script": ""})

    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    assert b'src="/api/docs/?script=' in page.content
    assert script.status_code == 200
    assert b"/api/schema/" in script.content


def test_name_search_is_refused_in_a_query_string(client, cmm_worker):
    make_case(cmm_worker, person={"given_name": "Grace", "family_name": "Okafor"})

    response = as_user(client, cmm_worker).get("/api/v1/cases/", {"q": "Okafor"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "q"


def test_search_by_name_in_the_body_finds_only_visible_cases(client, cmm_worker, cmm_outsider):
    mine = make_case(cmm_worker, person={"given_name": "Grace", "family_name": "Okafor"})
    make_case(cmm_outsider, person={"given_name": "Grace", "family_name": "Okafor"})

    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/search/", {"q": "grace okafor"})

    assert response.status_code == 200
    assert [row["number"] for row in response.json()["results"]] == [mine.number]


def test_search_with_a_bad_filter_names_it(client, cmm_worker):
    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/search/", {"status": "nonsense"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "status"
