"""The reminder outbox, scanned in-process: who is told, once, when; what cancels and replaces a reminder."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from cases.codes import ResidenceStatus
from cases.deadlines import DeadlineKind
from cases.models import Deadline
from reminders import services
from reminders.models import Channel, EmailPreference, Notification, NotificationKind, Reminder
from tests.factories import make_case
from tests.states import assessed, extended, period_case

pytestmark = pytest.mark.django_db


def detained(referrer, hours_ago: float, **referral):
    return make_case(referrer, detained=True, detained_at=timezone.now() - dt.timedelta(hours=hours_ago), **referral)


def test_a_reminder_comes_once_in_the_app_and_once_by_email(cmm_worker, with_addresses):
    case = detained(cmm_worker, hours_ago=50)  # 22 hours left: the 24-hour reminder is due

    first = services.reminders_scan()
    again = services.reminders_scan()

    notice = Notification.objects.get(recipient=cmm_worker)
    assert (notice.kind, notice.case, notice.lead, notice.read_at) == (NotificationKind.REMINDER, case, "24h", None)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kontakt@example.dk"]
    assert case.number in mail.outbox[0].subject
    assert first["sent"] == 2 and "sent" not in again
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_no_reminder_before_its_time_and_the_shorter_lead_replaces_a_missed_longer_one(cmm_worker):
    detained(cmm_worker, hours_ago=40)  # 32 hours left: nothing due
    assert services.reminders_scan()["offered"] == 0

    late = detained(cmm_worker, hours_ago=67)  # 5 hours left: the 6-hour reminder, not the 24-hour one as well
    services.reminders_scan()
    assert list(Notification.objects.filter(case=late).values_list("lead", flat=True)) == ["6h"]


def test_email_only_for_who_wants_it_in_app_always(cmm_worker, with_addresses):
    EmailPreference.objects.create(user=cmm_worker, kind=NotificationKind.REMINDER, email=False)
    detained(cmm_worker, hours_ago=50)
    services.reminders_scan()
    assert Notification.objects.filter(recipient=cmm_worker).count() == 1
    assert mail.outbox == []


def test_meeting_the_deadline_cancels_its_reminders_at_once(cmm_worker, dis_worker, with_addresses):
    case = detained(cmm_worker, hours_ago=50)
    services.reminders_materialise()
    # The contact person in the app and by email; DIS, the competent authority, in the app (no address).
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 3

    assessed(case, dis_worker)  # the identification decision meets the deadline

    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}
    services.reminders_scan()
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_deadline_closed_by_another_path_is_cancelled_by_the_scan_not_sent(cmm_worker):
    case = detained(cmm_worker, hours_ago=50)
    services.reminders_materialise()
    Deadline.objects.filter(case=case).update(status=Deadline.Status.CANCELLED, closed_at=timezone.now())
    services.reminders_scan()
    assert not Notification.objects.exists()
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}


def test_an_extension_replaces_the_period_end_reminders(cmm_worker, dis_worker):
    case = period_case(cmm_worker, dis_worker)  # 30 days from today: its last day is in 29 days
    start = timezone.now()

    def days(n):
        return start + dt.timedelta(days=n)

    def leads(deadline):
        return list(Notification.objects.filter(deadline=deadline, recipient=cmm_worker).values_list("lead", flat=True))

    services.reminders_scan(now=days(23))
    old = Deadline.objects.get(case=case, kind=DeadlineKind.PERIOD_END, status=Deadline.Status.OPEN)
    assert leads(old) == ["7d"]
    services.reminders_materialise(now=days(28))  # the 2-day one, not yet sent

    case = extended(case, dis_worker, days=10)

    assert set(Reminder.objects.filter(deadline=old, lead="2d").values_list("status", flat=True)) == {"cancelled"}
    new = Deadline.objects.get(case=case, kind=DeadlineKind.PERIOD_END, status=Deadline.Status.OPEN)
    services.reminders_scan(now=days(28))
    assert not Notification.objects.filter(deadline=new).exists()
    services.reminders_scan(now=days(33))  # 7 days before the new last day
    assert leads(new) == ["7d"]
    assert Notification.objects.filter(recipient=cmm_worker).count() == 2


def test_a_failing_mail_server_is_retried_not_lost_and_not_doubled(cmm_worker, coordinator, with_addresses, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    detained(cmm_worker, hours_ago=50)
    services.reminders_scan()
    email = Reminder.objects.get(channel=Channel.EMAIL)
    assert (email.status, email.attempts, email.last_error) == ("pending", 1, "ConnectionRefusedError")
    assert email.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert Notification.objects.filter(recipient=cmm_worker).count() == 1  # the in-app one is not held up

    services.reminders_scan()  # before the back-off: not tried again
    assert Reminder.objects.get(pk=email.pk).attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.reminders_scan(now=timezone.now() + dt.timedelta(minutes=2))
    services.reminders_scan(now=timezone.now() + dt.timedelta(hours=2))
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=cmm_worker).count() == 1


def test_an_unreachable_mail_server_leaves_every_email_of_the_batch_to_retry(
    cmm_worker, coordinator, with_addresses, settings
):
    settings.EMAIL_BACKEND = "tests.reminders.backends.UnreachableBackend"
    for _ in range(3):
        detained(cmm_worker, hours_ago=50)
    services.reminders_scan()
    emails = Reminder.objects.filter(channel=Channel.EMAIL)
    assert emails.count() == 3
    assert set(emails.values_list("status", "attempts", "last_error")) == {("pending", 1, "TimeoutError")}
    assert Notification.objects.filter(recipient=cmm_worker).count() == 3  # in the app all the same

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.reminders_scan(now=timezone.now() + dt.timedelta(minutes=2))
    assert set(emails.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3


def test_after_the_last_retry_it_is_failed_and_shown_to_the_coordinator(
    client, cmm_worker, coordinator, with_addresses, settings
):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    settings.REMINDER_RETRY_SECONDS = [60, 60]
    case = detained(cmm_worker, hours_ago=50, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    for minutes in (0, 2, 4, 6):
        services.reminders_scan(now=timezone.now() + dt.timedelta(minutes=minutes))

    email = Reminder.objects.get(channel=Channel.EMAIL)
    assert (email.status, email.attempts) == ("failed", 3)
    failed = Notification.objects.get(kind=NotificationKind.SEND_FAILED)
    assert (failed.recipient, failed.case) == (coordinator, case)

    from tests.factories import login

    login(client, coordinator)
    page = client.get("/varsler/ikke-sendt/").content.decode()
    assert case.number in page and "ConnectionRefusedError" in page

    # The mail server is put right and the coordinator sends it again: fresh retries, sent by the next scan.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(f"/varsler/ikke-sendt/{email.pk}/send-igen/", follow=True)
    assert "sendes igen inden for et par minutter" in response.content.decode()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(what="reminder_resend", actor=coordinator, case_ids=[case.pk]).count() == 1
    services.reminders_scan(now=timezone.now() + dt.timedelta(minutes=8))
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1
    assert case.number not in client.get("/varsler/ikke-sendt/").content.decode()
    # Once sent, it is not sent again by a second press.
    client.post(f"/varsler/ikke-sendt/{email.pk}/send-igen/")
    assert Reminder.objects.get(pk=email.pk).status == "sent"


def test_a_failed_reminder_is_not_sent_again_once_its_deadline_is_met_nor_by_others(
    client, cmm_worker, coordinator, dis_coordinator, with_addresses, settings
):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    settings.REMINDER_RETRY_SECONDS = []
    case = detained(cmm_worker, hours_ago=50, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    services.reminders_scan()
    email = Reminder.objects.get(channel=Channel.EMAIL, recipient=cmm_worker)
    assert email.status == "failed"

    from tests.factories import login

    login(client, dis_coordinator)  # a CMM case: not in DIS's scope, so as if it did not exist
    assert client.post(f"/varsler/ikke-sendt/{email.pk}/send-igen/").status_code == 404
    login(client, cmm_worker)
    assert client.post(f"/varsler/ikke-sendt/{email.pk}/send-igen/").status_code == 403

    Deadline.objects.filter(case=case).update(status=Deadline.Status.MET, closed_at=timezone.now())
    login(client, coordinator)
    page = client.post(f"/varsler/ikke-sendt/{email.pk}/send-igen/", follow=True).content.decode()
    assert "Fristen er ikke længere aktuel" in page
    assert Reminder.objects.get(pk=email.pk).status == "failed"
    assert not AuditEvent.objects.filter(what="reminder_resend").exists()


def test_an_email_names_the_case_the_deadline_and_a_link_never_the_person(cmm_worker, with_addresses):
    canary = "Kanariefugl-Zqx"
    case = detained(cmm_worker, hours_ago=50, person={"given_name": canary, "family_name": "Fjerprik-Wv"})
    services.reminders_scan()
    message = mail.outbox[0]
    text = message.subject + message.body + "".join(str(a) for a in message.alternatives)
    assert case.number in text and f"/sager/{case.number}/" in text
    assert "Identifikation" in text
    assert canary not in text and "Fjerprik" not in text and "Ada" not in text


def test_overdue_tells_the_owner_and_the_coordinator_once(cmm_worker, coordinator, with_addresses):
    case = detained(cmm_worker, hours_ago=73, residence_status=ResidenceStatus.LEGAL_RESIDENCE)  # a CMM case
    services.reminders_scan()
    services.reminders_scan()
    told = Notification.objects.filter(kind=NotificationKind.OVERDUE, case=case)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["cmm.kontakt", "cmm.koordinator"]
    assert len(mail.outbox) == 2


def test_a_dis_case_without_contact_person_goes_to_the_dis_coordinators(police, dis_coordinator):
    case = make_case(police, detained=True, detained_at=timezone.now() - dt.timedelta(hours=50))
    services.reminders_scan()
    assert list(Notification.objects.filter(case=case).values_list("recipient", flat=True)) == [dis_coordinator.pk]
