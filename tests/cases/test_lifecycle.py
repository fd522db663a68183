"""A victim's case after identification: its contact person, a leaver's cases, a minor's representative, closing."""

import datetime as dt

import pytest
from django.utils import timezone

from access import policy
from access.policy import Action
from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases import lifecycle
from cases.codes import ResidenceStatus
from cases.deadlines import DeadlineKind, end_of_day, follow_up_last_day, reintegration_last_day
from cases.errors import DomainError, NotAllowed, StaleCase
from cases.models import Case, CaseEvent, Deadline, Representative
from cases.services import deadline_open
from identification.services import period_grant
from tests.factories import UserFactory, make_case
from tests.states import assessed, bump_version, granted, identified_case, not_victim_case, period_case, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def dis_victim(police, dis_worker):
    """A DIS case of a victim, referred by the police: no CMM team, no contact person."""
    return identified_case(police, dis_worker)


def audit_rows(what: str):
    return AuditEvent.objects.filter(what=what)


def returned(case: Case, *, returned_on: dt.date) -> Case:
    """Returned home on a prepared repatriation (the repatriation app records it): both deadlines open."""
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RETURNED, version=case.version + 1)
    deadline_open(
        case=case, kind=DeadlineKind.REINTEGRATION_END, due_at=end_of_day(reintegration_last_day(returned_on))
    )
    deadline_open(case=case, kind=DeadlineKind.FOLLOW_UP_END, due_at=end_of_day(follow_up_last_day(returned_on)))
    return Case.objects.get(pk=case.pk)


# --- the contact person -----------------------------------------------------------------------------------------


def test_a_coordinator_sees_a_dis_victims_case_without_a_contact_person_and_assigns_one(
    dis_victim, coordinator, cmm_worker
):
    assert policy.visible_cases(coordinator).filter(pk=dis_victim.pk).exists()
    assert policy.can(coordinator, Action.ASSIGN_CONTACT_PERSON, dis_victim)

    case = lifecycle.contact_person_assign(
        case=dis_victim, actor=coordinator, expected_version=dis_victim.version, contact_person=cmm_worker
    )

    assert Case.objects.get(pk=case.pk).contact_person == cmm_worker
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.CONTACT_PERSON_ASSIGNED)
    assert event.data == {"from": None, "to": cmm_worker.pk}
    row = audit_rows("contact_person_assign").get()
    assert row.detail == {"fields": ["case.contact_person"], "user": cmm_worker.pk, "previous_user": None}
    assert cmm_worker.username not in str(row.detail) and "Test" not in str(row.detail)
    # The contact person sees the DIS case now; the coordinator still does, through the contact person.
    assert policy.visible_cases(cmm_worker).filter(pk=case.pk).exists()
    assert policy.visible_cases(coordinator).filter(pk=case.pk).exists()


def test_a_coordinator_does_not_see_a_dis_referral_not_yet_assessed(police, coordinator):
    referred = make_case(police)

    assert not policy.visible_cases(coordinator).filter(pk=referred.pk).exists()


def test_reassigning_records_both_contact_persons(dis_victim, coordinator, cmm_worker, cmm_colleague):
    case = lifecycle.contact_person_assign(
        case=dis_victim, actor=coordinator, expected_version=dis_victim.version, contact_person=cmm_worker
    )
    lifecycle.contact_person_assign(
        case=case, actor=coordinator, expected_version=case.version, contact_person=cmm_colleague
    )

    latest = CaseEvent.objects.filter(event_type=CaseEvent.Type.CONTACT_PERSON_ASSIGNED).order_by("-id").first()
    assert latest.data == {"from": cmm_worker.pk, "to": cmm_colleague.pk}


