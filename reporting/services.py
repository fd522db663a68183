"""Ordering a statistics report, making it (in a Celery task), and handing out its files: audited, per user.

A report goes queued -> running -> done or failed. The task claims a queued report with one conditional UPDATE,
so that a second delivery of the same task (acks are late) finds it taken and does nothing; each step is its
own committed UPDATE, which the job page polls. Only `Published` (after disclosure control) reaches the PDF,
the CSV and the page; the raw counts stay inside the task.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from cases.errors import DomainError

from .models import ReportJob

logger = logging.getLogger(__name__)

# A report running longer than this was lost with its worker (the task's hard time limit is far shorter): it
# may be claimed again, and an order waiting behind it need not wait for ever.
STALE_AFTER = dt.timedelta(minutes=10)

FAILED_UNKNOWN = gettext_lazy(
    "Rapporten kunne ikke laves på grund af en fejl i systemet. Prøv igen om lidt; sker det igen, så kontakt "
    "systemadministratoren."
)
FAILED_LOST = gettext_lazy("Rapporten blev ikke færdig i tide. Bestil den igen.")
FAILED_TOO_LONG = gettext_lazy("Rapporten tog for lang tid at lave. Prøv igen om lidt, eller vælg en kortere periode.")


class ReportBusy(DomainError):
    """The user already has a report on the way (one at a time)."""

    code = "report_busy"


def _audit(job: ReportJob, *, actor, action: str, **more) -> None:
    detail = {"start": job.start.isoformat(), "end": job.end.isoformat(), "language": job.language, **more}
    audit_record(
        actor=actor, action=action, what="statistics_report", purpose=AuditEvent.Purpose.STATISTICS, detail=detail
    )


def _expire_stale(jobs, now) -> list[ReportJob]:
    """Mark the user's lost reports failed (in the caller's transaction); return the ones still on their way."""
    alive = []
    for job in jobs:
        since = job.started_at or job.created_at
        if now - since > STALE_AFTER:
            ReportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ReportJob.Status.FAILED, error=str(FAILED_LOST), step="", finished_at=now
            )
        else:
            alive.append(job)
    return alive


def report_job_request(*, actor, start: dt.date, end: dt.date, language: str) -> ReportJob:
    """Order a report of the period in the language; the same order while it is on its way returns that report.

    Another order while one is on its way is refused (ReportBusy). The order is audited; the task is enqueued
    once the row is committed (eagerly, in this process, when there is no broker).
    """
    from .tasks import report_generate  # the task module imports this one

    policy.require(actor, policy.Action.STATISTICS)
    if language not in ReportJob.Language.values:
        raise DomainError(_("Vælg dansk eller engelsk."), field="language")
    parameters = ReportJob.parameters_of(start, end, language)
    now = timezone.now()
    with transaction.atomic():
        # One order at a time per user: the user's row is the lock (the constraint is the last word).
        User.objects.select_for_update().filter(pk=actor.pk).first()
        active = _expire_stale(
            ReportJob.objects.filter(requested_by=actor, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING])
            .defer("pdf", "csv")
            .order_by("pk"),
            now,
        )
        for job in active:
            if job.parameters == parameters:
                # Asked again: send the task again (it is safe to run twice), in case its message was lost.
                transaction.on_commit(lambda pk=job.pk: report_generate.delay(pk))
                return job
        if active:
            raise ReportBusy(_("Du har allerede en rapport under udarbejdelse. Bestil den næste, når den er færdig."))
        job = ReportJob.objects.create(
            requested_by=actor, start=start, end=end, language=language, parameters=parameters
        )
        _audit(job, actor=actor, action=AuditEvent.Action.CREATE)
        transaction.on_commit(lambda: report_generate.delay(job.pk))
    return job


def _claim(job_id: int, now) -> bool:
    """Queued (or lost while running) -> running, by this caller alone."""
    stale = now - STALE_AFTER
    claimable = Q(status=ReportJob.Status.QUEUED) | Q(status=ReportJob.Status.RUNNING, started_at__lt=stale)
    return (
        ReportJob.objects.filter(claimable, pk=job_id).update(
            status=ReportJob.Status.RUNNING, started_at=now, step=ReportJob.Step.COMPUTING, error=""
        )
        == 1
    )


def _ours(job_id: int, started_at):
    """The report as long as this run's claim holds (a later claim of a lost run changes started_at)."""
    return ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING, started_at=started_at)


