"""A change of residence status: a recorded transition that starts a hand-over when the authority changes."""

import pytest
from guardian.shortcuts import assign_perm

from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases.codes import ResidenceStatus
from cases.errors import DomainError, NotAllowed, StaleCase
from cases.models import Case, CaseEvent
from grants import services
from grants.models import Handover
from tests.cases.test_api import as_user, assert_validation_error, post_json
from tests.factories import UserFactory, login, make_case
from tests.states import bump_version, not_victim_case

pytestmark = pytest.mark.django_db

LEGAL = ResidenceStatus.LEGAL_RESIDENCE
EXPULSION = ResidenceStatus.LEGAL_RESIDENCE_EXPULSION
ASYLUM = ResidenceStatus.ASYLUM_SEEKER
NO_LEGAL = ResidenceStatus.NO_LEGAL_RESIDENCE
REASON = "Udlændingestyrelsen har varslet administrativ udvisning (brev af 28. november)."


def change(case, actor, residence_status, *, reason=REASON, version=None):
    case = Case.objects.get(pk=case.pk)
    return services.residence_status_change(
        case=case,
        actor=actor,
        expected_version=case.version if version is None else version,
        residence_status=residence_status,
        reason=reason,
    )


def api_url(case) -> str:
    return f"/api/v1/cases/{case.number}/residence-status/"


def page_url(case) -> str:
    return f"/sager/{case.number}/opholdsgrundlag/"


def api_input(case, residence_status, **overrides) -> dict:
    version = Case.objects.get(pk=case.pk).version
    return {"version": version, "residence_status": residence_status, "reason": REASON, **overrides}


def written(case) -> tuple:
    """What a change writes: the residence status, the case's authority and version, events and hand-overs."""
    case = Case.objects.select_related("referral").get(pk=case.pk)
    return (
        case.referral.residence_status,
        case.competent_authority,
        case.version,
        list(case.events.order_by("id").values_list("event_type", flat=True)),
        list(case.handovers.values_list("to_authority", "status")),
    )


@pytest.fixture
def cmm_case(cmm_worker):
    return make_case(cmm_worker, residence_status=LEGAL)


@pytest.fixture
def dis_case(dis_worker):
    return make_case(dis_worker, residence_status=ASYLUM)


# --- the service -------------------------------------------------------------------------------------------------


def test_expulsion_of_a_legal_resident_is_recorded_and_starts_the_hand_over_to_dis(cmm_worker, cmm_case):
    changed = change(cmm_case, cmm_worker, EXPULSION)

    case = Case.objects.select_related("referral").get(pk=cmm_case.pk)
    assert case.referral.residence_status == EXPULSION
    assert case.referral.residence_status_at_referral == LEGAL  # what the statistics count
    assert case.competent_authority == Agency.CMM  # until DIS accepts
    assert case.version == changed.version == cmm_case.version + 1
    handover = Handover.objects.get(case=case)
    assert (handover.from_authority, handover.to_authority, handover.status) == (
        Agency.CMM,
        Agency.DIS,
        Handover.Status.PENDING,
    )
    assert (handover.requested_by, handover.reason) == (cmm_worker, REASON)
    event = case.events.get(event_type=CaseEvent.Type.RESIDENCE_STATUS_CHANGED)
    assert event.data == {"old": LEGAL, "new": EXPULSION, "handover_to": Agency.DIS}
    assert (event.actor, event.reason) == (cmm_worker, REASON)
    assert list(case.events.values_list("event_type", flat=True)[:2]) == [
        CaseEvent.Type.HANDOVER_REQUESTED,
        CaseEvent.Type.RESIDENCE_STATUS_CHANGED,
    ]


def test_a_change_that_keeps_the_authority_starts_no_hand_over(dis_worker, dis_case):
    change(dis_case, dis_worker, NO_LEGAL)

    case = Case.objects.select_related("referral").get(pk=dis_case.pk)
    assert (case.referral.residence_status, case.referral.residence_status_at_referral) == (NO_LEGAL, ASYLUM)
    assert case.competent_authority == Agency.DIS
    assert not Handover.objects.exists()
    event = case.events.get(event_type=CaseEvent.Type.RESIDENCE_STATUS_CHANGED)
    assert event.data == {"old": ASYLUM, "new": NO_LEGAL, "handover_to": None}
    assert not case.events.filter(event_type=CaseEvent.Type.HANDOVER_REQUESTED).exists()


def test_legal_residence_granted_hands_a_dis_case_to_cmm_which_then_owns_it(dis_worker, coordinator, dis_case):
    change(dis_case, dis_worker, LEGAL)
    case = Case.objects.get(pk=dis_case.pk)
    services.handover_decide(case=case, actor=coordinator, expected_version=case.version, accept=True)

    case = Case.objects.select_related("referral").get(pk=dis_case.pk)
    assert (case.competent_authority, case.referral.residence_status) == (Agency.CMM, LEGAL)
    assert Handover.objects.get(case=case).status == Handover.Status.ACCEPTED


