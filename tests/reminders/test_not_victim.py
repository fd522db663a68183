"""A "not a victim" decision is told to police and DIS in the app; their acknowledgement closes the deadline."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.codes import ResidenceStatus
from cases.deadlines import DeadlineKind
from cases.errors import DomainError, NotAllowed
from cases.models import CaseEvent, Deadline
from reminders import notices, services
from reminders.models import Notification as N
from reminders.models import NotificationKind, Reminder
from tests.factories import login, make_case
from tests.states import assessed

pytestmark = pytest.mark.django_db


def deadline_of(case):
    return Deadline.objects.get(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION)


def test_dis_decision_on_a_police_referral_is_told_to_the_liaison_whose_acknowledgement_meets_it(
    police, dis_worker, dis_coordinator
):
    case = assessed(make_case(police), dis_worker, decision="not_victim")
    services.reminders_scan()
    notice = N.objects.get(kind=NotificationKind.NOT_VICTIM)
    assert notice.recipient == police  # DIS decided: it is not told its own decision

    notices.notice_acknowledge(notification=notice, actor=police)

    deadline = deadline_of(case)
    notice.refresh_from_db()
    assert (deadline.status, deadline.closed_at) == (Deadline.Status.MET, notice.acknowledged_at)
    event = CaseEvent.objects.get(case=case, event_type=CaseEvent.Type.NOTIFICATION_RECORDED)
    assert event.actor == police and event.data["acknowledged"] == ["POLICE"]
    with pytest.raises(DomainError):
        notices.notice_acknowledge(notification=notice, actor=police)


def test_a_cmm_decision_needs_both_police_and_dis_and_any_dis_member_acknowledges_for_dis(
    police, cmm_worker, dis_worker, dis_coordinator
):
    case = assessed(make_case(police, residence_status=ResidenceStatus.LEGAL_RESIDENCE), cmm_worker, "not_victim")
    services.reminders_scan()
    told = dict(N.objects.filter(kind=NotificationKind.NOT_VICTIM).values_list("recipient__username", "pk"))
    assert set(told) == {"politi", "us.koordinator"}

    notices.notice_acknowledge(notification=N.objects.get(pk=told["politi"]), actor=police)
    assert deadline_of(case).status == Deadline.Status.OPEN
    notices.notice_acknowledge(notification=N.objects.get(pk=told["us.koordinator"]), actor=dis_coordinator)
    assert deadline_of(case).status == Deadline.Status.MET


def test_only_the_recipient_acknowledges_and_only_a_notice(police, dis_worker, cmm_worker, dis_coordinator):
    assessed(make_case(police), dis_worker, decision="not_victim")
    services.reminders_scan()
    notice = N.objects.get(kind=NotificationKind.NOT_VICTIM)
    with pytest.raises(NotAllowed):
        notices.notice_acknowledge(notification=notice, actor=dis_coordinator)
    with pytest.raises(NotAllowed):
        notices.notice_acknowledge(notification=notice, actor=cmm_worker)  # the role may not at all
    assert N.objects.get(pk=notice.pk).acknowledged_at is None


def test_unacknowledged_after_24_hours_it_escalates_to_the_cmm_coordinator(police, dis_worker, coordinator):
    case = assessed(make_case(police), dis_worker, decision="not_victim")
    services.reminders_scan()
    services.reminders_scan(now=timezone.now() + dt.timedelta(hours=25))
    escalated = N.objects.get(kind=NotificationKind.OVERDUE)
    assert (escalated.recipient, escalated.case) == (coordinator, case)
    assert Reminder.objects.filter(lead="notice", status="sent").count() == 1


def test_recording_the_notification_by_hand_cancels_the_notices_not_yet_sent(police, dis_worker):
    from cases.services import notification_record

    case = assessed(make_case(police), dis_worker, decision="not_victim")
    services.reminders_materialise()
    notification_record(case=case, actor=dis_worker, expected_version=case.version, notified_at=timezone.now())
    services.reminders_scan()
    assert not N.objects.exists()


def test_the_police_liaison_sees_the_notice_and_acknowledges_it_but_not_the_case(client, police, dis_worker):
    case = assessed(make_case(police), dis_worker, decision="not_victim")
    services.reminders_scan()
    notice = N.objects.get()
    login(client, police)
    page = client.get(f"/varsler/{notice.pk}/").content.decode()
    assert case.number in page and "Kvittér for underretningen" in page
    assert f"/sager/{case.number}/" not in page and "/mine-henvisninger/" in page
    assert "Ada" not in page  # the person's name is in the file, not in the notice

    response = client.post(f"/varsler/{notice.pk}/kvitter/")
    assert response.status_code == 302
    assert deadline_of(case).status == Deadline.Status.MET
    assert client.get(f"/sager/{case.number}/").status_code in (403, 404)


def test_another_users_notification_is_not_found(client, police, dis_worker, dis_coordinator):
    assessed(make_case(police), dis_worker, decision="not_victim")
    services.reminders_scan()
    notice = N.objects.get()
    login(client, dis_coordinator)
    assert client.get(f"/varsler/{notice.pk}/").status_code == 404
    assert client.post(f"/varsler/{notice.pk}/kvitter/").status_code == 404
    assert N.objects.get().acknowledged_at is None
