from celery import shared_task

from ops.jobs import JobTask

from . import ratelimit, services


@shared_task(base=JobTask, acks_late=True)
def reports_expire() -> int:
    """The daily job: delete reports not linked to a case after INTAKE_RETENTION_DAYS."""
    return services.reports_expire()


@shared_task(base=JobTask, acks_late=True)
def rate_counts_clear() -> int:
    """The hourly job: forget the public form's rate counts of the hours that have ended."""
    return ratelimit.rate_counts_clear()
