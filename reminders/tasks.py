from celery import shared_task

from ops.jobs import JobTask

from . import services


@shared_task(base=JobTask, acks_late=True)
def reminders_scan() -> dict[str, int]:
    """Idempotent: the outbox's unique constraint and claims make a second run (or two at once) send nothing twice."""
    return services.reminders_scan()
