"""The notification list, the count in every page's header, marking read, email preferences."""

import datetime as dt

import pytest
from django.utils import timezone

from reminders import services
from reminders.models import EmailPreference, Notification, NotificationKind
from tests.factories import login, make_case

pytestmark = pytest.mark.django_db


def reminded(cmm_worker):
    case = make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=50))
    services.reminders_scan()
    return case, Notification.objects.get(recipient=cmm_worker)


def test_the_header_counts_unread_notifications_and_opening_one_marks_it_read(client, cmm_worker):
    case, notice = reminded(cmm_worker)
    login(client, cmm_worker)
    home = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in home

    listing = client.get("/varsler/").content.decode()
    assert case.number in listing and f"/varsler/{notice.pk}/" in listing and "Ulæst" in listing
    page = client.get(f"/varsler/{notice.pk}/").content.decode()
    assert f'href="/sager/{case.number}/"' in page  # the case, for who may open it

    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_email_preferences_per_kind(client, cmm_worker):
    login(client, cmm_worker)
    assert client.get("/varsler/email/").status_code == 200
    response = client.post("/varsler/email/", {NotificationKind.OVERDUE: "on"})
    assert response.status_code == 302
    chosen = dict(EmailPreference.objects.filter(user=cmm_worker).values_list("kind", "email"))
    assert chosen == {"reminder": False, "overdue": True, "not_victim": False, "send_failed": False}


def test_the_list_of_failed_reminders_is_for_coordinators(client, cmm_worker, coordinator):
    login(client, cmm_worker)
    assert client.get("/varsler/ikke-sendt/").status_code == 403
    login(client, coordinator)
    assert client.get("/varsler/ikke-sendt/").status_code == 200
