"""Two scans at once, each on its own database connection, deliver every reminder once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from reminders import services
from reminders.models import Channel, Notification, Reminder
from tests.factories import make_case


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_deliver_each_reminder_once(cmm_worker, with_addresses, settings):
    settings.REMINDER_BATCH_SIZE = 3  # many small batches, so that the scans interleave
    for _ in range(15):
        make_case(cmm_worker, detained=True, detained_at=timezone.now() - dt.timedelta(hours=50))
    start = threading.Barrier(2)
    results, errors = [], []

    def scan():
        try:
            start.wait()
            results.append(services.reminders_scan())
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    rows = Reminder.objects.count()
    assert rows == Reminder.objects.filter(status=Reminder.Status.SENT).count() > 0
    assert sum(result.get("sent", 0) for result in results) == rows
    assert Notification.objects.count() == Reminder.objects.filter(channel=Channel.IN_APP).count()
    assert len(mail.outbox) == Reminder.objects.filter(channel=Channel.EMAIL).count() == 15
