from celery import shared_task

from .sessions import SessionStore


@shared_task(acks_late=True)
def sessions_clear() -> None:
    """Delete expired session rows (they are already refused; this keeps the table small)."""
    SessionStore.clear_expired()
