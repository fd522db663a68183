from celery import shared_task

from . import services


@shared_task(acks_late=True)
def grants_expire() -> int:
    return services.grants_expire()
