from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deadlines_mark_missed() -> int:
    return services.deadlines_mark_missed()
