from celery import shared_task
from django.utils import timezone

from . import services
from .models import ReportJob

# A ten-year report takes seconds (bench/reports.py); these limits only end a run that hangs. Both are far
# below services.STALE_AFTER, after which a lost run's report may be claimed again.
SOFT_TIME_LIMIT = 120
TIME_LIMIT = 150


@shared_task(bind=True, acks_late=True, max_retries=2, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def report_generate(self, job_id: int) -> str:
    """Idempotent: the claim (a conditional UPDATE) lets one run make the report; a second delivery does nothing.

    A delivery that finds the report running comes back once the running one must have ended: if that one was
    lost with its worker, the report is then claimed again; if not, it is done and there is nothing to do.
    """
    outcome = services.report_job_run(job_id=job_id)
    # In-process (no broker) a retry would run at once, not later: the running one is in another request.
    if outcome == "taken" and not self.request.is_eager:
        job = ReportJob.objects.filter(pk=job_id).only("status", "started_at").first()
        if job is not None and job.status == ReportJob.Status.RUNNING and job.started_at is not None:
            wait = services.STALE_AFTER - (timezone.now() - job.started_at)
            raise self.retry(countdown=max(1, int(wait.total_seconds()) + 1))
    return outcome
