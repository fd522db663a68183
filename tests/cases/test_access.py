"""The access policy: who sees which case, and who may take which action in which state."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm

from access import policy
from access.policy import Action
from accounts.models import Agency, Role
from cases.codes import ResidenceStatus
from cases.models import Case
from identification import services as identification
from tests.factories import TeamFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


def visible(user):
    """The numbers the user may see; the form with the grants read as lists (for counts) must give the same."""
    seen = set(policy.visible_cases(user).values_list("number", flat=True))
    assert set(policy.visible_cases(user, listed=True).values_list("number", flat=True)) == seen
    return seen


@pytest.fixture
def cases(cmm_worker, cmm_colleague, cmm_outsider, dis_worker, police):
    """One case of each kind the roles meet."""
    return {
        "mine_dis": make_case(cmm_worker),  # registered by cmm_worker: contact person, team Øst
        "colleague_cmm": make_case(cmm_colleague, residence_status=ResidenceStatus.LEGAL_RESIDENCE),
        "other_team_cmm": make_case(cmm_outsider, residence_status=ResidenceStatus.LEGAL_RESIDENCE),
        "other_team_dis": make_case(cmm_outsider, residence_status=ResidenceStatus.ASYLUM_SEEKER),
        # Registered by the police: no CMM team or contact person, DIS competent.
        "police_dis": make_case(police, residence_status=ResidenceStatus.NO_LEGAL_RESIDENCE),
    }


def test_contact_person_sees_own_and_team_cases_only(cases, cmm_worker):
    assert visible(cmm_worker) == {cases["mine_dis"].number, cases["colleague_cmm"].number}


def test_contact_person_without_team_sees_only_cases_they_are_contact_person_for(cases, cmm_worker):
    cmm_worker.team = None
    cmm_worker.save()

    assert visible(cmm_worker) == {cases["mine_dis"].number}


def test_coordinator_sees_every_cmm_case_but_not_a_dis_case_without_cmm(cases, coordinator):
    assert visible(coordinator) == {number for name, number in numbers(cases) if name != "police_dis"}


def test_coordinator_sees_a_dis_case_while_a_hand_over_to_cmm_awaits_their_decision(cases, dis_worker, coordinator):
    from grants.services import handover_request

    case = Case.objects.get(pk=cases["police_dis"].pk)
    handover_request(case=case, actor=dis_worker, expected_version=case.version, reason="Opholdstilladelse givet.")

    assert case.number in visible(coordinator)
    assert policy.can(coordinator, Action.DECIDE_HANDOVER, Case.objects.get(pk=case.pk))


def numbers(cases):
    return [(name, case.number) for name, case in cases.items()]


def test_dis_caseworker_sees_cases_where_dis_is_competent(cases, dis_worker):
    assert visible(dis_worker) == {
        cases["mine_dis"].number,
        cases["other_team_dis"].number,
        cases["police_dis"].number,
    }


def test_the_dis_coordinator_has_the_dis_caseworkers_case_rules(cases, dis_worker):
    dis_coordinator = UserFactory(agency=Agency.DIS, role=Role.DIS_COORDINATOR, team=None)

    assert visible(dis_coordinator) == visible(dis_worker)
    for action, rule in policy.POLICY.items():
        if action in {Action.DECIDE_ROLE_REQUEST, Action.DUPLICATE_QUEUE, Action.STATISTICS}:
            continue  # the coordinator's own duties: approving DIS roles, possible duplicates, the national statistics
        assert (Role.DIS_COORDINATOR in rule.roles) == (Role.DIS_CASEWORKER in rule.roles), action


@pytest.mark.parametrize(
    ("agency", "role"),
    [
        (Agency.POLICE, Role.POLICE_LIAISON),
        (Agency.SKAT, Role.REFERRING_AUTHORITY),
        (Agency.NGO, Role.NGO_WORKER),
        (Agency.IOM, Role.IOM_OFFICER),
        (Agency.IMG, Role.IMG_MEMBER),
        ("", Role.DP_AUDITOR),
        ("", Role.SYSTEM_ADMIN),
        ("", ""),
    ],
)
def test_other_roles_see_no_case_file(cases, agency, role):
    user = UserFactory(agency=agency, role=role, team=TeamFactory(agency=agency or Agency.NGO))

    assert visible(user) == set()
    with pytest.raises(Http404):
        policy.case_for_view(user, cases["mine_dis"].number)


def test_police_see_their_own_referrals_status_only(cases, police):
    assert visible(police) == set()
    assert not policy.role_may(police, Action.VIEW)
    assert policy.role_may(police, Action.OWN_REFERRALS)


def test_superuser_flag_does_not_open_case_files(cases):
    admin = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_superuser=True, is_staff=True)

    assert visible(admin) == set()


def test_inactive_user_sees_nothing(cases, cmm_worker):
    cmm_worker.is_active = False

    assert visible(cmm_worker) == set()


def test_a_case_outside_scope_looks_exactly_like_a_missing_one(cases, cmm_worker):
    with pytest.raises(Http404) as hidden:
        policy.case_for_view(cmm_worker, cases["other_team_cmm"].number)
    with pytest.raises(Http404) as missing:
        policy.case_for_view(cmm_worker, "CMM-1999-0001")

    assert str(hidden.value) == str(missing.value)


def test_a_grant_to_the_organisation_shows_the_case_to_its_members_only(cases):
    reden = TeamFactory(agency=Agency.NGO, name="Reden")
    member = UserFactory(agency=Agency.NGO, role=Role.NGO_WORKER, team=reden)
    other_ngo = UserFactory(agency=Agency.NGO, role=Role.NGO_WORKER, team=TeamFactory(agency=Agency.NGO))

    assign_perm("cases.view_case", reden.group, cases["other_team_cmm"])

    assert visible(member) == {cases["other_team_cmm"].number}
    assert visible(other_ngo) == set()


def test_a_lapsed_grant_shows_nothing(cases, cmm_worker):
    from cases.models import CaseUserObjectPermission

    CaseUserObjectPermission.objects.create(
        user=cmm_worker,
        permission_id=policy.view_permission_id(),
        content_object=cases["other_team_cmm"],
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )

    assert cases["other_team_cmm"].number not in visible(cmm_worker)


def test_actions_follow_state_and_competent_authority(cases, cmm_worker, dis_worker, coordinator):
    dis_case = cases["mine_dis"]
    cmm_case = cases["colleague_cmm"]

    assert policy.allowed_actions(dis_worker, dis_case) == {
        Action.ASSESS,
        Action.REQUEST_HANDOVER,
        Action.CHANGE_RESIDENCE_STATUS,
        Action.RECORD_DUBLIN,  # an asylum seeker's Dublin case may be known from the referral on
    }
    assert policy.allowed_actions(cmm_worker, dis_case) == {Action.SHARE}
    assert policy.allowed_actions(cmm_worker, cmm_case) == {
        Action.ASSESS,
        Action.SHARE,
        Action.REQUEST_HANDOVER,
        Action.CHANGE_RESIDENCE_STATUS,
    }
    assert policy.allowed_actions(coordinator, cmm_case) == {
        Action.ASSESS,
        Action.SHARE,
        Action.REQUEST_HANDOVER,
        Action.CHANGE_RESIDENCE_STATUS,
    }

    identification.assessment_record(
        case=dis_case,
        actor=dis_worker,
        expected_version=dis_case.version,
        decision="victim",
        decided_on=timezone.localdate(dis_case.referral.received_at),
        reasons="Begrundelse",
    )
    # A victim's case may be closed from now on (a disappearance, a Dublin transfer), by its competent authority.
    assert policy.allowed_actions(dis_worker, dis_case) == {
        Action.GRANT_PERIOD,
        Action.REQUEST_HANDOVER,
        Action.CHANGE_RESIDENCE_STATUS,
        Action.CLOSE_CASE,
        Action.RECORD_DUBLIN,
        Action.OFFER_REPATRIATION,
    }

    identification.period_grant(
        case=dis_case, actor=dis_worker, expected_version=dis_case.version, starts_on=dis_case.assessment.decided_on
    )
    assert policy.allowed_actions(dis_worker, dis_case) == {
        Action.EXTEND_PERIOD,
        Action.REQUEST_HANDOVER,
        Action.CHANGE_RESIDENCE_STATUS,
        Action.CLOSE_CASE,
        Action.RECORD_DUBLIN,
        Action.OFFER_REPATRIATION,
    }


def test_notification_is_an_action_only_after_a_not_victim_decision(cases, cmm_worker):
    case = cases["colleague_cmm"]
    identification.assessment_record(
        case=case,
        actor=cmm_worker,
        expected_version=case.version,
        decision="not_victim",
        decided_on=timezone.localdate(case.referral.received_at),
        reasons="Ingen indikatorer",
    )

    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert policy.allowed_actions(cmm_worker, case) == {Action.RECORD_NOTIFICATION}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CMM_CONTACT_PERSON, True),
        (Role.CMM_COORDINATOR, True),
        (Role.DIS_CASEWORKER, True),
        (Role.DIS_COORDINATOR, True),
        (Role.POLICE_LIAISON, True),
        (Role.REFERRING_AUTHORITY, True),
        (Role.NGO_WORKER, True),
        (Role.IOM_OFFICER, False),
        (Role.IMG_MEMBER, False),
        (Role.DP_AUDITOR, False),
        (Role.SYSTEM_ADMIN, False),
    ],
)
def test_who_may_register_a_referral(db, role, allowed):
    assert policy.can_register_referral(UserFactory(role=role)) is allowed


def test_a_role_change_takes_effect_at_once(cases, cmm_worker):
    assert visible(cmm_worker)

    cmm_worker.role = Role.IMG_MEMBER
    cmm_worker.save()

    assert visible(type(cmm_worker).objects.get(pk=cmm_worker.pk)) == set()


def test_a_look_up_outside_scope_is_logged_like_one_for_a_missing_case(cases, cmm_worker):
    from audit.models import AuditEvent

    for number in (cases["other_team_cmm"].number, "CMM-1999-0001"):
        with pytest.raises(Http404):
            policy.case_for_view(cmm_worker, number)

    denied = AuditEvent.objects.filter(actor=cmm_worker, action=AuditEvent.Action.DENIED, what="case_lookup")
    assert [event.detail["number"] for event in denied.order_by("id")] == [
        cases["other_team_cmm"].number,
        "CMM-1999-0001",
    ]
    assert all(event.case_ids == [] for event in denied)


def test_a_route_refused_to_the_role_is_logged(client, police):
    from audit.models import AuditEvent
    from tests.factories import login

    login(client, police)

    assert client.get("/sager/").status_code == 403
    assert AuditEvent.objects.filter(actor=police, action=AuditEvent.Action.DENIED, what="route").exists()
