"""Support services and action plans through their services: allowed and refused transitions, role limits."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.deadlines import DeadlineKind, end_of_day
from cases.errors import DomainError, NotAllowed, StaleCase
from cases.models import Case, CaseEvent, Deadline
from support.models import ActionPlanVersion, SupportService
from tests.factories import make_case
from tests.states import identified_case, not_victim_case

from .conftest import record, save_plan, update

pytestmark = pytest.mark.django_db
Status = SupportService.Status
TODAY = timezone.localdate


def test_recording_a_service_writes_event_audit_row_and_bumps_the_case(case, cmm_worker):
    service = record(case, cmm_worker, ends_on=TODAY() + dt.timedelta(days=30), note="Fortroligt")

    assert service.status == Status.OFFERED
    assert Case.objects.get(pk=case.pk).version == case.version + 1
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.SUPPORT_SERVICE_RECORDED)
    assert event.data["type"] == "shelter" and "Fortroligt" not in str(event.data) and "Reden" not in str(event.data)
    row = AuditEvent.objects.get(what="support_service_record")
    assert "support_service.note" in row.detail["fields"] and "Fortroligt" not in str(row.detail)


@pytest.mark.parametrize(
    "allowed", [(Status.OFFERED, Status.ACCEPTED), (Status.OFFERED, Status.DECLINED), (Status.ACCEPTED, Status.ENDED)]
)
def test_allowed_transitions(case, cmm_worker, allowed):
    old, new = allowed
    service = record(case, cmm_worker, status=old, starts_on=TODAY() - dt.timedelta(days=2))
    changed = update(service, cmm_worker, status=new)

    assert changed.status == new and changed.version == 2
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.SUPPORT_SERVICE_CHANGED)
    assert (event.data["old_status"], event.data["status"]) == (old, new)


def test_ending_without_a_date_ends_today(case, cmm_worker):
    service = record(case, cmm_worker, status=Status.ACCEPTED, starts_on=TODAY() - dt.timedelta(days=2))
    assert update(service, cmm_worker, status=Status.ENDED).ends_on == TODAY()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (Status.OFFERED, Status.ENDED),
        (Status.ACCEPTED, Status.OFFERED),
        (Status.ACCEPTED, Status.DECLINED),
        (Status.DECLINED, Status.OFFERED),
        (Status.DECLINED, Status.ACCEPTED),
        (Status.ENDED, Status.ACCEPTED),
    ],
)
def test_refused_transitions_change_nothing(case, cmm_worker, old, new):
    if old == Status.DECLINED:
        service = update(record(case, cmm_worker), cmm_worker, status=Status.DECLINED)
    elif old == Status.ENDED:
        service = update(record(case, cmm_worker, status=Status.ACCEPTED), cmm_worker, status=Status.ENDED)
    else:
        service = record(case, cmm_worker, status=old)
    before = SupportService.objects.get(pk=service.pk)

    with pytest.raises(DomainError):
        update(service, cmm_worker, status=new)

    after = SupportService.objects.get(pk=service.pk)
    assert (after.status, after.version, after.ends_on) == (before.status, before.version, before.ends_on)


def test_a_declined_service_cannot_be_changed_back_and_says_why(case, cmm_worker):
    service = update(record(case, cmm_worker), cmm_worker, status=Status.DECLINED)
    with pytest.raises(DomainError, match="afslået og kan ikke ændres"):
        update(service, cmm_worker, status=Status.ACCEPTED)


def test_end_before_start_is_refused_on_record_and_update(case, cmm_worker):
    start = TODAY()
    with pytest.raises(DomainError) as error:
        record(case, cmm_worker, starts_on=start, ends_on=start - dt.timedelta(days=1))
    assert error.value.field == "ends_on"
    service = record(case, cmm_worker, status=Status.ACCEPTED, starts_on=start)
    with pytest.raises(DomainError, match="før støtten begynder"):
        update(service, cmm_worker, status=Status.ACCEPTED, ends_on=start - dt.timedelta(days=3))
    assert not SupportService.objects.filter(ends_on__isnull=False).exists()


def test_ending_in_the_future_is_refused(case, cmm_worker):
    service = record(case, cmm_worker, status=Status.ACCEPTED)
    with pytest.raises(DomainError, match="fremtiden"):
        update(service, cmm_worker, status=Status.ENDED, ends_on=TODAY() + dt.timedelta(days=3))


def test_a_service_cannot_be_recorded_as_declined_or_before_the_referral(case, cmm_worker):
    with pytest.raises(DomainError):
        record(case, cmm_worker, status=Status.DECLINED)
    with pytest.raises(DomainError, match="før henvisningen"):
        record(case, cmm_worker, starts_on=TODAY() - dt.timedelta(days=30))


def test_a_stale_service_write_is_refused(case, cmm_worker, cmm_colleague):
    service = record(case, cmm_worker)
    loaded = SupportService.objects.select_related("case__referral").get(pk=service.pk)
    update(service, cmm_colleague, status=Status.ACCEPTED)

    from support import services

    with pytest.raises(StaleCase):
        services.support_service_update(service=loaded, actor=cmm_worker, expected_version=1, status=Status.DECLINED)
    assert SupportService.objects.get(pk=service.pk).status == Status.ACCEPTED


def test_a_stale_case_refuses_a_new_service(case, cmm_worker):
    from support import services

    case = Case.objects.select_related("referral").get(pk=case.pk)
    with pytest.raises(StaleCase):
        services.support_service_record(
            case=case,
            actor=cmm_worker,
            expected_version=case.version - 1,
            type="medical",
            provider="Lægen",
            starts_on=TODAY(),
        )
    assert not SupportService.objects.exists()


def test_support_is_recorded_only_in_support_states(cmm_worker, dis_worker):
    referred = make_case(cmm_worker)
    closed = not_victim_case(cmm_worker, dis_worker)
    for case in (referred, closed):
        with pytest.raises(DomainError, match="ikke mulig"):
            record(case, cmm_worker)
    assert record(identified_case(cmm_worker, dis_worker), dis_worker).pk


def test_ngo_and_iom_may_not_record_or_change_support(case, cmm_worker, ngo_worker, iom_officer):
    with pytest.raises(NotAllowed):
        record(case, ngo_worker)
    service = record(case, cmm_worker)
    with pytest.raises(NotAllowed):
        update(service, iom_officer, status=Status.ACCEPTED)
    assert SupportService.objects.get().status == Status.OFFERED


def test_a_plan_version_opens_one_review_deadline_per_date(case, cmm_worker):
    version = save_plan(case, cmm_worker)

    assert version.number == 1 and version.goals[0] == "Finde en sikker bolig"
    reviews = Deadline.objects.filter(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW, status=Deadline.Status.OPEN)
    assert sorted(d.last_day for d in reviews) == [TODAY() + dt.timedelta(days=30), TODAY() + dt.timedelta(days=90)]
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.ACTION_PLAN_SAVED)
    assert event.data["goals"] == 2 and "bolig" not in str(event.data)
    assert AuditEvent.objects.filter(what="action_plan_version_save").count() == 1


def test_a_new_version_keeps_the_old_and_replaces_its_review_deadlines(case, cmm_worker):
    first = save_plan(case, cmm_worker)
    second = save_plan(case, cmm_worker, goals=["Et nyt mål"], review_dates=[TODAY() + dt.timedelta(days=14)])

    assert (first.number, second.number) == (1, 2)
    old = ActionPlanVersion.objects.get(pk=first.pk)
    assert old.goals == ["Finde en sikker bolig", "Lære dansk"] and len(old.review_dates) == 2
    reviews = Deadline.objects.filter(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW)
    assert sorted(reviews.values_list("status", flat=True)) == ["cancelled", "cancelled", "open"]
    assert reviews.get(status="open").due_at == end_of_day(TODAY() + dt.timedelta(days=14))


def test_a_review_due_today_is_met_by_the_new_version_and_an_overdue_one_missed(case, cmm_worker):
    save_plan(case, cmm_worker, review_dates=[TODAY() + dt.timedelta(days=1), TODAY() + dt.timedelta(days=40)])
    reviews = Deadline.objects.filter(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW).order_by("due_at")
    due_today, later = reviews
    Deadline.objects.filter(pk=due_today.pk).update(due_at=end_of_day(TODAY()))
    save_plan(case, cmm_worker, review_dates=[TODAY() + dt.timedelta(days=60)])

    assert Deadline.objects.get(pk=due_today.pk).status == Deadline.Status.MET
    assert Deadline.objects.get(pk=later.pk).status == Deadline.Status.CANCELLED

    overdue = Deadline.objects.get(case=case, kind=DeadlineKind.ACTION_PLAN_REVIEW, status="open")
    Deadline.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(days=2), status="missed")
    save_plan(case, cmm_worker, review_dates=[TODAY() + dt.timedelta(days=70)])
    overdue.refresh_from_db()
    assert overdue.status == Deadline.Status.MISSED and overdue.closed_at is not None


def test_a_version_cannot_be_changed_in_the_database(case, cmm_worker):
    version = save_plan(case, cmm_worker)
    for change in ({"made_on": TODAY() - dt.timedelta(days=1)}, {"number": 5}, {"review_dates": []}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionPlanVersion.objects.filter(pk=version.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlanVersion.objects.create(
            plan=version.plan, number=1, made_on=TODAY(), made_with_person=True, created_by=cmm_worker
        )
    # Its encrypted content may be cleared (the retention job) or re-encrypted (a key rotation).
    ActionPlanVersion.objects.filter(pk=version.pk).update(content={})
    assert ActionPlanVersion.objects.get(pk=version.pk).goals == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"made_with_person": False}, "made_with"),
        ({"goals": []}, "goals"),
        ({"review_dates": []}, "review_dates"),
        ({"review_dates": [TODAY() - dt.timedelta(days=1)]}, "review_dates"),
        ({"made_on": TODAY() + dt.timedelta(days=1)}, "made_on"),
        (
            {"activities": [{"text": "x", "responsible": "y", "due_on": TODAY() - dt.timedelta(days=1)}]},
            "activities",
        ),
    ],
)
def test_a_refused_plan_saves_nothing(case, cmm_worker, overrides, field):
    with pytest.raises(DomainError) as error:
        save_plan(case, cmm_worker, **overrides)
    assert error.value.field == field
    assert not ActionPlanVersion.objects.exists() and not Deadline.objects.filter(kind="action_plan_review").exists()


def test_all_plan_problems_come_at_once(case):
    from support.services import action_plan_problems

    problems = action_plan_problems(
        case=Case.objects.select_related("referral").get(pk=case.pk),
        made_on=TODAY(),
        made_with_person=False,
        made_with_representative=False,
        goals=[],
        activities=[],
        review_dates=[],
    )
    assert {problem.field for problem in problems} == {"made_with", "goals", "review_dates"}


def test_ngo_and_iom_may_not_edit_a_plan(case, ngo_worker, iom_officer):
    for actor in (ngo_worker, iom_officer):
        with pytest.raises(NotAllowed):
            save_plan(case, actor)