def earlier_periods(job: ReportJob) -> list[tuple[dt.date, dt.date]]:
    """The periods of the requester's earlier finished reports: what disclosure control weighs this one against."""
    rows = (
        ReportJob.objects.filter(requested_by_id=job.requested_by_id, status=ReportJob.Status.DONE, pk__lt=job.pk)
        .order_by("start", "end")
        .values_list("start", "end")
        .distinct()
    )
    return list(rows)


def report_make(job: ReportJob, *, step=lambda step: None) -> tuple[bytes, str]:
    """The report's PDF and CSV, from the figures as they are now; `step` is told each step as it begins."""
    from . import charts, pdf
    from .csv import published_csv
    from .disclosure import publish
    from .figures import figures_compute

    with translation.override(job.language):
        figures = figures_compute(start=job.start, end=job.end, language=job.language)
        step(ReportJob.Step.DISCLOSURE)
        published = publish(figures, earlier=earlier_periods(job))
        del figures  # no raw count goes further than this
        csv_text = published_csv(published)
        step(ReportJob.Step.CHARTS)
        drawn = charts.report_charts(published)
        step(ReportJob.Step.RENDERING)
        document = pdf.report_pdf(published, charts=drawn, generated_at=job.started_at)
    return document, csv_text


def report_job_run(*, job_id: int) -> str:
    """Make the report if it is still to be made: "done", "failed", or "taken" (someone else has it, or had it)."""
    from celery.exceptions import SoftTimeLimitExceeded

    now = timezone.now()
    if not _claim(job_id, now):
        return "taken"
    job = ReportJob.objects.defer("pdf", "csv").get(pk=job_id)
    current = ReportJob.Step.COMPUTING

    def step(name: str) -> None:
        nonlocal current
        current = name
        _ours(job_id, now).update(step=name)

    try:
        document, csv_text = report_make(job, step=step)
    except Exception as error:  # any failure: the user is told in their terms, the log gets its kind
        if isinstance(error, DomainError):
            message = error.message
        elif isinstance(error, SoftTimeLimitExceeded):
            message = FAILED_TOO_LONG
        else:
            message = FAILED_UNKNOWN
        with translation.override(job.language):
            message = str(message)
        logger.warning("Report %s failed while %s (%s)", job_id, current, type(error).__name__)
        _ours(job_id, now).update(
            status=ReportJob.Status.FAILED, step="", error=message[:300], finished_at=timezone.now()
        )
        return "failed"
    finished = _ours(job_id, now).update(
        status=ReportJob.Status.DONE, step="", pdf=document, csv=csv_text, finished_at=timezone.now()
    )
    return "done" if finished else "taken"


def report_file(*, actor, job: ReportJob, kind: str) -> tuple[bytes, str, str]:
    """A finished report's PDF or CSV for its requester: the content, its type and its file name; audited."""
    if job.status != ReportJob.Status.DONE:
        raise DomainError(_("Rapporten er ikke færdig endnu."))
    name = f"statistik-{job.start:%Y-%m-%d}-{job.end:%Y-%m-%d}-{job.language}"
    if kind == "pdf":
        content, content_type, name = bytes(job.pdf), "application/pdf", f"{name}.pdf"
    else:
        content, content_type, name = job.csv.encode(), "text/csv; charset=utf-8", f"{name}.csv"
    with transaction.atomic():
        _audit(job, actor=actor, action=AuditEvent.Action.EXPORT, format=kind)
    return content, content_type, name
