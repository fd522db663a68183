"""The API for sharing and hand-overs: the browser's services and rules, in the API's error shape."""

import datetime as dt

import pytest
from django.utils import timezone

from access import policy
from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases.codes import ResidenceStatus
from cases.models import Case
from grants import services
from grants.models import Handover, Share
from tests.cases.test_api import as_user, assert_validation_error, post_json, request_component, schema
from tests.factories import UserFactory, login, make_case
from tests.states import assessed, bump_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def cmm_case(cmm_worker):
    return make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)


def version(case) -> int:
    return Case.objects.get(pk=case.pk).version


def share_input(case, team, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "version": version(case),
        "team": team.pk,
        "scope": Share.Scope.SUPPORT,
        "consent_given_on": today.isoformat(),
        "expires_on": (today + dt.timedelta(days=30)).isoformat(),
        **overrides,
    }


def shared(case, actor, team) -> Share:
    today = timezone.localdate()
    return services.share_create(
        case=Case.objects.get(pk=case.pk),
        actor=actor,
        expected_version=version(case),
        team=team,
        scope=Share.Scope.SUPPORT,
        consent_given_on=today,
        expires_on=today + dt.timedelta(days=30),
    )


def requested(case, actor) -> Handover:
    return services.handover_request(
        case=Case.objects.get(pk=case.pk), actor=actor, expected_version=version(case), reason="Udvisning varslet"
    )


def shares_url(case) -> str:
    return f"/api/v1/cases/{case.number}/shares/"


def withdraw_url(case, share_id) -> str:
    return f"/api/v1/cases/{case.number}/shares/{share_id}/withdraw/"


def handover_url(case, rest="") -> str:
    return f"/api/v1/cases/{case.number}/handover/{rest}"


def visible_to(user, case) -> bool:
    return policy.visible_cases(user).filter(pk=case.pk).exists()


# --- sharing -----------------------------------------------------------------------------------------------------


def test_sharing_through_the_api_shows_the_case_to_the_organisation(client, cmm_worker, ngo_worker, reden, cmm_case):
    response = post_json(as_user(client, cmm_worker), shares_url(cmm_case), share_input(cmm_case, reden))

    assert response.status_code == 201, response.content
    body = response.json()
    share = Share.objects.get(case=cmm_case)
    assert (body["id"], body["team"], body["team_name"], body["withdrawn_at"]) == (share.pk, reden.pk, "Reden", None)
    assert share.recorded_by == cmm_worker
    assert visible_to(ngo_worker, cmm_case)
    assert version(cmm_case) == cmm_case.version + 1
    assert AuditEvent.objects.filter(what="share_create", case_ids=[cmm_case.pk]).exists()


def test_a_refused_share_has_the_same_reason_in_the_browser_and_the_api(client, cmm_worker, reden, cmm_case):
    today = timezone.localdate()
    bad = {"consent_given_on": today.isoformat(), "expires_on": (today - dt.timedelta(days=1)).isoformat()}
    login(client, cmm_worker)

    page = client.post(f"/sager/{cmm_case.number}/deling/", share_input(cmm_case, reden, **bad))
    api = post_json(client, shares_url(cmm_case), share_input(cmm_case, reden, **bad))

    error = assert_validation_error(api, "expires_on")
    assert error["code"] == "refused"
    assert page.status_code == 400 and error["detail"] in page.content.decode()
    assert not Share.objects.exists()


def test_a_share_with_a_team_that_is_not_an_ngo_or_the_iom_is_refused_on_the_team(client, cmm_worker, cmm_case):
    response = post_json(as_user(client, cmm_worker), shares_url(cmm_case), share_input(cmm_case, cmm_worker.team))

    assert "NGO eller IOM" in assert_validation_error(response, "team")["detail"]
    assert not Share.objects.exists()


def test_a_stale_share_is_a_conflict(client, cmm_worker, reden, cmm_case):
    data = share_input(cmm_case, reden)
    bump_version(cmm_case)

    response = post_json(as_user(client, cmm_worker), shares_url(cmm_case), data)

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "stale"
    assert not Share.objects.exists()


def test_withdrawing_through_the_api_ends_the_share_at_once(client, cmm_worker, ngo_worker, reden, cmm_case):
    share = shared(cmm_case, cmm_worker, reden)
    as_user(client, cmm_worker)

    response = post_json(client, withdraw_url(cmm_case, share.pk), {})
    again = post_json(client, withdraw_url(cmm_case, share.pk), {})

    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_at"] is not None
    assert not visible_to(ngo_worker, cmm_case)
    assert "allerede tilbagekaldt" in assert_validation_error(again, "non_field_errors")["detail"]


