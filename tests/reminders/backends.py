"""Email backends for the reminder tests: SMTP is the one thing replaced."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


class SlowFileBackend(FileBackend):
    """Writes each email to a file of its own (another process counts them), after REMINDER_TEST_SEND_DELAY seconds.

    One file per message: the file backend names a file per connection, and a connection per send_mail.
    """

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("REMINDER_TEST_SEND_DELAY", "0")))
        return super().send_messages(email_messages)
