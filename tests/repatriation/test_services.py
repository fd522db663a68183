"""Every transition of prepared repatriation, allowed and refused, through the real services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases.codes import ResidenceStatus
from cases.deadlines import DeadlineKind
from cases.errors import DomainError, NotAllowed, StaleCase
from cases.models import Case, CaseEvent, Deadline
from grants import services as grants
from repatriation import services
from repatriation.models import ReintegrationSupport, Repatriation
from tests.factories import UserFactory, make_case
from tests.states import identified_case

from .helpers import (
    accepted_case,
    answered,
    cmm_period_case,
    days_ago,
    dis_period_case,
    fresh,
    offered,
    returned,
    shared_for_repatriation,
)

pytestmark = pytest.mark.django_db

DUBLIN_TEXT = (
    "Sagen er en Dublinsag: personen overføres til den ansvarlige medlemsstat og tilbydes ikke forberedt hjemrejse."
)


def state(case):
    """What a refused transition must leave as it was."""
    case = fresh(case)
    repatriation = Repatriation.objects.filter(case=case).values().first()
    return (
        (case.status, case.version, case.dublin_regulation, case.exit_on),
        repatriation,
        list(case.events.values_list("event_type", flat=True)),
        list(case.deadlines.values_list("kind", "status")),
        ReintegrationSupport.objects.filter(repatriation__case=case).count(),
    )


def refused(call, case, message=None, error=DomainError):
    before = state(case)
    with pytest.raises(error) as raised:
        call()
    if message is not None:
        assert message in raised.value.message
    assert state(case) == before
    return raised.value


# Dublin


def test_dis_records_a_dublin_case_with_event_and_audit(cmm_worker, dis_worker):
    case = dis_period_case(cmm_worker, dis_worker)

    services.dublin_record(case=case, actor=dis_worker, expected_version=case.version)

    case = fresh(case)
    assert case.dublin_regulation
    assert case.events.filter(event_type=CaseEvent.Type.DUBLIN_RECORDED).exists()
    assert AuditEvent.objects.filter(what="dublin_record", case_ids__contains=[case.pk]).exists()


def test_a_dublin_case_is_not_offered_prepared_repatriation(cmm_worker, dis_worker):
    case = dis_period_case(cmm_worker, dis_worker)
    services.dublin_record(case=case, actor=dis_worker, expected_version=case.version)
    case = fresh(case)

    refused(
        lambda: services.repatriation_offer(
            case=case, actor=dis_worker, expected_version=case.version, offered_on=timezone.localdate()
        ),
        case,
        DUBLIN_TEXT,
    )


def test_cmm_records_no_dublin_case_and_not_twice(cmm_worker, dis_worker):
    case = dis_period_case(cmm_worker, dis_worker)
    refused(
        lambda: services.dublin_record(case=case, actor=cmm_worker, expected_version=case.version),
        case,
        None,
        NotAllowed,
    )
    services.dublin_record(case=case, actor=dis_worker, expected_version=case.version)
    case = fresh(case)

    refused(
        lambda: services.dublin_record(case=case, actor=dis_worker, expected_version=case.version),
        case,
        "allerede registreret som Dublinsag",
    )


def test_dublin_waits_for_the_answer_to_a_pending_offer_and_not_after_acceptance(cmm_worker, dis_worker):
    case = offered(dis_period_case(cmm_worker, dis_worker), dis_worker)
    refused(
        lambda: services.dublin_record(case=case, actor=dis_worker, expected_version=case.version), case, "afventer"
    )
    case = answered(case, dis_worker, "accepted")
    refused(
        lambda: services.dublin_record(case=case, actor=dis_worker, expected_version=case.version), case, "taget imod"
    )


def test_a_declined_offer_allows_dublin(cmm_worker, dis_worker):
    case = answered(offered(dis_period_case(cmm_worker, dis_worker), dis_worker), dis_worker, "declined")
    services.dublin_record(case=case, actor=dis_worker, expected_version=case.version)
    assert fresh(case).dublin_regulation


# The offer


def test_dis_offers_on_its_case_and_the_destination_is_the_nationality(cmm_worker, dis_worker):
    case = dis_period_case(cmm_worker, dis_worker)

    repatriation = services.repatriation_offer(
        case=case, actor=dis_worker, expected_version=case.version, offered_on=days_ago(5)
    )

    assert (repatriation.answer, repatriation.offered_on, repatriation.destination.code) == (
        "pending",
        days_ago(5),
        "NG",
    )
    assert fresh(case).version == case.version
    assert fresh(case).events.filter(event_type="repatriation_offered").count() == 1
    assert AuditEvent.objects.filter(what="repatriation_offer", action="create").exists()


def test_cmm_offers_on_a_legal_residents_case_and_not_on_dis_case(cmm_worker, dis_worker):
    cmm_case = cmm_period_case(cmm_worker)
    services.repatriation_offer(
        case=cmm_case, actor=cmm_worker, expected_version=cmm_case.version, offered_on=timezone.localdate()
    )
    dis_case = dis_period_case(cmm_worker, dis_worker)
    refused(
        lambda: services.repatriation_offer(
            case=dis_case, actor=cmm_worker, expected_version=dis_case.version, offered_on=timezone.localdate()
        ),
        dis_case,
        "Udlændingestyrelsen er kompetent myndighed",
    )


def test_expulsion_cases_are_dis_cases_for_the_offer_too(cmm_worker, dis_worker):
    """The competent authority decides, not the domain's 'legal residence → CMM': expulsion cases are DIS's."""
    case = dis_period_case(cmm_worker, dis_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE_EXPULSION)
    assert case.competent_authority == Agency.DIS
    refused(
        lambda: services.repatriation_offer(
            case=case, actor=cmm_worker, expected_version=case.version, offered_on=timezone.localdate()
        ),
        case,
    )
    services.repatriation_offer(case=case, actor=dis_worker, expected_version=case.version, offered_on=days_ago(1))


@pytest.mark.parametrize("nationalities", [["DK"], ["NG", "DK"]])
def test_a_danish_national_is_not_offered_prepared_repatriation(cmm_worker, dis_worker, nationalities):
    case = fresh(dis_period_case(cmm_worker, dis_worker))
    case.person.nationalities = nationalities
    case.person.save()

    refused(
        lambda: services.repatriation_offer(
            case=fresh(case), actor=dis_worker, expected_version=case.version, offered_on=days_ago(1)
        ),
        case,
        "dansk statsborger",
    )


def test_an_unknown_nationality_is_offered_with_no_destination_yet(cmm_worker, dis_worker):
    case = fresh(dis_period_case(cmm_worker, dis_worker))
    case.person.nationalities = []
    case.person.save()

    repatriation = services.repatriation_offer(
        case=fresh(case), actor=dis_worker, expected_version=case.version, offered_on=days_ago(1)
    )

    assert repatriation.destination.code is None or repatriation.destination == ""


def test_an_offer_is_refused_before_identification_in_the_future_and_before_the_decision(cmm_worker, dis_worker):
    referred = make_case(cmm_worker)
    refused(
        lambda: services.repatriation_offer(
            case=referred, actor=dis_worker, expected_version=referred.version, offered_on=timezone.localdate()
        ),
        referred,
        "status",
    )
    case = dis_period_case(cmm_worker, dis_worker, decided_days_ago=10)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for day, text in ((tomorrow, "fremtiden"), (days_ago(11), "før personen blev vurderet")):
        refused(
            lambda day=day: services.repatriation_offer(
                case=case, actor=dis_worker, expected_version=case.version, offered_on=day
            ),
            case,
            text,
        )


def test_a_pending_or_accepted_offer_is_not_made_again_but_a_declined_one_is(cmm_worker, dis_worker):
    case = offered(dis_period_case(cmm_worker, dis_worker), dis_worker)
    refused(
        lambda: services.repatriation_offer(
            case=case, actor=dis_worker, expected_version=case.version, offered_on=days_ago(1)
        ),
        case,
        "afventer allerede",
    )
    case = answered(case, dis_worker, "declined")

    services.repatriation_offer(case=case, actor=dis_worker, expected_version=case.version, offered_on=days_ago(1))

    repatriation = Repatriation.objects.get(case=case)
    assert (repatriation.answer, repatriation.answered_on, repatriation.reasons) == ("pending", None, "")
    assert repatriation.version == 3
    # The earlier answer and its reasons stay on the timeline.
    declined = fresh(case).events.get(event_type="repatriation_declined")
    assert declined.reason == "Vil gerne hjem til familien."

    case = answered(case, dis_worker, "accepted", days_ago(0))
    refused(
        lambda: services.repatriation_offer(
            case=case, actor=dis_worker, expected_version=case.version, offered_on=days_ago(0)
        ),
        case,
        "allerede taget imod",
    )


def test_a_stale_offer_is_refused(cmm_worker, dis_worker):
    case = dis_period_case(cmm_worker, dis_worker)
    refused(
        lambda: services.repatriation_offer(
            case=case, actor=dis_worker, expected_version=case.version - 1, offered_on=days_ago(1)
        ),
        case,
        None,
        StaleCase,
    )


# The answer


def test_no_answer_without_a_pending_offer(cmm_worker, dis_worker):
    case = dis_period_case(cmm_worker, dis_worker)
    refused(
        lambda: services.repatriation_decide(
            case=case, actor=dis_worker, expected_version=case.version, answer="accepted", answered_on=days_ago(1)
        ),
        case,
        "intet tilbud",
    )


def test_the_answer_is_not_before_the_offer_nor_in_the_future(cmm_worker, dis_worker):
    case = offered(dis_period_case(cmm_worker, dis_worker), dis_worker, days_ago(10))
    for day, text in ((days_ago(11), "før tilbuddet"), (timezone.localdate() + dt.timedelta(days=1), "fremtiden")):
        refused(
            lambda day=day: services.repatriation_decide(
                case=case, actor=dis_worker, expected_version=case.version, answer="accepted", answered_on=day
            ),
            case,
            text,
        )


def test_acceptance_and_decline_record_their_events_and_exit_prepared(cmm_worker, dis_worker):
    case = offered(dis_period_case(cmm_worker, dis_worker), dis_worker, days_ago(10))
    assert not case.exit_prepared

    case = answered(case, dis_worker, "accepted", days_ago(9))

    assert case.exit_prepared
    event = case.events.get(event_type="repatriation_accepted")
    assert event.data == {"answered_on": days_ago(9).isoformat()}
    assert event.reason == "Vil gerne hjem til familien."


# The reintegration plan and support


def test_no_plan_or_support_before_acceptance(cmm_worker, dis_worker):
    case = offered(dis_period_case(cmm_worker, dis_worker), dis_worker)
    refused(
        lambda: services.reintegration_plan_save(
            case=case, actor=dis_worker, expected_version=case.version, reintegration_plan="Plan", destination="NG"
        ),
        case,
        "ikke taget imod",
    )


def test_the_plan_is_saved_with_destination_and_planned_departure(cmm_worker, dis_worker):
    case = accepted_case(cmm_worker, dis_worker)
    departure = timezone.localdate() + dt.timedelta(days=20)

    services.reintegration_plan_save(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        reintegration_plan="Bolig i Benin City, kursus i syning.",
        destination="NG",
        planned_departure_on=departure,
    )

    repatriation = Repatriation.objects.get(case=case)
    assert (repatriation.reintegration_plan, repatriation.planned_departure_on) == (
        "Bolig i Benin City, kursus i syning.",
        departure,
    )
    with_plan = fresh(case).events.get(event_type="reintegration_plan_saved")
    assert with_plan.data == {"destination": "NG", "planned_departure_on": departure.isoformat()}


def test_the_destination_is_not_denmark_and_departure_not_before_acceptance(cmm_worker, dis_worker):
    case = accepted_case(cmm_worker, dis_worker)
    problems = services.plan_problems(
        repatriation=Repatriation.objects.get(case=case), planned_departure_on=days_ago(295), destination="DK"
    )
    assert [problem.field for problem in problems] == ["destination", "planned_departure_on"]


def test_support_paid_to_a_family_member_needs_a_reason(cmm_worker, dis_worker):
    case = accepted_case(cmm_worker, dis_worker)

    def add(**values):
        return services.reintegration_support_add(
            case=fresh(case),
            actor=dis_worker,
            expected_version=fresh(case).version,
            kind="school_fees",
            amount=Decimal("250.00"),
            currency="NGN",
            **values,
        )

    error = refused(lambda: add(paid_to_family_member=True, family_member_reason="  "), case)
    assert (error.message, error.field) == (
        "Angiv hvorfor støtten udbetales til et familiemedlem.",
        "family_member_reason",
    )

    item = add(paid_to_family_member=True, family_member_reason="Børnene bor hos mormor.")

    assert (item.paid_to_family_member, item.family_member_reason) == (True, "Børnene bor hos mormor.")
    assert AuditEvent.objects.filter(what="reintegration_support_add").exists()
    # The timeline says what was recorded: support, not the plan again.
    assert fresh(case).events.first().event_type == CaseEvent.Type.REINTEGRATION_SUPPORT_ADDED


def test_support_problems_are_all_found_at_once():
    problems = services.support_problems(
        amount=Decimal("0"), currency="XYZ", paid_to_family_member=True, family_member_reason=""
    )
    assert [problem.field for problem in problems] == ["amount", "currency", "family_member_reason"]
    assert (
        services.support_problems(
            amount=Decimal("1"), currency="EUR", paid_to_family_member=False, family_member_reason=""
        )
        == []
    )


# The return


def test_no_return_before_acceptance(cmm_worker, dis_worker):
    case = offered(dis_period_case(cmm_worker, dis_worker), dis_worker)
    refused(
        lambda: services.return_record(
            case=case, actor=dis_worker, expected_version=case.version, returned_on=days_ago(1)
        ),
        case,
        "ikke taget imod",
    )


def test_the_return_is_not_before_the_acceptance_nor_in_the_future(cmm_worker, dis_worker):
    case = accepted_case(cmm_worker, dis_worker)  # accepted 290 days ago
    for day, text in (
        (days_ago(291), "før personen tog imod"),
        (timezone.localdate() + dt.timedelta(days=1), "fremtiden"),
    ):
        refused(
            lambda day=day: services.return_record(
                case=case, actor=dis_worker, expected_version=case.version, returned_on=day
            ),
            case,
            text,
        )


def test_the_return_moves_the_case_and_opens_both_deadlines(cmm_worker, dis_worker):
    case = accepted_case(cmm_worker, dis_worker)
    assert case.deadlines.filter(kind=DeadlineKind.PERIOD_END, status="open").exists()

    case = returned(case, dis_worker, days_ago(60))

    assert (case.status, case.exit_on, case.exit_prepared) == (Case.Status.RETURNED, days_ago(60), False)
    kinds = dict(case.deadlines.filter(status="open").values_list("kind", "due_at"))
    assert set(kinds) == {DeadlineKind.REINTEGRATION_END, DeadlineKind.FOLLOW_UP_END}
    assert case.deadlines.get(kind=DeadlineKind.PERIOD_END).status == Deadline.Status.CANCELLED
    event = case.events.get(event_type="return_recorded")
    assert set(event.data) == {"returned_on", "reintegration_last_day", "follow_up_last_day"}
    refused(
        lambda: services.return_record(
            case=case, actor=dis_worker, expected_version=case.version, returned_on=days_ago(1)
        ),
        case,
        "status",
    )


# The repatriation organisation: a live share for prepared repatriation, on the person's consent


def test_the_iom_writes_only_on_a_live_repatriation_share(cmm_worker, dis_worker, iom):
    case = accepted_case(cmm_worker, dis_worker)

    def plan():
        return services.reintegration_plan_save(
            case=fresh(case),
            actor=iom,
            expected_version=fresh(case).version,
            reintegration_plan="Plan",
            destination="NG",
        )

    refused(plan, case, "delt med jer til forberedt hjemrejse")
    # A share for another purpose is not enough.
    support_share = grants.share_create(
        case=fresh(case),
        actor=cmm_worker,
        expected_version=fresh(case).version,
        team=iom.team,
        scope="support",
        consent_given_on=timezone.localdate(),
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    refused(plan, case, "delt med jer til forberedt hjemrejse")
    grants.share_withdraw(share=support_share, actor=cmm_worker)

    share = shared_for_repatriation(case, cmm_worker, iom.team)
    plan()
    case = returned(case, iom)
    assert case.status == Case.Status.RETURNED

    grants.share_withdraw(share=share, actor=cmm_worker)
    refused(
        lambda: services.follow_up_report_add(
            case=fresh(case), actor=iom, expected_version=fresh(case).version, written_on=days_ago(1), text="Rapport"
        ),
        case,
        "delt med jer",
    )


def test_an_ngo_worker_writes_nothing_of_the_repatriation(cmm_worker, dis_worker, ngo_worker):
    case = accepted_case(cmm_worker, dis_worker)
    refused(
        lambda: services.return_record(
            case=case, actor=ngo_worker, expected_version=case.version, returned_on=days_ago(1)
        ),
        case,
        None,
        NotAllowed,
    )


# Follow-up reports


def test_a_report_is_only_written_after_the_return_and_not_before_it(cmm_worker, dis_worker):
    case = accepted_case(cmm_worker, dis_worker)
    refused(
        lambda: services.follow_up_report_add(
            case=case, actor=dis_worker, expected_version=case.version, written_on=days_ago(1), text="Rapport"
        ),
        case,
        "status",
    )
    case = returned(case, dis_worker, days_ago(60))
    refused(
        lambda: services.follow_up_report_add(
            case=case, actor=dis_worker, expected_version=case.version, written_on=days_ago(61), text="Rapport"
        ),
        case,
        "før hjemrejsen",
    )


def test_a_report_at_the_end_of_the_support_closes_its_deadline(cmm_worker, dis_worker):
    case = accepted_case(cmm_worker, dis_worker)
    case = returned(case, dis_worker, days_ago(200))  # support ended about 20 days ago

    services.follow_up_report_add(
        case=case, actor=dis_worker, expected_version=case.version, written_on=days_ago(25), text="Afsluttende rapport"
    )

    deadlines = dict(fresh(case).deadlines.values_list("kind", "status"))
    assert deadlines[DeadlineKind.REINTEGRATION_END] == Deadline.Status.MET
    assert deadlines[DeadlineKind.FOLLOW_UP_END] == Deadline.Status.OPEN


def test_case_work_of_the_other_authority_may_write_a_report(cmm_worker, dis_worker):
    """Our rule (as laid down): any caseworker who sees the case may add a report; the contact person follows up."""
    case = returned(accepted_case(cmm_worker, dis_worker), dis_worker)
    report = services.follow_up_report_add(
        case=case, actor=cmm_worker, expected_version=case.version, written_on=days_ago(0), text="Telefonsamtale."
    )
    assert report.author == cmm_worker


def test_a_coordinator_of_another_team_is_a_caseworker_too(cmm_worker, dis_worker):
    other = UserFactory(agency=Agency.DIS, role=Role.DIS_COORDINATOR, team=None)
    case = identified_case(cmm_worker, dis_worker)
    services.dublin_record(case=case, actor=other, expected_version=case.version)
    assert fresh(case).dublin_regulation


def test_the_return_ends_the_action_plans_reviews(cmm_worker, dis_worker):
    """The plan's reviews follow support in Denmark: after the return, the follow-up reports take their place."""
    from support.services import action_plan_version_save

    case = accepted_case(cmm_worker, dis_worker)
    today = timezone.localdate()
    action_plan_version_save(
        case=fresh(case),
        actor=dis_worker,
        expected_version=fresh(case).version,
        made_on=today,
        made_with_person=True,
        made_with_representative=False,
        goals=["Forberede hjemrejsen"],
        activities=[],
        review_dates=[today + dt.timedelta(days=20), today + dt.timedelta(days=50)],
    )

    returned(case, dis_worker, today)

    reviews = Deadline.objects.filter(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW)
    assert sorted(reviews.values_list("status", flat=True)) == [Deadline.Status.CANCELLED] * 2
    assert Deadline.objects.get(case=case, kind=DeadlineKind.FOLLOW_UP_END).status == Deadline.Status.OPEN