def test_a_share_of_another_case_is_not_found(client, cmm_worker, reden, cmm_case):
    other = make_case(cmm_worker)
    share = shared(other, cmm_worker, reden)

    response = post_json(as_user(client, cmm_worker), withdraw_url(cmm_case, share.pk), {})

    assert response.status_code == 404
    assert Share.objects.get(pk=share.pk).withdrawn_at is None


@pytest.mark.parametrize("door", ["page", "api"])
def test_consent_withdrawn_after_the_case_closed_ends_the_share_too(client, cmm_worker, dis_worker, reden, door):
    """A person may withdraw consent at any time: the organisation's access must not outlive it."""
    case = make_case(cmm_worker)
    share = shared(case, cmm_worker, reden)
    assessed(Case.objects.get(pk=case.pk), dis_worker, decision="not_victim")
    login(client, cmm_worker)

    if door == "page":
        response = client.post(f"/sager/{case.number}/deling/{share.pk}/tilbagekald/", {"confirmed": "yes"})
        assert response.status_code == 302
    else:
        assert post_json(client, withdraw_url(case, share.pk), {}).status_code == 200

    assert Share.objects.get(pk=share.pk).withdrawn_at is not None
    assert not policy.visible_cases(UserFactory(agency=Agency.NGO, role=Role.NGO_WORKER, team=reden)).exists()


# --- hand-over ---------------------------------------------------------------------------------------------------


