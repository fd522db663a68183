"""The Celery app. Redis is only the broker: deadlines and audit live in PostgreSQL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmm.settings.local")

app = Celery("cmm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Beat's heartbeat for its container's health check (only where CMM_BEAT_HEARTBEAT_FILE is set).
from ops import heartbeat  # noqa: E402

heartbeat.connect()
