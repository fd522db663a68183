from celery import shared_task

from ops.jobs import JobTask

from . import services


@shared_task(base=JobTask, acks_late=True)
def retention_run() -> int:
    """The daily retention job; returns the id of its RetentionRun row. A second run the same day finds nothing."""
    return services.retention_run(dry_run=False).pk
