import datetime as dt

from celery import shared_task
from django.contrib.auth import get_user_model

from ops.jobs import JobTask

from . import notices
from .sessions import SessionStore


@shared_task(base=JobTask, acks_late=True)
def sessions_clear() -> int:
    """Delete expired session rows (they are already refused; this keeps the table small); how many."""
    return SessionStore.clear_expired()


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def second_factor_notice(self, user_id: int, event: str, occurred_at: str) -> None:
    """Email the user about a change to their second factor (accounts.notices); retried if the mail server fails."""
    user = get_user_model().objects.get(pk=user_id)
    try:
        notices.second_factor_notice_send(user=user, event=event, occurred_at=dt.datetime.fromisoformat(occurred_at))
    except OSError as error:  # smtplib's errors are OSErrors too
        raise self.retry(exc=error) from error
