from celery import shared_task

from ops.jobs import JobTask

from . import services


@shared_task(base=JobTask, acks_late=True)
def deadlines_mark_missed() -> int:
    return services.deadlines_mark_missed()
