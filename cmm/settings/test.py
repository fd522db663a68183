"""Tests: the same PostgreSQL engine, eager Celery unless a test starts a real worker."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")

from .base import *  # noqa: E402,F403
from .base import STORAGES, env  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Fixed, test-only field keys (never used anywhere else); tests that rotate keys override them.
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA="]
BLIND_INDEX_KEY = "test-only-blind-index-key-0000000000000000"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# locmem; a test with a real worker in another process names a backend that process can report through.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
# Eager by default; tests with a real worker and beat send through this Redis instead.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LANGUAGE_CODE = "da"
STATIC_ROOT = None  # static files come from the finders; nothing is collected for tests
# The real beat tests' schedule (tests/ops/test_beat.py): one probe job due every minute, nothing else.
if env("OPS_PROBE_LOG", default=""):
    from .base import JOB_TIME_ZONE, TzAwareCrontab, ZoneInfo  # noqa: E402

    CELERY_IMPORTS = ["tests.ops.probe"]
    CELERY_BEAT_SCHEDULE = {
        "probe-every-minute": {
            "task": "tests.ops.probe.probe",
            "schedule": TzAwareCrontab(minute="*", tz=ZoneInfo(JOB_TIME_ZONE)),
        }
    }