@pytest.mark.parametrize(
    "target",
    [
        {"agency": Agency.DIS, "role": Role.DIS_CASEWORKER, "team": None},
        {"agency": Agency.CMM, "role": Role.CMM_COORDINATOR},
        {"agency": Agency.CMM, "role": Role.CMM_CONTACT_PERSON, "is_active": False},
    ],
    ids=["dis-caseworker", "coordinator", "deactivated"],
)
def test_only_an_active_cmm_contact_person_can_be_assigned(dis_victim, coordinator, target):
    before = snapshot(dis_victim)

    with pytest.raises(DomainError, match="ikke en aktiv kontaktperson"):
        lifecycle.contact_person_assign(
            case=dis_victim,
            actor=coordinator,
            expected_version=dis_victim.version,
            contact_person=UserFactory(**target),
        )
    assert snapshot(dis_victim) == before


def test_the_same_contact_person_again_is_refused(dis_victim, coordinator, cmm_worker):
    case = lifecycle.contact_person_assign(
        case=dis_victim, actor=coordinator, expected_version=dis_victim.version, contact_person=cmm_worker
    )
    with pytest.raises(DomainError, match="allerede sagens kontaktperson"):
        lifecycle.contact_person_assign(
            case=case, actor=coordinator, expected_version=case.version, contact_person=cmm_worker
        )


def test_assigning_is_the_coordinators_and_only_on_a_victims_open_case(
    dis_victim, coordinator, cmm_worker, dis_worker, police
):
    with pytest.raises(NotAllowed):
        lifecycle.contact_person_assign(
            case=dis_victim, actor=cmm_worker, expected_version=dis_victim.version, contact_person=cmm_worker
        )
    assert policy.refusal(dis_worker, Action.ASSIGN_CONTACT_PERSON, dis_victim)
    referred = make_case(police, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    with pytest.raises(DomainError, match="status"):
        lifecycle.contact_person_assign(
            case=referred, actor=coordinator, expected_version=referred.version, contact_person=cmm_worker
        )
    closed = not_victim_case(police, dis_worker)
    assert policy.refusal(coordinator, Action.ASSIGN_CONTACT_PERSON, closed)


def test_a_stale_assignment_is_refused(dis_victim, coordinator, cmm_worker):
    old = dis_victim.version
    bump_version(dis_victim)
    with pytest.raises(StaleCase):
        lifecycle.contact_person_assign(
            case=Case.objects.get(pk=dis_victim.pk), actor=coordinator, expected_version=old, contact_person=cmm_worker
        )
    assert Case.objects.get(pk=dis_victim.pk).contact_person is None


# --- a leaver's cases -------------------------------------------------------------------------------------------


def test_all_a_leavers_open_cases_move_at_once(cmm_worker, cmm_colleague, coordinator, dis_worker):
    open_cases = [make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE) for _ in range(3)]
    closed = not_victim_case(cmm_worker, dis_worker)
    cmm_worker.is_active = False
    cmm_worker.save()

    moved = lifecycle.cases_move(actor=coordinator, leaver=cmm_worker, receiver=cmm_colleague, expected_count=3)

    assert sorted(c.pk for c in moved) == sorted(c.pk for c in open_cases)
    assert set(Case.objects.filter(pk__in=[c.pk for c in open_cases]).values_list("contact_person", flat=True)) == {
        cmm_colleague.pk
    }
    assert Case.objects.get(pk=closed.pk).contact_person == cmm_worker
    events = CaseEvent.objects.filter(event_type=CaseEvent.Type.CONTACT_PERSON_ASSIGNED)
    assert sorted(events.values_list("case_id", flat=True)) == sorted(c.pk for c in open_cases)
    row = audit_rows("cases_move").get()
    assert sorted(row.case_ids) == sorted(c.pk for c in open_cases)
    assert row.detail["user"] == cmm_colleague.pk and row.detail["previous_user"] == cmm_worker.pk


