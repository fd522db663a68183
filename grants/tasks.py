from celery import shared_task

from ops.jobs import JobTask

from . import services


@shared_task(base=JobTask, acks_late=True)
def grants_expire() -> int:
    return services.grants_expire()
