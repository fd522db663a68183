import datetime as dt

import pytest
from django.utils import timezone

from cases.codes import ResidenceStatus
from cases.deadlines import DeadlineKind
from cases.errors import DomainError, NotAllowed, StaleCase
from cases.models import Case, CaseEvent, Deadline
from identification import services
from identification.models import Assessment, Period, PeriodExtension
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def assess(case, actor, decision="victim", **kwargs):
    return services.assessment_record(
        case=case,
        actor=actor,
        expected_version=case.version,
        decision=decision,
        decided_on=kwargs.pop("decided_on", timezone.localdate()),
        reasons="Indikatorer og samtale.",
        **kwargs,
    )


def test_victim_decision_moves_case_to_identified_and_meets_72_hour_deadline(cmm_worker, dis_worker):
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=5))

    assess(case, dis_worker)

    case.refresh_from_db()
    assert case.status == Case.Status.IDENTIFIED
    assert case.version == 2
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.IDENTIFICATION)
    assert deadline.status == Deadline.Status.MET
    assert CaseEvent.objects.filter(case=case, event_type=CaseEvent.Type.ASSESSMENT_RECORDED, actor=dis_worker).exists()


def test_not_victim_closes_case_and_opens_24_hour_notification(cmm_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    before = timezone.now()

    assess(case, cmm_worker, decision="not_victim")

    case.refresh_from_db()
    assert (case.status, case.exit_reason) == (Case.Status.CLOSED, Case.ExitReason.NOT_VICTIM)
    notification = Deadline.objects.get(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION)
    assert notification.status == Deadline.Status.OPEN
    assert before + dt.timedelta(hours=24) <= notification.due_at <= timezone.now() + dt.timedelta(hours=24)


@pytest.mark.parametrize(
    ("residence", "refused_actor"),
    [
        (ResidenceStatus.LEGAL_RESIDENCE, "dis_worker"),
        (ResidenceStatus.ASYLUM_SEEKER, "cmm_worker"),
        (ResidenceStatus.NO_LEGAL_RESIDENCE, "cmm_worker"),
        (ResidenceStatus.LEGAL_RESIDENCE_EXPULSION, "cmm_worker"),
    ],
)
def test_assessment_by_the_wrong_authority_is_refused_and_changes_nothing(
    request, cmm_worker, residence, refused_actor
):
    case = make_case(cmm_worker, residence_status=residence)
    actor = request.getfixturevalue(refused_actor)

    with pytest.raises(DomainError, match="kompetent myndighed"):
        assess(case, actor)

    case.refresh_from_db()
    assert (case.status, case.version) == (Case.Status.REFERRED, 1)
    assert not Assessment.objects.filter(case=case).exists()
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_second_assessment_is_refused(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    assess(case, dis_worker)

    with pytest.raises(DomainError, match="status"):
        assess(case, dis_worker)


def test_assessment_in_the_future_is_refused_on_its_field(cmm_worker, dis_worker):
    case = make_case(cmm_worker)

    with pytest.raises(DomainError) as refused:
        assess(case, dis_worker, decided_on=timezone.localdate() + dt.timedelta(days=1))

    assert refused.value.field == "decided_on"


def test_stale_writer_is_told_and_nothing_is_written(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    stale_copy = Case.objects.get(pk=case.pk)
    assess(case, dis_worker)

    with pytest.raises(StaleCase):
        services.assessment_record(
            case=stale_copy,
            actor=dis_worker,
            expected_version=1,
            decision="not_victim",
            decided_on=timezone.localdate(),
            reasons="Anden vurdering",
        )

    assert Assessment.objects.get(case=case).decision == "victim"


def test_concurrent_writer_between_load_and_save_is_refused(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    loaded = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(version=5)  # another writer saved after we loaded

    with pytest.raises(StaleCase):
        assess(loaded, dis_worker)

    assert not Assessment.objects.filter(case=case).exists()


def test_roles_outside_cmm_and_dis_may_not_assess(cmm_worker, police):
    case = make_case(cmm_worker)

    with pytest.raises(NotAllowed):
        assess(case, police)


def granted(case, actor, starts_on=None):
    assess(case, actor)
    return services.period_grant(
        case=case,
        actor=actor,
        expected_version=case.version,
        starts_on=starts_on or case.assessment.decided_on,
    )


def test_grant_gives_30_day_reflection_period_with_end_deadline(cmm_worker, dis_worker):
    case = make_case(cmm_worker)

    granted(case, dis_worker, starts_on=None)

    period = Period.objects.get(case=case)
    assert (period.kind, period.days_total) == (Period.Kind.REFLECTION, 30)
    assert period.last_day == period.starts_on + dt.timedelta(days=29)
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.PERIOD_END, status=Deadline.Status.OPEN)
    assert timezone.localtime(deadline.due_at).date() == period.starts_on + dt.timedelta(days=30)
    assert Case.objects.get(pk=case.pk).status == Case.Status.PERIOD


def test_legal_resident_gets_a_recovery_period_from_cmm(cmm_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)

    granted(case, cmm_worker)

    assert Period.objects.get(case=case).kind == Period.Kind.RECOVERY


def test_period_cannot_be_granted_before_assessment(cmm_worker, dis_worker):
    case = make_case(cmm_worker)

    with pytest.raises(DomainError, match="status"):
        services.period_grant(case=case, actor=dis_worker, expected_version=1, starts_on=timezone.localdate())


def test_period_cannot_start_before_the_decision(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    assess(case, dis_worker)

    with pytest.raises(DomainError) as refused:
        services.period_grant(
            case=case,
            actor=dis_worker,
            expected_version=case.version,
            starts_on=case.assessment.decided_on - dt.timedelta(days=1),
        )
    assert refused.value.field == "starts_on"


def extend(case, actor, days, circumstances="Indlagt på hospital", cooperates=True):
    return services.period_extend(
        case=case,
        actor=actor,
        expected_version=case.version,
        days=days,
        exceptional_circumstances=circumstances,
        cooperates_on_repatriation=cooperates,
    )


def test_extension_moves_the_deadline_and_records_both_conditions(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    granted(case, dis_worker)

    extend(case, dis_worker, 60)

    period = Period.objects.get(case=case)
    assert period.days_total == 90
    extension = PeriodExtension.objects.get(period=period)
    assert extension.cooperates_on_repatriation and extension.exceptional_circumstances
    deadlines = Deadline.objects.filter(case=case, kind=DeadlineKind.PERIOD_END)
    assert sorted(deadlines.values_list("status", flat=True)) == ["cancelled", "open"]
    open_deadline = deadlines.get(status="open")
    assert timezone.localtime(open_deadline.due_at).date() == period.starts_on + dt.timedelta(days=90)


def test_extensions_up_to_120_days_are_allowed_and_one_day_more_is_refused(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    granted(case, dis_worker)
    extend(case, dis_worker, 60)
    extend(case, dis_worker, 30)
    version = case.version

    with pytest.raises(DomainError, match="har nået det højeste antal dage, 120") as refused:
        extend(case, dis_worker, 1)

    # Not a matter of the number typed: no extension applies any more (and the case page offers none).
    assert refused.value.field is None
    assert Period.objects.get(case=case).days_total == 120
    assert Case.objects.get(pk=case.pk).version == version


@pytest.mark.parametrize(
    ("circumstances", "cooperates", "field"),
    [("", True, "exceptional_circumstances"), ("Særlige forhold", False, "cooperates_on_repatriation")],
)
def test_extension_without_both_conditions_is_refused(cmm_worker, dis_worker, circumstances, cooperates, field):
    case = make_case(cmm_worker)
    granted(case, dis_worker)

    with pytest.raises(DomainError) as refused:
        extend(case, dis_worker, 10, circumstances=circumstances, cooperates=cooperates)

    assert refused.value.field == field
    assert Period.objects.get(case=case).days_total == 30


def test_extension_is_refused_before_a_period_is_granted(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    assess(case, dis_worker)

    with pytest.raises(DomainError, match="status"):
        extend(case, dis_worker, 10)


def test_extension_past_the_remaining_days_names_how_many_are_left(cmm_worker, dis_worker):
    case = make_case(cmm_worker)
    granted(case, dis_worker)
    extend(case, dis_worker, 80)

    with pytest.raises(DomainError, match="Du kan højst forlænge med 10 dage: perioden er nu 110 dage"):
        extend(case, dis_worker, 11)

    assert Period.objects.get(case=case).days_total == 110
