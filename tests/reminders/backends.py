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
    """Writes the emails to files (another process counts their subjects), after REMINDER_TEST_SEND_DELAY seconds
    per email: the file backend writes a file per connection, and the scan opens one per batch."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("REMINDER_TEST_SEND_DELAY", "0")))
        return super().send_messages(email_messages)


class UnreachableBackend(BaseEmailBackend):
    """A mail server that cannot be reached at all: opening the connection fails, as SMTP's does."""

    def open(self):
        raise TimeoutError("mail server unreachable")

    def send_messages(self, email_messages):
        raise AssertionError("sent without an open connection")
