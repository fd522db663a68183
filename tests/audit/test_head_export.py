"""The access log's head is exported every hour, by Celery beat or by the in-process scheduler."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent, ChainHead
from audit.tasks import chain_head_export
from ops.jobs import next_run_after, schedule_words

pytestmark = pytest.mark.django_db


def test_the_export_is_in_the_beat_schedule_every_hour():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    now = timezone.now()
    next_run = next_run_after(schedule["audit.tasks.chain_head_export"], now)

    assert schedule_words(schedule["audit.tasks.chain_head_export"]) == "Hver hele time"
    assert 0 < (next_run - now).total_seconds() <= 3600
    assert (next_run.minute, next_run.second) == (0, 0)


def test_the_task_exports_the_head_and_answers_it(cmm_worker):
    from audit.services import audit_record

    row = audit_record(actor=cmm_worker, action=AuditEvent.Action.READ, what="case_page")

    assert chain_head_export.delay().get() == f"{row.seq}:{row.hash}"
    assert ChainHead.objects.get().seq == row.seq


def test_the_scheduler_without_redis_runs_the_export_too():
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)

    head = ChainHead.objects.get()
    assert f"audit-head-export: {head.seq}:{head.hash}" in out.getvalue()
    assert AuditEvent.objects.filter(what="audit_head_export").count() == 1
