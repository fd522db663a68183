"""A report through the real parts: the page enqueues it on commit, Redis carries it, a Celery worker makes it.

The worker is started here (a queue of its own, --pool=solo) and stopped by its PID; the page is polled as
htmx would poll it, until the report is done.
"""

import time
import uuid

import pytest
import redis
from django.conf import settings

from cmm.celery import app
from reporting.models import ReportJob
from reporting.tasks import report_generate
from tests.cases.test_celery_worker import stop
from tests.factories import login
from tests.reminders.test_worker import environment, wait_for, worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_report_ordered_on_the_page_is_made_by_a_worker_and_its_progress_page_ends_with_the_files(
    client, img_member, victims, this_year, tmp_path, monkeypatch
):
    redis.Redis.from_url(settings.REDIS_URL).ping()  # fails loudly when Redis is missing: never skipped
    queue = f"test-{uuid.uuid4().hex}"
    env = environment(tmp_path, CELERY_QUEUE=queue)
    # This process sends to the broker, on the worker's queue, instead of running the task itself.
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(report_generate, "queue", queue, raising=False)
    monkeypatch.setattr(report_generate, "_exec_options", None)  # Celery caches the options of a first send
    login(client, img_member)

    response = client.post("/statistik/", this_year)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and job.status == ReportJob.Status.QUEUED
    waiting = client.get(f"/statistik/{job.pk}/status/").content.decode()
    assert "hx-trigger" in waiting  # not made in this process: the page polls

    consumer = worker(env)
    try:
        polled = []

        def done() -> bool:
            fragment = client.get(f"/statistik/{job.pk}/status/").content.decode()
            polled.append(fragment)
            return 'data-status="done"' in fragment or 'data-status="failed"' in fragment

        finished = wait_for(done, 90)
        time.sleep(0.5)
    finally:
        log = stop(consumer)

    job.refresh_from_db()
    assert finished and job.status == ReportJob.Status.DONE, (job.error, log)
    assert "hx-trigger" not in polled[-1] and f"/statistik/{job.pk}/pdf/" in polled[-1]
    pdf = client.get(f"/statistik/{job.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert job.started_at is not None and job.finished_at >= job.started_at