def test_the_change_writes_its_audit_row(cmm_worker, cmm_case):
    change(cmm_case, cmm_worker, EXPULSION)

    row = AuditEvent.objects.get(what="residence_status_change")
    assert (row.actor, row.action, row.case_ids) == (cmm_worker, AuditEvent.Action.UPDATE, [cmm_case.pk])
    assert row.detail == {"fields": ["case.version", "referral.residence_status"], "handover_to": Agency.DIS}
    assert row.get_what_display() == "Opholdsgrundlag ændret"
    # The hand-over it starts is audited as every hand-over request is.
    assert AuditEvent.objects.filter(what="handover_request", case_ids=[cmm_case.pk]).exists()


def test_the_same_status_as_now_is_refused(cmm_worker, cmm_case):
    before = written(cmm_case)

    with pytest.raises(DomainError) as refused:
        change(cmm_case, cmm_worker, LEGAL)

    assert refused.value.field == "residence_status"
    assert "allerede “Lovligt ophold”" in refused.value.message
    assert written(cmm_case) == before


def test_a_change_needs_a_reason(cmm_worker, cmm_case):
    with pytest.raises(DomainError) as refused:
        change(cmm_case, cmm_worker, EXPULSION, reason="  ")

    assert refused.value.field == "reason"


def test_a_change_while_a_hand_over_is_pending_is_refused(cmm_worker, cmm_case):
    case = Case.objects.get(pk=cmm_case.pk)
    services.handover_request(case=case, actor=cmm_worker, expected_version=case.version, reason="Udvisning varslet")
    before = written(cmm_case)

    with pytest.raises(DomainError) as refused:
        change(cmm_case, cmm_worker, EXPULSION)

    assert refused.value.message == str(services.RESIDENCE_CHANGE_HANDOVER_PENDING)
    assert written(cmm_case) == before


def test_a_stale_version_is_refused(cmm_worker, cmm_case):
    version = cmm_case.version
    bump_version(cmm_case)
    before = written(cmm_case)

    with pytest.raises(StaleCase):
        change(cmm_case, cmm_worker, EXPULSION, version=version)

    assert written(cmm_case) == before


def test_only_the_competent_authority_records_the_change(cmm_worker, coordinator):
    """A DIS case referred by a CMM contact person is in CMM's view, but not CMM's to change."""
    case = make_case(cmm_worker, residence_status=ASYLUM)

    for actor in (cmm_worker, coordinator):
        with pytest.raises(DomainError, match="Kun den kompetente myndighed, Udlændingestyrelsen"):
            change(case, actor, LEGAL)

    assert not Handover.objects.exists()


@pytest.mark.parametrize("role", [Role.NGO_WORKER, Role.POLICE_LIAISON, Role.SYSTEM_ADMIN])
def test_a_role_without_the_action_is_not_allowed(cmm_case, role):
    with pytest.raises(NotAllowed):
        change(cmm_case, UserFactory(role=role, agency=Agency.CMM), EXPULSION)


def test_a_closed_case_is_refused(cmm_worker, dis_worker):
    case = not_victim_case(cmm_worker, dis_worker)

    with pytest.raises(DomainError, match="ikke mulig"):
        change(case, dis_worker, LEGAL)


def test_a_new_referral_keeps_its_residence_status_at_referral(cmm_worker):
    case = make_case(cmm_worker, residence_status=EXPULSION)

    assert case.referral.residence_status_at_referral == EXPULSION


# --- the page and the API ----------------------------------------------------------------------------------------


def test_the_case_page_offers_the_change_to_the_competent_caseworker_only(client, cmm_worker, ngo_worker, cmm_case):
    assign_perm("cases.view_case", ngo_worker.team.group, cmm_case)

    offered = login(client, cmm_worker).get(f"/sager/{cmm_case.number}/").content.decode()
    client.logout()
    not_offered = login(client, ngo_worker).get(f"/sager/{cmm_case.number}/").content.decode()

    assert page_url(cmm_case) in offered
    assert page_url(cmm_case) not in not_offered


def test_the_change_through_the_page_shows_on_the_timeline(client, cmm_worker, cmm_case):
    login(client, cmm_worker)
    form = client.get(page_url(cmm_case)).content.decode()

    response = client.post(
        page_url(cmm_case), {"version": cmm_case.version, "residence_status": EXPULSION, "reason": REASON}
    )
    page = client.get(f"/sager/{cmm_case.number}/").content.decode()

    assert "Opholdsgrundlaget er nu “Lovligt ophold”" in form
    assert response.status_code == 302
    assert "Opholdsgrundlag ændret" in page and REASON in page
    assert "Anmodning om overdragelse til Udlændingestyrelsen afventer." in page
    # No second change while the hand-over is pending: the action is no longer offered.
    assert page_url(cmm_case) not in page
    assert AuditEvent.objects.filter(what="change_residence_status_form", actor=cmm_worker).exists()