@pytest.mark.parametrize(
    "target",
    [
        {"agency": Agency.DIS, "role": Role.DIS_CASEWORKER, "team": None},
        {"agency": Agency.CMM, "role": Role.CMM_CONTACT_PERSON, "is_active": False},
    ],
    ids=["dis-caseworker", "deactivated"],
)
def test_a_leavers_cases_do_not_move_to_someone_who_is_not_an_active_contact_person(cmm_worker, coordinator, target):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)

    with pytest.raises(DomainError, match="ikke en aktiv kontaktperson"):
        lifecycle.cases_move(actor=coordinator, leaver=cmm_worker, receiver=UserFactory(**target))
    assert Case.objects.get(pk=case.pk).contact_person == cmm_worker
    assert not audit_rows("cases_move").exists()


def test_a_move_is_refused_to_the_leaver_themselves_with_no_cases_or_by_a_contact_person(
    cmm_worker, cmm_colleague, coordinator
):
    with pytest.raises(DomainError, match="ingen åbne sager"):
        lifecycle.cases_move(actor=coordinator, leaver=cmm_worker, receiver=cmm_colleague)
    make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    with pytest.raises(DomainError, match="anden kollega"):
        lifecycle.cases_move(actor=coordinator, leaver=cmm_worker, receiver=cmm_worker)
    with pytest.raises(NotAllowed):
        lifecycle.cases_move(actor=cmm_colleague, leaver=cmm_worker, receiver=cmm_colleague)


def test_a_move_confirmed_for_another_number_of_cases_moves_nothing(cmm_worker, cmm_colleague, coordinator):
    make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)

    with pytest.raises(DomainError, match="har nu 2 åbne sager, ikke 1"):
        lifecycle.cases_move(actor=coordinator, leaver=cmm_worker, receiver=cmm_colleague, expected_count=1)
    assert Case.objects.filter(contact_person=cmm_worker).count() == 2


# --- unaccompanied minors ---------------------------------------------------------------------------------------


def minor_born(years: int, days: int = 30) -> dt.date:
    """A date of birth `years` years (and some days) before the referral three days ago."""
    received = timezone.localdate() - dt.timedelta(days=3)
    return received.replace(year=received.year - years) - dt.timedelta(days=days)


def minor_case(referrer, assessor, *, person=None, **referral) -> Case:
    return assessed(make_case(referrer, person=person, **referral), assessor)


@pytest.mark.parametrize(
    ("person", "referral"),
    [
        ({"date_of_birth": minor_born(16)}, {"unaccompanied": True}),
        ({}, {"unaccompanied": True, "age_estimate": 15}),
    ],
    ids=["date-of-birth", "estimate"],
)
def test_an_unaccompanied_minor_gets_no_period_without_a_representative(police, dis_worker, person, referral):
    case = minor_case(police, dis_worker, person=person, **referral)
    before = snapshot(case)

    reason = policy.refusal(dis_worker, Action.GRANT_PERIOD, case)
    assert reason.startswith("Personen er uledsaget mindreårig: registrér en personlig repræsentant eller en person")
    assert reason in policy.unavailable_reasons(dis_worker, case)
    with pytest.raises(DomainError, match="uledsaget mindreårig"):
        granted(case, dis_worker)
    assert snapshot(case) == before

    lifecycle.representative_record(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        kind=Representative.Kind.PERSONAL_REPRESENTATIVE,
        name="Hanne Værge",
        appointed_on=timezone.localdate(),
    )
    case = Case.objects.get(pk=case.pk)
    assert policy.can(dis_worker, Action.GRANT_PERIOD, case)
    assert granted(case, dis_worker).status == Case.Status.PERIOD


@pytest.mark.parametrize(
    ("person", "referral"),
    [
        ({"date_of_birth": minor_born(16)}, {"unaccompanied": False}),
        ({"date_of_birth": minor_born(18)}, {"unaccompanied": True}),
        ({}, {"unaccompanied": True, "age_estimate": 18}),
        ({}, {"unaccompanied": True}),
    ],
    ids=["accompanied-minor", "adult-by-birth", "adult-by-estimate", "age-unknown"],
)
def test_the_gate_is_only_for_an_unaccompanied_minor(police, dis_worker, person, referral):
    case = minor_case(police, dis_worker, person=person, **referral)

    assert policy.minor_representative_refusal(case, Action.GRANT_PERIOD) is None
    assert granted(case, dis_worker).status == Case.Status.PERIOD