def test_requesting_a_hand_over_through_the_api_shows_the_case_to_the_other_authority(
    client, cmm_worker, dis_worker, cmm_case
):
    response = post_json(
        as_user(client, cmm_worker), handover_url(cmm_case), {"version": version(cmm_case), "reason": "Udvisning"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["case"], body["from_authority"], body["to_authority"], body["status"]) == (
        cmm_case.number,
        Agency.CMM,
        Agency.DIS,
        Handover.Status.PENDING,
    )
    assert visible_to(dis_worker, cmm_case)


def test_a_second_request_is_refused_with_the_same_words_in_the_browser_and_the_api(client, cmm_worker, cmm_case):
    requested(cmm_case, cmm_worker)
    login(client, cmm_worker)

    page = client.get(f"/sager/{cmm_case.number}/overdragelse/")
    api = post_json(client, handover_url(cmm_case), {"version": version(cmm_case), "reason": "Igen"})

    error = assert_validation_error(api, "non_field_errors")
    assert error["detail"] == str(services.HANDOVER_PENDING)
    assert page.status_code == 403 and error["detail"] in page.content.decode()
    assert Handover.objects.count() == 1


def test_a_request_needs_a_reason(client, cmm_worker, cmm_case):
    response = post_json(as_user(client, cmm_worker), handover_url(cmm_case), {"version": version(cmm_case)})

    assert_validation_error(response, "reason")
    assert not Handover.objects.exists()


def test_the_receiving_authority_accepts_through_the_api(client, cmm_worker, dis_worker, cmm_case):
    requested(cmm_case, cmm_worker)

    response = post_json(
        as_user(client, dis_worker), handover_url(cmm_case, "decision/"), {"version": version(cmm_case), "accept": True}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == Handover.Status.ACCEPTED
    assert Case.objects.get(pk=cmm_case.pk).competent_authority == Agency.DIS


def test_a_rejection_answers_the_hand_over_though_the_case_is_no_longer_theirs_to_see(
    client, cmm_worker, dis_worker, cmm_case
):
    requested(cmm_case, cmm_worker)
    as_user(client, dis_worker)

    unexplained = post_json(
        client, handover_url(cmm_case, "decision/"), {"version": version(cmm_case), "accept": False}
    )
    rejected = post_json(
        client,
        handover_url(cmm_case, "decision/"),
        {"version": version(cmm_case), "accept": False, "decision_reason": "Lovligt ophold uden udvisning."},
    )

    assert assert_validation_error(unexplained, "decision_reason")["code"] == "refused"
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == Handover.Status.REJECTED
    assert Case.objects.get(pk=cmm_case.pk).competent_authority == Agency.CMM
    assert not visible_to(dis_worker, cmm_case)


def test_the_requesting_authority_cannot_decide_its_own_request(client, cmm_worker, coordinator, cmm_case):
    requested(cmm_case, cmm_worker)

    response = post_json(
        as_user(client, coordinator),
        handover_url(cmm_case, "decision/"),
        {"version": version(cmm_case), "accept": True},
    )

    assert_validation_error(response, "non_field_errors")
    assert Handover.objects.get().status == Handover.Status.PENDING


def test_a_stale_decision_is_a_conflict(client, cmm_worker, dis_worker, cmm_case):
    requested(cmm_case, cmm_worker)
    data = {"version": version(cmm_case), "accept": True}
    bump_version(Case.objects.get(pk=cmm_case.pk))

    response = post_json(as_user(client, dis_worker), handover_url(cmm_case, "decision/"), data)

    assert response.status_code == 409
    assert Handover.objects.get().status == Handover.Status.PENDING


# --- the contract every endpoint shares --------------------------------------------------------------------------

ENDPOINTS = ["shares/", "shares/{share}/withdraw/", "handover/", "handover/decision/", "residence-status/"]
# The decision is refused by role before the case is looked up: the unseen-case test for it is its own.
CMM_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint != "handover/decision/"]


@pytest.fixture
def world(cmm_worker, reden, cmm_case):
    """A CMM case shared with Reden, with a hand-over pending to DIS (so every endpoint has something to act on)."""
    share = shared(cmm_case, cmm_worker, reden)
    requested(cmm_case, cmm_worker)
    return cmm_case, share


def endpoint_url(case, share, endpoint: str) -> str:
    return f"/api/v1/cases/{case.number}/" + endpoint.format(share=share.pk)


def snapshot(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (
        case.version,
        case.competent_authority,
        list(case.shares.values_list("withdrawn_at", flat=True)),
        list(case.handovers.values_list("status", flat=True)),
    )


@pytest.mark.parametrize("endpoint", CMM_ENDPOINTS)
def test_a_case_you_may_not_see_answers_exactly_like_one_that_does_not_exist(client, cmm_outsider, world, endpoint):
    case, share = world
    before = snapshot(case)
    as_user(client, cmm_outsider)

    hidden = post_json(client, endpoint_url(case, share, endpoint), {"version": version(case)})
    missing = post_json(client, endpoint_url(Case(number="CMM-1999-9999"), share, endpoint), {"version": 1})

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.json()["errors"][0]["code"] == "not_found"
    assert snapshot(case) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_role_without_the_action_is_forbidden(client, ngo_worker, world, endpoint):
    """The NGO worker sees the case shared with them, and may take none of these actions on it."""
    case, share = world
    before = snapshot(case)

    response = post_json(as_user(client, ngo_worker), endpoint_url(case, share, endpoint), {"version": version(case)})

    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert snapshot(case) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unauthenticated_calls_are_refused(client, world, endpoint):
    case, share = world
    before = snapshot(case)

    response = post_json(client, endpoint_url(case, share, endpoint), {"version": version(case)})

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert snapshot(case) == before


def test_the_schema_documents_each_endpoints_input_and_refusals(client, cmm_worker):
    spec = schema(as_user(client, cmm_worker))

    expected_fields = {
        "/api/v1/cases/{number}/shares/": {"version", "team", "scope", "consent_given_on", "expires_on"},
        "/api/v1/cases/{number}/handover/": {"version", "reason"},
        "/api/v1/cases/{number}/handover/decision/": {"version", "accept", "decision_reason"},
        "/api/v1/cases/{number}/residence-status/": {"version", "residence_status", "reason"},
    }
    for path, fields in expected_fields.items():
        assert fields <= set(request_component(spec, path)["properties"]), path
        responses = spec["paths"][path]["post"]["responses"]
        assert {"400", "403", "404", "409"} <= set(responses), path
        assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ConflictResponse")
    withdraw = spec["paths"]["/api/v1/cases/{number}/shares/{share_id}/withdraw/"]["post"]["responses"]
    assert {"200", "400", "403", "404"} <= set(withdraw)


def test_a_coordinator_accepts_a_hand_over_dis_started_on_a_case_cmm_never_had(client, dis_worker, coordinator):
    """Legal residence granted to an asylum seeker DIS registered: CMM must see the case to take it over."""
    case = make_case(dis_worker, residence_status=ResidenceStatus.ASYLUM_SEEKER)
    assert not visible_to(coordinator, case)
    services.residence_status_change(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
        reason="Opholdstilladelse givet.",
    )
    as_user(client, coordinator)

    page = client.get(f"/sager/{case.number}/")
    response = post_json(client, handover_url(case, "decision/"), {"version": version(case), "accept": True})

    assert page.status_code == 200 and "/overdragelse/afgoer/" in page.content.decode()
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=case.pk).competent_authority == Agency.CMM
    assert visible_to(coordinator, case)


def test_a_hand_over_decision_on_a_case_the_coordinator_may_not_see_is_not_found(client, dis_worker, coordinator):
    case = make_case(dis_worker, residence_status=ResidenceStatus.ASYLUM_SEEKER)
    as_user(client, coordinator)

    hidden = post_json(client, handover_url(case, "decision/"), {"version": version(case), "accept": True})
    missing = post_json(client, handover_url(Case(number="CMM-1999-9999"), "decision/"), {"version": 1, "accept": True})

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
