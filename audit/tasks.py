from celery import shared_task

from ops.jobs import JobTask

from . import services


@shared_task(base=JobTask, acks_late=True)
def chain_head_export() -> str:
    """Export the access log's head on schedule (CELERY_BEAT_SCHEDULE); returns it as SEQ:HASH."""
    return str(services.chain_head_export())