def test_a_minor_at_referral_stays_one_after_turning_18(police, dis_worker):
    # 17 on the referral's day (three days ago), 18 today: the referral's day decides.
    received = timezone.localdate() - dt.timedelta(days=3)
    born = received.replace(year=received.year - 18) + dt.timedelta(days=1)
    case = minor_case(police, dis_worker, person={"date_of_birth": born}, unaccompanied=True)

    assert case.person.age_on(timezone.localdate()) == 18
    assert case.minor_at_referral
    assert policy.minor_representative_refusal(case, Action.GRANT_PERIOD)


def test_the_gate_covers_support_and_exit_but_not_representative_contact_person_or_closing():
    gated = policy.MINOR_GATED
    assert {Action.GRANT_PERIOD, Action.RECORD_SUPPORT, Action.OFFER_REPATRIATION, Action.RECORD_RETURN} <= gated
    assert not {Action.RECORD_REPRESENTATIVE, Action.ASSIGN_CONTACT_PERSON, Action.CLOSE_CASE} & gated


def test_an_estimate_beside_a_date_of_birth_is_refused(police):
    with pytest.raises(DomainError, match="Anslå kun alderen") as refused:
        make_case(police, person={"date_of_birth": minor_born(16)}, age_estimate=16)
    assert refused.value.field == "age_estimate"


def test_the_estimate_gives_the_age_band(police):
    case = make_case(police, age_estimate=15)
    assert case.referral.age_band == "9-17"


def test_a_new_representative_ends_the_one_before(police, dis_worker):
    case = minor_case(police, dis_worker, person={"date_of_birth": minor_born(15)}, unaccompanied=True)
    for name in ("Første Værge", "Anden Værge"):
        case = lifecycle.representative_record(
            case=Case.objects.get(pk=case.pk),
            actor=dis_worker,
            expected_version=Case.objects.get(pk=case.pk).version,
            kind=Representative.Kind.PARENTAL_RESPONSIBILITY,
            name=name,
            phone="+45 12 34 56 78",
            appointed_on=timezone.localdate(),
        )

    assert lifecycle.current_representative(Case.objects.get(pk=case.pk)).name == "Anden Værge"
    assert list(Representative.objects.filter(ended_at__isnull=True).values_list("name", flat=True)) == ["Anden Værge"]
    events = CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.REPRESENTATIVE_RECORDED).order_by("id")
    assert [e.data["replaced"] for e in events] == [False, True]
    row = audit_rows("representative_record").order_by("-id").first()
    assert "Værge" not in str(row.detail)
    assert "representative.ended_at" in row.detail["fields"]


def test_a_representative_is_refused_for_an_adult_in_the_future_and_on_a_stale_case(police, dis_worker):
    adult = identified_case(police, dis_worker)
    kwargs = {"kind": Representative.Kind.PERSONAL_REPRESENTATIVE, "name": "Værge", "actor": dis_worker}
    with pytest.raises(DomainError, match="ikke mindreårig"):
        lifecycle.representative_record(
            case=adult, expected_version=adult.version, appointed_on=timezone.localdate(), **kwargs
        )
    minor = minor_case(police, dis_worker, unaccompanied=True, age_estimate=14)
    with pytest.raises(DomainError, match="fremtiden"):
        lifecycle.representative_record(
            case=minor,
            expected_version=minor.version,
            appointed_on=timezone.localdate() + dt.timedelta(days=1),
            **kwargs,
        )
    with pytest.raises(StaleCase):
        lifecycle.representative_record(
            case=minor, expected_version=minor.version - 1, appointed_on=timezone.localdate(), **kwargs
        )
    assert not Representative.objects.exists()


