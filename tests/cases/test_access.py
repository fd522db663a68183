"""The access policy: who sees which case, and who may take which action in which state."""

import pytest
from django.http import Http404

from accounts.models import Agency, Role
from cases import access
from cases.codes import ResidenceStatus
from cases.models import Case
from identification import services as identification
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db


def visible(user):
    return set(access.visible_cases(user).values_list("number", flat=True))


@pytest.fixture
def cases(cmm_worker, cmm_colleague, cmm_outsider, dis_worker):
    """One case of each kind a CMM contact person or DIS caseworker might meet."""
    return {
        "mine_dis": make_case(cmm_worker),  # registered by cmm_worker: contact person, team Øst
        "colleague_cmm": make_case(cmm_colleague, residence_status=ResidenceStatus.LEGAL_RESIDENCE),
        "other_team_cmm": make_case(cmm_outsider, residence_status=ResidenceStatus.LEGAL_RESIDENCE),
        "other_team_dis": make_case(cmm_outsider, residence_status=ResidenceStatus.ASYLUM_SEEKER),
    }


def test_contact_person_sees_own_and_team_cases_only(cases, cmm_worker):
    assert visible(cmm_worker) == {cases["mine_dis"].number, cases["colleague_cmm"].number}


def test_contact_person_without_team_sees_only_cases_they_are_contact_person_for(cases, cmm_worker):
    cmm_worker.team = None
    cmm_worker.save()

    assert visible(cmm_worker) == {cases["mine_dis"].number}


def test_coordinator_sees_every_case(cases, coordinator):
    assert visible(coordinator) == {case.number for case in cases.values()}


def test_dis_caseworker_sees_cases_where_dis_is_competent(cases, dis_worker):
    assert visible(dis_worker) == {cases["mine_dis"].number, cases["other_team_dis"].number}


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
    user = UserFactory(agency=agency, role=role, team=None)

    assert visible(user) == set()
    with pytest.raises(Http404):
        access.case_for_view(user, cases["mine_dis"].number)


def test_superuser_flag_does_not_open_case_files(cases):
    admin = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_superuser=True, is_staff=True)

    assert visible(admin) == set()


def test_inactive_user_sees_nothing(cases, cmm_worker):
    cmm_worker.is_active = False

    assert visible(cmm_worker) == set()


def test_a_case_outside_scope_looks_exactly_like_a_missing_one(cases, cmm_worker):
    with pytest.raises(Http404) as hidden:
        access.case_for_view(cmm_worker, cases["other_team_cmm"].number)
    with pytest.raises(Http404) as missing:
        access.case_for_view(cmm_worker, "CMM-1999-0001")

    assert str(hidden.value) == str(missing.value)


def test_per_object_grant_makes_a_case_visible(cases, cmm_worker):
    from guardian.shortcuts import assign_perm

    assign_perm("cases.view_case", cmm_worker, cases["other_team_cmm"])

    assert cases["other_team_cmm"].number in visible(cmm_worker)


def test_actions_follow_state_and_competent_authority(cases, cmm_worker, dis_worker, coordinator):
    dis_case = cases["mine_dis"]
    cmm_case = cases["colleague_cmm"]

    assert access.allowed_actions(dis_worker, dis_case) == {access.Action.ASSESS}
    assert access.allowed_actions(cmm_worker, dis_case) == set()
    assert access.allowed_actions(cmm_worker, cmm_case) == {access.Action.ASSESS}
    assert access.allowed_actions(coordinator, cmm_case) == {access.Action.ASSESS}

    identification.assessment_record(
        case=dis_case,
        actor=dis_worker,
        expected_version=dis_case.version,
        decision="victim",
        decided_on=dis_case.referral.received_at.date(),
        reasons="Begrundelse",
    )
    assert access.allowed_actions(dis_worker, dis_case) == {access.Action.GRANT_PERIOD}

    identification.period_grant(
        case=dis_case, actor=dis_worker, expected_version=dis_case.version, starts_on=dis_case.assessment.decided_on
    )
    assert access.allowed_actions(dis_worker, dis_case) == {access.Action.EXTEND_PERIOD}


def test_notification_is_an_action_only_after_a_not_victim_decision(cases, cmm_worker):
    case = cases["colleague_cmm"]
    identification.assessment_record(
        case=case,
        actor=cmm_worker,
        expected_version=case.version,
        decision="not_victim",
        decided_on=case.referral.received_at.date(),
        reasons="Ingen indikatorer",
    )

    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert access.allowed_actions(cmm_worker, case) == {access.Action.RECORD_NOTIFICATION}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CMM_CONTACT_PERSON, True),
        (Role.CMM_COORDINATOR, True),
        (Role.DIS_CASEWORKER, True),
        (Role.POLICE_LIAISON, False),
        (Role.NGO_WORKER, False),
        (Role.SYSTEM_ADMIN, False),
    ],
)
def test_who_may_register_a_referral(db, role, allowed):
    assert access.can_register_referral(UserFactory(role=role)) is allowed
