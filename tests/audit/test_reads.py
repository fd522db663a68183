"""Every page and API call that shows case data writes exactly one audit row, saying who saw which cases."""

import json

import pytest
from django.utils import timezone

from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases.codes import ResidenceStatus
from grants import services as grants
from tests.factories import UserFactory, login, make_case
from tests.states import assessed, granted

from .helpers import last_seq, new_rows

pytestmark = pytest.mark.django_db

NAME = "Zenobia"  # a given name that must never reach the audit log
FAMILY = "Quarshie-Testesen"


@pytest.fixture
def cases(cmm_worker, dis_worker):
    """Cases the CMM contact person may see, one in each state an action form needs (CMM is competent)."""
    legal = {"residence_status": ResidenceStatus.LEGAL_RESIDENCE}
    person = {"given_name": NAME, "family_name": FAMILY}
    return {
        "referred": make_case(cmm_worker, person=person, **legal),
        "identified": assessed(make_case(cmm_worker, **legal), cmm_worker),
        "period": granted(assessed(make_case(cmm_worker, **legal), cmm_worker), cmm_worker),
        "not_victim": assessed(make_case(cmm_worker, **legal), cmm_worker, decision="not_victim"),
        "detained": make_case(cmm_worker, detained=True, detained_at=timezone.now()),  # DIS's, seen via the team
    }


CASE_READS = [
    pytest.param("/sager/{referred}/", "case_page", id="case-page"),
    pytest.param("/sager/{referred}/vurdering/", "assess_form", id="assess-form"),
    pytest.param("/sager/{identified}/periode/", "grant_period_form", id="grant-period-form"),
    pytest.param("/sager/{period}/forlaengelse/", "extend_period_form", id="extend-period-form"),
    pytest.param("/sager/{not_victim}/underretning/", "record_notification_form", id="notification-form"),
    pytest.param("/api/v1/cases/{referred}/", "api_case_detail", id="api-detail"),
    pytest.param("/api/v1/cases/{referred}/events/", "api_case_events", id="api-events"),
]


@pytest.mark.parametrize(("url", "what"), CASE_READS)
def test_a_page_about_one_case_writes_one_read_row_naming_the_case(client, cmm_worker, cases, url, what):
    numbers = {state: case.number for state, case in cases.items()}
    state = url.split("{")[1].split("}")[0]
    since = last_seq()

    response = login(client, cmm_worker).get(url.format(**numbers), headers={"x-forwarded-for": "203.0.113.9"})

    assert response.status_code == 200
    [row] = new_rows(since)
    assert (row.action, row.what, row.purpose) == (AuditEvent.Action.READ, what, AuditEvent.Purpose.CASE_WORK)
    assert row.case_ids == [cases[state].pk]
    assert (row.actor, row.actor_username, row.agency, row.role) == (
        cmm_worker,
        "cmm.kontakt",
        Agency.CMM,
        Role.CMM_CONTACT_PERSON,
    )
    assert row.request_id == response["X-Request-ID"]
    assert row.ip_address == "127.0.0.1"
    assert row.occurred_at.tzinfo is not None


LIST_READS = [
    pytest.param("get", "/", None, AuditEvent.Action.LIST, "home", [], id="home"),
    pytest.param("get", "/sager/", None, AuditEvent.Action.LIST, "case_list", [], id="case-list"),
    pytest.param("get", "/api/v1/cases/", None, AuditEvent.Action.LIST, "api_case_list", [], id="api-list"),
    pytest.param(
        "get",
        "/api/v1/cases/",
        {"status": "referred"},
        AuditEvent.Action.SEARCH,
        "api_case_list",
        ["status"],
        id="api-list-filtered",
    ),
    pytest.param("get", "/api/v1/deadlines/", None, AuditEvent.Action.LIST, "api_deadlines", [], id="api-deadlines"),
]


@pytest.mark.parametrize(("method", "url", "data", "action", "what", "filters"), LIST_READS)
def test_a_list_writes_one_row_with_every_case_it_shows(
    client, cmm_worker, cases, method, url, data, action, what, filters
):
    since = last_seq()

    response = getattr(login(client, cmm_worker), method)(url, data)

    assert response.status_code == 200
    [row] = new_rows(since)
    assert (row.action, row.what) == (action, what)
    assert row.detail.get("filters", []) == filters
    shown = [case for case in cases.values() if case.number in response.content.decode()]
    assert shown, "the page shows cases"
    assert sorted(row.case_ids) == sorted(case.pk for case in shown)


def test_the_case_list_row_names_all_fifty_cases_of_a_full_page_in_one_insert(client, cmm_worker):
    numbers = {make_case(cmm_worker).pk for _ in range(51)}
    login(client, cmm_worker)
    since = last_seq()

    client.get("/sager/")

    [row] = new_rows(since)
    assert len(row.case_ids) == 50
    assert set(row.case_ids) < numbers