# --- closing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [r for r in lifecycle.CLOSING_REASONS if r != "prepared_repatriation"])
def test_a_victims_case_closes_with_its_reason_and_cancels_its_deadlines(police, dis_worker, reason):
    case = period_case(police, dis_worker)
    note = "Fiktiv bemærkning." if reason == Case.ExitReason.OTHER else ""

    lifecycle.case_close(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        exit_reason=reason,
        exit_on=timezone.localdate(),
        exit_note=note,
    )

    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.exit_reason, case.exit_on) == (Case.Status.CLOSED, reason, timezone.localdate())
    assert case.closed_at is not None
    period_end = Deadline.objects.get(case=case, kind=DeadlineKind.PERIOD_END)
    assert (period_end.status, period_end.closed_at is not None) == (Deadline.Status.CANCELLED, True)
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.CASE_CLOSED)
    assert event.data["cancelled"] == [DeadlineKind.PERIOD_END] and event.data["early"] is False
    row = audit_rows("case_close").get()
    assert "case.exit_reason" in row.detail["fields"] and row.detail["deadlines"] == [period_end.pk]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"exit_reason": "not_victim"}, "afslutningsårsagerne"),
        ({"exit_reason": "prepared_repatriation"}, "hjemrejse er registreret"),
        ({"exit_on": timezone.localdate() + dt.timedelta(days=1)}, "fremtiden"),
        ({"exit_on": timezone.localdate() - dt.timedelta(days=30)}, "før henvisningen"),
        ({"exit_reason": "other", "exit_note": " "}, "Andet"),
    ],
    ids=["not-victim", "repatriation-not-returned", "future", "before-referral", "other-without-note"],
)
def test_a_closing_with_wrong_input_is_refused_and_changes_nothing(police, dis_worker, changes, message):
    case = period_case(police, dis_worker)
    before = snapshot(case)
    data = {"exit_reason": "disappeared", "exit_on": timezone.localdate(), "exit_note": "", **changes}

    with pytest.raises(DomainError, match=message):
        lifecycle.case_close(case=case, actor=dis_worker, expected_version=case.version, **data)
    assert snapshot(case) == before


def test_closing_is_the_competent_authoritys_and_not_on_a_stale_or_referred_case(
    police, dis_worker, cmm_worker, coordinator
):
    case = period_case(police, dis_worker)
    data = {"exit_reason": "disappeared", "exit_on": timezone.localdate()}
    with pytest.raises(DomainError, match="kompetente myndighed"):
        lifecycle.case_close(case=case, actor=coordinator, expected_version=case.version, **data)
    assert policy.refusal(coordinator, Action.CLOSE_CASE, case)
    with pytest.raises(StaleCase):
        lifecycle.case_close(case=case, actor=dis_worker, expected_version=case.version - 1, **data)
    referred = make_case(police)
    with pytest.raises(DomainError, match="status"):
        lifecycle.case_close(case=referred, actor=dis_worker, expected_version=referred.version, **data)
    assert Case.objects.get(pk=case.pk).status == Case.Status.PERIOD


def test_a_returned_case_closes_before_its_follow_up_ends_only_with_a_reason(police, dis_worker):
    case = returned(period_case(police, dis_worker), returned_on=timezone.localdate() - dt.timedelta(days=40))
    last_day = follow_up_last_day(timezone.localdate() - dt.timedelta(days=40))
    data = {"exit_reason": "prepared_repatriation", "exit_on": timezone.localdate()}

    with pytest.raises(DomainError, match="Opfølgningen efter hjemrejsen slutter først") as refused:
        lifecycle.case_close(case=case, actor=dis_worker, expected_version=case.version, exit_note="", **data)
    assert refused.value.field == "exit_note"
    assert Case.objects.get(pk=case.pk).status == Case.Status.RETURNED

    lifecycle.case_close(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        exit_note="Personen ønsker ikke mere kontakt.",
        **data,
    )
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    statuses = dict(Deadline.objects.filter(case=case).values_list("kind", "status"))
    assert statuses[DeadlineKind.FOLLOW_UP_END] == Deadline.Status.CANCELLED
    assert statuses[DeadlineKind.REINTEGRATION_END] == Deadline.Status.CANCELLED
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.CASE_CLOSED)
    assert event.data["early"] is True and event.reason == "Personen ønsker ikke mere kontakt."
    assert last_day > timezone.localdate()


