"""The case's stage in the whole lifecycle (cases.stages.case_stage), for every state."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.deadlines import DeadlineKind, end_of_day
from cases.models import Case
from cases.services import deadline_meet, deadline_open
from cases.stages import Stage, case_stage, stage_steps
from tests.factories import make_case
from tests.states import identified_case, not_victim_case, period_case

pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    return Case.objects.select_related("period").prefetch_related("deadlines").get(pk=case.pk)


def returned_with(case: Case, *kinds) -> Case:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RETURNED)
    for kind in kinds:
        deadline_open(case=case, kind=kind, due_at=end_of_day(timezone.localdate() + dt.timedelta(days=100)))
    return fresh(case)


def test_every_state_has_its_stage(police, dis_worker):
    today = timezone.localdate()
    assert case_stage(fresh(make_case(police))) == Stage.REFERRAL
    assert case_stage(fresh(identified_case(police, dis_worker))) == Stage.IDENTIFICATION
    running = fresh(period_case(police, dis_worker))
    assert case_stage(running) == Stage.PERIOD
    assert case_stage(running, today=running.period.last_day) == Stage.PERIOD
    assert case_stage(running, today=running.period.last_day + dt.timedelta(days=1)) == Stage.SUPPORT
    assert case_stage(running, exit_prepared=True) == Stage.EXIT
    assert case_stage(fresh(identified_case(police, dis_worker)), exit_prepared=True) == Stage.EXIT

    both = returned_with(period_case(police, dis_worker), DeadlineKind.REINTEGRATION_END, DeadlineKind.FOLLOW_UP_END)
    assert case_stage(both) == Stage.REINTEGRATION
    assert case_stage(both, exit_prepared=True) == Stage.REINTEGRATION
    deadline_meet(case=both, kind=DeadlineKind.REINTEGRATION_END, at=timezone.now())
    assert case_stage(fresh(both)) == Stage.FOLLOW_UP
    deadline_meet(case=both, kind=DeadlineKind.FOLLOW_UP_END, at=timezone.now())
    assert case_stage(fresh(both)) == Stage.FOLLOW_UP  # both ended, not yet closed

    assert case_stage(fresh(not_victim_case(police, dis_worker)), today=today) == Stage.CLOSED


def test_the_steps_mark_the_passed_the_current_and_the_coming(police, dis_worker):
    case = fresh(period_case(police, dis_worker))

    steps = stage_steps(case, case_stage(case))

    assert [s.stage for s in steps] == list(Stage)
    assert [s.state for s in steps] == ["done", "done", "current", "todo", "todo", "todo", "todo", "todo"]


def test_a_not_victim_case_went_from_identification_to_closed(police, dis_worker):
    case = fresh(not_victim_case(police, dis_worker))

    steps = stage_steps(case, case_stage(case))

    assert [(s.stage, s.state) for s in steps] == [
        (Stage.REFERRAL, "done"),
        (Stage.IDENTIFICATION, "done"),
        (Stage.CLOSED, "current"),
    ]