@pytest.mark.parametrize(
    ("url", "data", "headers", "what"),
    [
        pytest.param("/sager/", {"q": NAME, "status": "referred"}, {}, "case_list", id="page"),
        pytest.param(
            "/sager/", {"q": f"{NAME} {FAMILY}", "status": "referred"}, {"HX-Request": "true"}, "case_list", id="htmx"
        ),
    ],
)
def test_a_search_records_which_filters_were_used_but_never_what_was_typed(
    client, cmm_worker, cases, url, data, headers, what
):
    since = last_seq()

    response = login(client, cmm_worker).post(url, data, headers=headers)

    assert response.status_code == 200
    [row] = new_rows(since)
    assert (row.action, row.what) == (AuditEvent.Action.SEARCH, what)
    assert row.detail["filters"] == ["q", "status"]
    assert row.case_ids == [cases["referred"].pk]
    assert NAME not in json.dumps(row.detail) and NAME not in row.what


def test_an_api_search_records_the_filters_and_the_cases_found_not_the_name(client, cmm_worker, cases):
    since = last_seq()

    response = login(client, cmm_worker).post(
        "/api/v1/cases/search/", {"q": NAME, "nationality": "NG"}, content_type="application/json"
    )

    assert response.status_code == 200
    [row] = new_rows(since)
    assert (row.action, row.what, row.case_ids) == (AuditEvent.Action.SEARCH, "api_case_search", [cases["referred"].pk])
    assert row.detail == {"filters": ["q", "nationality"]}


def test_a_search_that_finds_nothing_is_still_recorded(client, cmm_worker, cases):
    since = last_seq()

    login(client, cmm_worker).post("/sager/", {"q": "Ingen Sådan"})

    [row] = new_rows(since)
    assert (row.action, row.case_ids, row.detail["filters"]) == (AuditEvent.Action.SEARCH, [], ["q"])


def test_the_home_page_row_covers_its_cases_and_its_deadlines(client, cmm_worker, cases):
    since = last_seq()

    login(client, cmm_worker).get("/")

    [row] = new_rows(since)
    assert cases["detained"].pk in row.case_ids  # listed for its 72-hour deadline
    assert len(row.case_ids) == len(set(row.case_ids))


def test_a_referrer_sees_the_status_of_their_referrals_and_that_is_recorded(client, police):
    case = make_case(UserFactory(role=Role.CMM_CONTACT_PERSON))
    case.referral.registered_by = police
    case.referral.save(update_fields=["registered_by"])
    since = last_seq()

    page = login(client, police).get("/mine-henvisninger/")
    api = client.get("/api/v1/referrals/mine/")

    assert page.status_code == api.status_code == 200
    assert [(row.what, row.case_ids) for row in new_rows(since)] == [
        ("own_referrals", [case.pk]),
        ("api_own_referrals", [case.pk]),
    ]


def test_a_page_that_shows_nothing_writes_nothing(client, cmm_worker, cases):
    """A 404 (not visible) or 403 (not allowed) shows no case data: only the refusal is logged."""
    outsider = UserFactory(role=Role.CMM_CONTACT_PERSON)
    since = last_seq()

    missing = login(client, outsider).get(f"/sager/{cases['referred'].number}/")
    refused = client.get(f"/sager/{cases['referred'].number}/vurdering/")

    assert (missing.status_code, refused.status_code) == (404, 404)
    assert [(row.action, row.case_ids) for row in new_rows(since)] == [(AuditEvent.Action.DENIED, [])] * 2


def test_no_audit_row_holds_a_name_or_search_text(client, cmm_worker, cases):
    """Whatever the pages, searches and writes, the log names cases by id and fields by name only."""
    login(client, cmm_worker)
    for url in ["/", "/sager/", f"/sager/{cases['referred'].number}/", "/api/v1/cases/"]:
        client.get(url)
    client.post("/sager/", {"q": NAME})
    client.post("/api/v1/cases/search/", {"q": FAMILY}, content_type="application/json")
    client.post(
        f"/sager/{cases['referred'].number}/vurdering/",
        {
            "version": cases["referred"].version,
            "decision": "victim",
            "decided_on": timezone.localdate(),
            "reasons": NAME,
        },
    )

    dumped = json.dumps(list(AuditEvent.objects.values()), default=str)

    assert AuditEvent.objects.filter(what="assessment_record").exists()
    assert NAME not in dumped and FAMILY not in dumped


@pytest.mark.parametrize("url", ["/sager/{number}/", "/api/v1/cases/{number}/", "/api/v1/cases/{number}/events/"])
def test_reads_under_break_the_glass_carry_that_purpose(client, coordinator, dis_worker, url):
    case = make_case(dis_worker)  # DIS's case, no CMM team: outside the coordinator's scope
    grants.emergency_access_open(number=case.number, actor=coordinator, reason="Personen er i akut fare lige nu.")
    since = last_seq()

    response = login(client, coordinator).get(url.format(number=case.number))

    assert response.status_code == 200
    [row] = new_rows(since)
    assert (row.purpose, row.case_ids) == (AuditEvent.Purpose.BREAK_THE_GLASS, [case.pk])