def test_the_change_through_the_api_answers_the_case_and_shows_in_its_events(client, cmm_worker, cmm_case):
    as_user(client, cmm_worker)

    response = post_json(client, api_url(cmm_case), api_input(cmm_case, EXPULSION))
    events = client.get(f"/api/v1/cases/{cmm_case.number}/events/").json()

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["referral"]["residence_status"], body["competent_authority"]) == (EXPULSION, Agency.CMM)
    assert body["version"] == cmm_case.version + 1
    assert [event["event_type"] for event in events[:2]] == ["handover_requested", "residence_status_changed"]
    assert events[1]["data"] == {"old": LEGAL, "new": EXPULSION, "handover_to": Agency.DIS}


def test_the_same_status_is_refused_with_the_same_words_in_the_browser_and_the_api(client, cmm_worker, cmm_case):
    login(client, cmm_worker)
    before = written(cmm_case)

    page = client.post(page_url(cmm_case), {"version": cmm_case.version, "residence_status": LEGAL, "reason": REASON})
    api = post_json(client, api_url(cmm_case), api_input(cmm_case, LEGAL))

    error = assert_validation_error(api, "residence_status")
    assert error["code"] == "refused"
    assert page.status_code == 400
    assert error["detail"] in page.content.decode()
    assert written(cmm_case) == before


def test_a_pending_hand_over_is_refused_with_the_same_words_in_the_browser_and_the_api(client, cmm_worker, cmm_case):
    case = Case.objects.get(pk=cmm_case.pk)
    services.handover_request(case=case, actor=cmm_worker, expected_version=case.version, reason="Udvisning varslet")
    login(client, cmm_worker)
    before = written(cmm_case)

    page = client.get(page_url(cmm_case))
    api = post_json(client, api_url(cmm_case), api_input(cmm_case, EXPULSION))

    error = assert_validation_error(api, "non_field_errors")
    assert error["detail"] == str(services.RESIDENCE_CHANGE_HANDOVER_PENDING)
    assert page.status_code == 403
    assert error["detail"] in page.content.decode()
    assert written(cmm_case) == before


def test_a_stale_version_is_a_conflict_in_the_browser_and_the_api(client, cmm_worker, cmm_case):
    data = api_input(cmm_case, EXPULSION)
    bump_version(cmm_case)
    login(client, cmm_worker)
    before = written(cmm_case)

    page = client.post(page_url(cmm_case), data)
    api = post_json(client, api_url(cmm_case), data)

    assert page.status_code == api.status_code == 409
    [error] = api.json()["errors"]
    assert (error["code"], error["attr"]) == ("stale", None)
    assert REASON in page.content.decode()  # the user's input is kept
    assert written(cmm_case) == before


def test_a_role_without_the_action_is_forbidden_in_the_browser_and_the_api(client, ngo_worker, cmm_case):
    assign_perm("cases.view_case", ngo_worker.team.group, cmm_case)
    login(client, ngo_worker)
    before = written(cmm_case)

    page = client.post(page_url(cmm_case), api_input(cmm_case, EXPULSION))
    api = post_json(client, api_url(cmm_case), api_input(cmm_case, EXPULSION))

    assert page.status_code == api.status_code == 403
    assert api.json()["errors"][0]["code"] == "permission_denied"
    assert written(cmm_case) == before


def test_the_other_authority_is_refused_in_the_browser_and_the_api(client, cmm_worker):
    case = make_case(cmm_worker, residence_status=ASYLUM)  # DIS's case, in the CMM contact person's view
    login(client, cmm_worker)
    before = written(case)

    page = client.get(page_url(case))
    api = post_json(client, api_url(case), api_input(case, LEGAL))

    assert page.status_code == 403
    assert "Kun den kompetente myndighed" in assert_validation_error(api, "non_field_errors")["detail"]
    assert written(case) == before


def test_a_case_you_may_not_see_answers_like_one_that_does_not_exist(client, cmm_outsider, cmm_case):
    login(client, cmm_outsider)
    before = written(cmm_case)
    data = api_input(cmm_case, EXPULSION)

    hidden, missing = (
        post_json(client, api_url(cmm_case), data),
        post_json(client, api_url(Case(number="CMM-1999-9999")), data),
    )

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert client.post(page_url(cmm_case), data).status_code == 404
    assert written(cmm_case) == before
