"""Consented shares, break-the-glass and hand-overs between CMM and DIS."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from access import policy
from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases import queries
from cases.codes import ResidenceStatus
from cases.errors import DomainError, NotAllowed
from cases.models import Case, CaseEvent, CaseGroupObjectPermission
from grants import services
from grants.models import EmergencyAccess, Handover, Share
from tests.factories import UserFactory, make_case
from tests.states import assessed

pytestmark = pytest.mark.django_db


def visible(user):
    return set(policy.visible_cases(user).values_list("number", flat=True))


def share(case, actor, team, *, given=None, expires=None):
    case = Case.objects.get(pk=case.pk)
    today = timezone.localdate()
    return services.share_create(
        case=case,
        actor=actor,
        expected_version=case.version,
        team=team,
        scope=Share.Scope.SUPPORT,
        consent_given_on=given or today,
        expires_on=expires or today + dt.timedelta(days=90),
    )


def test_a_consented_share_shows_the_case_to_the_organisation(cmm_worker, ngo_worker, reden):
    case = make_case(cmm_worker)

    recorded = share(case, cmm_worker, reden)

    assert visible(ngo_worker) == {case.number}
    assert recorded.recorded_by == cmm_worker and recorded.grant is not None
    assert CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.SHARED).exists()
    assert AuditEvent.objects.filter(what="share_create", case_ids=[case.pk]).exists()


def test_withdrawing_consent_ends_the_share_at_once(cmm_worker, ngo_worker, reden):
    case = make_case(cmm_worker)
    recorded = share(case, cmm_worker, reden)

    services.share_withdraw(share=recorded, actor=cmm_worker)

    assert visible(ngo_worker) == set()
    assert not CaseGroupObjectPermission.objects.exists()
    assert Share.objects.get(pk=recorded.pk).withdrawn_by == cmm_worker


def test_a_share_lapses_after_the_last_day_of_consent(cmm_worker, ngo_worker, reden):
    case = make_case(cmm_worker)
    today = timezone.localdate()
    share(case, cmm_worker, reden, expires=today)

    assert visible(ngo_worker) == {case.number}
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, hours=1)):
        assert visible(ngo_worker) == set()
        assert services.grants_expire() == 1


@pytest.mark.parametrize(
    ("given", "expires", "field"),
    [(1, 30, "consent_given_on"), (-10, -1, "expires_on"), (0, -1, "expires_on")],
)
def test_share_with_impossible_consent_dates_is_refused(cmm_worker, reden, given, expires, field):
    case = make_case(cmm_worker)
    today = timezone.localdate()

    with pytest.raises(DomainError) as refused:
        share(
            case, cmm_worker, reden, given=today + dt.timedelta(days=given), expires=today + dt.timedelta(days=expires)
        )

    assert refused.value.field == field
    assert not Share.objects.exists() and not CaseGroupObjectPermission.objects.exists()


def test_a_case_is_shared_once_per_organisation_at_a_time(cmm_worker, reden):
    case = make_case(cmm_worker)
    share(case, cmm_worker, reden)

    with pytest.raises(DomainError, match="allerede delt"):
        share(case, cmm_worker, reden)

    assert CaseGroupObjectPermission.objects.count() == 1


def test_only_ngos_and_the_iom_receive_shares(cmm_worker, cmm_team):
    with pytest.raises(DomainError) as refused:
        share(make_case(cmm_worker), cmm_worker, cmm_team)

    assert refused.value.field == "team"


def test_dis_caseworkers_do_not_share(cmm_worker, dis_worker, reden):
    with pytest.raises(NotAllowed):
        share(make_case(cmm_worker), dis_worker, reden)


def test_break_the_glass_needs_a_reason(coordinator, dis_worker):
    case = make_case(dis_worker)

    with pytest.raises(DomainError) as refused:
        services.emergency_access_open(number=case.number, actor=coordinator, reason="fordi")

    assert refused.value.field == "reason"
    assert case.number not in visible(coordinator)


def test_break_the_glass_opens_the_case_for_a_while_and_alerts_the_auditor(coordinator, dis_worker, settings):
    case = make_case(dis_worker)
    assert case.number not in visible(coordinator)

    services.emergency_access_open(
        number=case.number, actor=coordinator, reason="Personen er i akut fare, og kontaktpersonen er syg."
    )

    assert case.number in visible(coordinator)
    alert = EmergencyAccess.objects.get(case=case, user=coordinator)
    assert alert.reviewed_at is None
    assert AuditEvent.objects.filter(purpose=AuditEvent.Purpose.BREAK_THE_GLASS, case_ids=[case.pk]).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=settings.BREAK_THE_GLASS_HOURS, minutes=1)):
        assert case.number not in visible(coordinator)


@pytest.mark.parametrize("role", [Role.CMM_CONTACT_PERSON, Role.DIS_CASEWORKER, Role.DP_AUDITOR])
def test_only_coordinators_break_the_glass(dis_worker, role):
    case = make_case(dis_worker)

    with pytest.raises(NotAllowed):
        services.emergency_access_open(
            number=case.number, actor=UserFactory(role=role), reason="Personen er i akut fare, skal ses nu."
        )


def test_break_the_glass_on_a_case_already_in_scope_is_refused(coordinator, cmm_worker):
    case = make_case(cmm_worker)

    with pytest.raises(DomainError, match="allerede adgang"):
        services.emergency_access_open(number=case.number, actor=coordinator, reason="x" * 30)


def request_handover(case, actor):
    case = Case.objects.get(pk=case.pk)
    return services.handover_request(
        case=case, actor=actor, expected_version=case.version, reason="Personen har fået lovligt ophold."
    )


def decide(case, actor, accept, reason=""):
    case = Case.objects.get(pk=case.pk)
    return services.handover_decide(
        case=case, actor=actor, expected_version=case.version, accept=accept, decision_reason=reason
    )


def test_dis_hands_a_case_over_to_cmm_which_accepts_it(cmm_worker, dis_worker, coordinator):
    case = make_case(dis_worker, residence_status=ResidenceStatus.ASYLUM_SEEKER)

    request_handover(case, dis_worker)
    decide(case, coordinator, accept=True)

    case.refresh_from_db()
    assert case.competent_authority == Agency.CMM
    assert Handover.objects.get(case=case).status == Handover.Status.ACCEPTED
    assert list(case.events.values_list("event_type", flat=True)[:2]) == [
        CaseEvent.Type.HANDOVER_ACCEPTED,
        CaseEvent.Type.HANDOVER_REQUESTED,
    ]


def test_the_receiving_agency_sees_the_case_while_a_hand_over_to_it_is_pending(cmm_worker, dis_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    assert case.number not in visible(dis_worker)

    request_handover(case, cmm_worker)

    assert case.number in visible(dis_worker)
    assert policy.can(dis_worker, policy.Action.DECIDE_HANDOVER, Case.objects.get(pk=case.pk))


def test_a_case_closed_as_not_a_victim_cancels_its_pending_hand_over(cmm_worker, dis_worker):
    """The receiving agency saw the case only to decide; closed, there is nothing to decide and nothing to see."""
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    request_handover(case, cmm_worker)
    assert case.number in visible(dis_worker)

    assessed(Case.objects.get(pk=case.pk), cmm_worker, decision="not_victim")

    assert Handover.objects.get(case=case).status == Handover.Status.CANCELLED
    assert case.number not in visible(dis_worker)
    row = AuditEvent.objects.filter(what="assessment_record", case_ids__contains=[case.pk]).get()
    assert "handover.status" in row.detail["fields"]


def test_one_pending_hand_over_per_case(cmm_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    request_handover(case, cmm_worker)

    with pytest.raises(DomainError, match="afventer allerede"):
        request_handover(case, cmm_worker)

    assert Handover.objects.filter(case=case).count() == 1


def test_a_rejection_needs_a_reason_and_leaves_the_case_where_it_was(cmm_worker, dis_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    request_handover(case, cmm_worker)

    with pytest.raises(DomainError) as refused:
        decide(case, dis_worker, accept=False)
    assert refused.value.field == "decision_reason"

    decide(case, dis_worker, accept=False, reason="Personen har lovligt ophold uden udvisning.")
    case.refresh_from_db()
    assert case.competent_authority == Agency.CMM
    assert Handover.objects.get(case=case).status == Handover.Status.REJECTED


def test_the_requesting_agency_cannot_accept_its_own_hand_over(cmm_worker, coordinator):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    request_handover(case, cmm_worker)

    with pytest.raises(DomainError):
        decide(case, coordinator, accept=True)

    assert Case.objects.get(pk=case.pk).competent_authority == Agency.CMM


def test_break_the_glass_reads_but_does_not_share(coordinator, dis_worker, reden):
    case = make_case(dis_worker)
    services.emergency_access_open(number=case.number, actor=coordinator, reason="Personen er i akut fare, nu.")
    case = queries.case_detail(coordinator, case.number)

    assert not policy.can(coordinator, policy.Action.SHARE, case)
    with pytest.raises(NotAllowed):
        share(case, coordinator, reden)


def test_a_hand_over_still_pending_when_the_case_closed_is_not_decided(cmm_worker, dis_worker):
    """The decision page is not offered on a closed case; the service refuses it the same way (the API's door)."""
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    request_handover(case, cmm_worker)
    assessed(Case.objects.get(pk=case.pk), cmm_worker, decision="not_victim")

    with pytest.raises(DomainError, match="ikke mulig"):
        decide(case, dis_worker, accept=True)

    assert Handover.objects.get(case=case).status == Handover.Status.CANCELLED


def test_a_share_of_a_closed_case_is_withdrawn_when_consent_is(cmm_worker, dis_worker, reden):
    case = make_case(cmm_worker)
    recorded = share(case, cmm_worker, reden)
    assessed(Case.objects.get(pk=case.pk), dis_worker, decision="not_victim")

    services.share_withdraw(share=Share.objects.get(pk=recorded.pk), actor=cmm_worker)

    assert Share.objects.get(pk=recorded.pk).withdrawn_at is not None