def test_a_follow_up_on_its_last_day_or_after_is_met_when_the_case_closes(police, dis_worker):
    case = period_case(police, dis_worker)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RETURNED, version=case.version + 1)
    deadline_open(case=case, kind=DeadlineKind.FOLLOW_UP_END, due_at=end_of_day(timezone.localdate()))
    case = Case.objects.get(pk=case.pk)

    lifecycle.case_close(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        exit_reason="prepared_repatriation",
        exit_on=timezone.localdate(),
    )

    follow_up = Deadline.objects.get(case=case, kind=DeadlineKind.FOLLOW_UP_END)
    assert follow_up.status == Deadline.Status.MET
    # And the closing stays possible without a reason: the follow-up has ended.
    assert lifecycle.closing_early([follow_up]) is None


def test_closing_a_minors_case_needs_no_representative(police, dis_worker):
    case = minor_case(police, dis_worker, unaccompanied=True, age_estimate=12)

    assert policy.can(dis_worker, Action.CLOSE_CASE, case)
    lifecycle.case_close(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        exit_reason="disappeared",
        exit_on=timezone.localdate(),
    )
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


def test_a_period_granted_is_still_gated_for_later_actions(police, dis_worker):
    # A representative recorded, the period granted: the gate is open for the support actions too.
    case = minor_case(police, dis_worker, unaccompanied=True, age_estimate=12)
    case = lifecycle.representative_record(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        kind=Representative.Kind.PERSONAL_REPRESENTATIVE,
        name="Værge",
        appointed_on=timezone.localdate(),
    )
    case = period_grant(
        case=Case.objects.get(pk=case.pk),
        actor=dis_worker,
        expected_version=Case.objects.get(pk=case.pk).version,
        starts_on=timezone.localdate(),
    )
    assert policy.minor_representative_refusal(Case.objects.get(pk=case.pk), Action.RECORD_SUPPORT) is None


def test_the_demo_data_holds_the_support_and_exit_stages(settings):
    from django.core.management import call_command

    settings.DEMO_DATA_ALLOWED = True
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    victims = Case.objects.filter(status__in=policy.VICTIM_STATES)
    assert victims.filter(competent_authority=Agency.DIS, contact_person__isnull=True).exists()
    minors = [case for case in victims.filter(referral__unaccompanied=True) if case.unaccompanied_minor]
    assert sorted(lifecycle.current_representative(case) is not None for case in minors) == [False, True]
    closed = Case.objects.filter(status=Case.Status.CLOSED).exclude(exit_reason=Case.ExitReason.NOT_VICTIM)
    assert set(closed.values_list("exit_reason", flat=True)) == {"disappeared", "dublin_transfer"}


def test_closing_a_case_cancels_its_pending_hand_over(police, dis_worker, coordinator):
    """The receiving agency saw the case only to decide on the hand-over: closed, it has nothing to decide."""
    from grants import services as grants
    from grants.models import Handover

    case = identified_case(police, dis_worker)
    grants.handover_request(case=case, actor=dis_worker, expected_version=case.version, reason="Lovligt ophold nu.")
    case = Case.objects.get(pk=case.pk)

    lifecycle.case_close(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        exit_reason=Case.ExitReason.DISAPPEARED,
        exit_on=timezone.localdate(),
    )

    assert Handover.objects.get(case=case).status == Handover.Status.CANCELLED
    row = AuditEvent.objects.get(what="case_close", case_ids__contains=[case.pk])
    assert "handover.status" in row.detail["fields"]
