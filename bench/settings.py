"""Settings for the benchmark: the production stack (base settings) on its own database, plus bench-only URLs.

Not used by the application. `bench/run.py` and `bench/seed.py` select it themselves.
"""

import os
import warnings

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cmm_bench")
# The seed copies 500,000 rows and builds their indexes in single statements: no request-sized limit for them.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")

from cmm.settings.base import *  # noqa: E402,F403
from cmm.settings.base import BASE_DIR, LOGGING, TEMPLATES  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["testserver"]
# The production URLs plus the yardstick "minimal page"; the production urlconf is untouched.
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
# Fixed bench-only field keys: the seed encrypts with them, the pages decrypt with them.
FIELD_ENCRYPTION_KEYS = ["YmVuY2gtb25seS1maWVsZC1rZXktMDAwMDAwMDAwMDA="]
BLIND_INDEX_KEY = "bench-only-blind-index-key-00000000000000000"
# Users are logged in with force_login; no password is ever checked.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
# WhiteNoise warns that STATIC_ROOT is missing (nothing is collected for an in-process benchmark).
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
