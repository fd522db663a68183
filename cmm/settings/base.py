"""Settings shared by every environment; environments differ only by environment variables."""

from pathlib import Path
from zoneinfo import ZoneInfo

import environ
from django.urls import reverse_lazy
from django_celery_beat.tzcrontab import TzAwareCrontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_filters",
    "django_htmx",
    "django_countries",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "cmm",
    "accounts",
    "audit",
    "cases",
    "identification",
    "grants",
    "access",
    "repatriation",
    "support",
    "reporting",
    "privacy",
    "reminders",
    "outreach",
    "ops",
    "intake",
    "django_celery_beat",  # beat's schedule and each entry's last run, in PostgreSQL (ops/beat.py)
]

MIDDLEWARE = [
    "cmm.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request id for audit rows and error pages; 503 when the audit log cannot be written.
    "audit.middleware.AuditContextMiddleware",
    # A lock not had in time is a 409, a statement cut off or a database that does not answer a 503 (ops/faults.py).
    "ops.middleware.DatabaseFaultMiddleware",
    # A NUL in the URL is a 400 and an API body over DATA_UPLOAD_MAX_MEMORY_SIZE a 413, before any view.
    "cmm.middleware.InputGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A cookie for a session that has ended is audited as a security event.
    "audit.middleware.EndedSessionMiddleware",
    "cmm.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.OTPRequiredMiddleware",
    "access.middleware.PolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cmm.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into the 429 page
]

ROOT_URLCONF = "cmm.urls"
FORM_RENDERER = "cmm.forms.DkfdsFormRenderer"
WSGI_APPLICATION = "cmm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "cmm.context_processors.menu",
                "reminders.context_processors.notifications",
            ],
        },
    },
]


def _database_url() -> str:
    url = env("DATABASE_URL", default="")
    if url:
        return url
    from cmm.embedded_db import database_url

    return database_url()


DATABASES = {"default": env.db_url_config(_database_url())}
DATABASES["default"].update(
    {
        # Persistent connections double throughput here; health checks drop dead ones after a restart.
        "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
    }
)
# No JIT compilation: the planner's cost of a scoped count (an OR with a grant subquery) crosses the JIT
# threshold, and compiling it took 260 ms of a query that runs in 10 (measured at 50,000 cases). Short OLTP
# queries never gain from it.
DATABASES["default"].setdefault("OPTIONS", {})
# No request stalls behind one lock, and no runaway query outlives the request that started it (ops/faults.py
# answers both). A lock not had within 5 s is a 409 "the case is being changed by someone else": a row lock is
# held for the milliseconds of one write, so 5 s of waiting means another transaction is stuck, and the user is
# better told than left hanging. A statement is cut off at 20 s, well under gunicorn's 30 s worker timeout, so
# the answer is our 503 page with its request id, not a killed worker and the proxy's 502 (whole pages take
# about 20 ms at 50,000 cases: bench/README.md). Migrations lift the statement limit in their own
# environment (docker-compose.yml's migrate service: an index on a large table may take minutes); a job that
# reads everything by design sets its own, per transaction (ops.db.statement_timeout).
DATABASE_LOCK_TIMEOUT = env("DATABASE_LOCK_TIMEOUT", default="5s")
DATABASE_STATEMENT_TIMEOUT = env("DATABASE_STATEMENT_TIMEOUT", default="20s")
DATABASES["default"]["OPTIONS"]["options"] = " ".join(
    filter(
        None,
        [
            DATABASES["default"]["OPTIONS"].get("options", ""),
            "-c jit=off",
            f"-c lock_timeout={DATABASE_LOCK_TIMEOUT}",
            f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}",
        ],
    )
)
# A database host that does not answer (not merely refusing) is the 503 page after 5 s, not a worker timeout.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Identifying fields are encrypted with these keys, never with SECRET_KEY (privacy/crypto.py): Fernet keys,
# newest first (the first encrypts, all decrypt), and a separate key for the blind index of exact-match search.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="")
# Cases closed longer ago than this are anonymised by the daily retention job (privacy/services.py).
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)
# The same job deletes the referral keys (cases.Submission: a form's token, an API Idempotency-Key) older than this
# many days, and the CSP violation counts (audit.CspReport) of days older than this many (our rule).
SUBMISSION_KEEP_DAYS = env.int("SUBMISSION_KEEP_DAYS", default=30)
CSP_REPORT_KEEP_DAYS = env.int("CSP_REPORT_KEEP_DAYS", default=90)
# A multipart request to the API (a follow-up report with up to five attachments of 10 MB) may be this large.
UPLOAD_REQUEST_MAX_SIZE = 52 * 1024 * 1024

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out name or address before the password
    # Django's ModelBackend, reading the header's unread count with the user (one query for both).
    "reminders.backends.UserBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "login"

# Two factors for everyone: a TOTP app (django-otp), with single-use recovery codes.
OTP_TOTP_ISSUER = "CMM sagssystem"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Brute force (django-axes, accounts/lockout.py): 5 failures of one typed name from one address pause that name
# at that address for 15 minutes, doubling for each further lockout within 24 hours (our rule); colleagues
# behind the same address are not locked out. The system administrator lifts a lockout early through the
# audited action only: axes' tables are not in the admin. The state lives in PostgreSQL, not a cache, and the
# typed name only as its keyed hash (a password typed into the name field is never stored).
# How many reverse proxies stand before the app; their X-Forwarded-For entry names the client (cmm.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "cmm.client_ip.client_ip"
AXES_VERBOSE = False  # otherwise axes prints its banner and settings at every command
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "accounts.lockout.login_pause"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the pause runs from the failure that started it
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the failure that locks out is marked: the doubling counts those
AXES_ENABLE_ADMIN = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 15}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in PostgreSQL: 15 minutes idle (each request moves the expiry), 12 hours at most after login.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = 15 * 60
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
# An administrator's action on an account, and a coordinator's approval of a role, need a code this fresh.
STEP_UP_AGE = 5 * 60
# A set-password link (a new user, a reset) works once, and for 72 hours.
PASSWORD_RESET_TIMEOUT = 72 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A CSRF refusal is a security event in the access log, then the usual 403 page.
CSRF_FAILURE_VIEW = "audit.csrf.csrf_failure"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
# Dates and times as each language writes them ("2. dec. 2026", "2 Dec 2026"); templates use the names.
FORMAT_MODULE_PATH = ["cmm.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
STATICFILES_DIRS = [
    ("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("accessible-autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    # DRF's session authentication, with its CSRF refusals audited as CSRF_FAILURE_VIEW audits the pages'.
    "DEFAULT_AUTHENTICATION_CLASSES": ["audit.csrf.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, and never nested deeper than any input of ours (a 5,000-level document was a RecursionError).
    "DEFAULT_PARSER_CLASSES": ["cmm.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "cmm.api_errors.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
# The package's own handler (so the schema documents the error bodies), told how our services refuse.
DRF_STANDARDIZED_ERRORS = {"EXCEPTION_HANDLER_CLASS": "cmm.api_errors.DomainExceptionHandler"}
SPECTACULAR_SETTINGS = {
    "TITLE": "CMM case system API",
    "DESCRIPTION": "Referral, identification and reflection/recovery periods for potential victims of "
    "human trafficking. Every endpoint is scoped by the access policy: a case you may not see is a 404.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "CompetentAuthorityEnum": "accounts.models.COMPETENT_AUTHORITIES",
        "CaseStatusEnum": "cases.models.Case.Status",
        "DeadlineStatusEnum": "cases.models.Deadline.Status",
        "ReintegrationSupportKindEnum": "repatriation.models.ReintegrationSupport.Kind",
        "FollowUpAttachmentKindEnum": "repatriation.models.FollowUpAttachment.Kind",
        "RepresentativeKindEnum": "cases.models.Representative.Kind",
        "PeriodKindEnum": "identification.models.Period.Kind",
        "SupportServiceTypeEnum": "support.models.SupportService.Type",
        "SupportServiceStatusEnum": "support.models.SupportService.Status",
        "HandoverStatusEnum": "grants.models.Handover.Status",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode409Enum": "cmm.api_errors.ErrorCode409Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "cmm.api_errors.list_index_attrs",
    ],
}

# Celery: Redis is the broker only. Without REDIS_URL tasks run in the calling process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
DEADLINE_SCAN_SECONDS = env.int("DEADLINE_SCAN_SECONDS", default=300)
# Deadline reminders (reminders/services.py): an outbox in PostgreSQL, scanned every few minutes.
REMINDER_SCAN_SECONDS = env.int("REMINDER_SCAN_SECONDS", default=120)
# Before each kind's due time: "24h" real hours, "7d" days before its last day at REMINDER_DAY_HOUR o'clock.
REMINDER_LEAD_TIMES = {
    "identification_72h": ["24h", "6h"],
    "period_end": ["7d", "2d"],
    "reintegration_end": ["30d", "7d"],
    "follow_up_end": ["30d", "7d"],
    "action_plan_review": ["3d"],
    # The "not a victim" notification has no lead: police and DIS are told when it opens, and its 24 hours
    # passing unacknowledged is its overdue notice to the CMM coordinators.
    "not_victim_notification": [],
    # A planned police operation (outreach/): its staff and CMM's coordinators, a day and two hours before.
    "police_operation": ["24h", "2h"],
}
REMINDER_DAY_HOUR = env.int("REMINDER_DAY_HOUR", default=8)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=100)
# A failed send is retried after these many seconds, one per retry; after the last it is failed and shown to the
# coordinators.
REMINDER_RETRY_SECONDS = env.list("REMINDER_RETRY_SECONDS", cast=int, default=[60, 300, 900, 3600])
# A claim a worker holds this long without finishing (it died) is taken over by the next scan.
REMINDER_CLAIM_SECONDS = env.int("REMINDER_CLAIM_SECONDS", default=600)
# A deadline that passed longer ago than this (before reminders existed, say) gets no overdue notice: the
# worklist shows it.
REMINDER_OVERDUE_DAYS = env.int("REMINDER_OVERDUE_DAYS", default=30)
# Break-the-glass access lasts this long; every use is an alert for the data-protection auditor.
BREAK_THE_GLASS_HOURS = env.int("BREAK_THE_GLASS_HOURS", default=4)
# Mass reads (audit/read_rate.py), counted from the access log: more distinct case files than this within an
# hour raise an alert for the auditor; reading more than the hard limit is refused (429) for the cool-off.
READ_ALERT_DISTINCT_CASES_PER_HOUR = env.int("READ_ALERT_DISTINCT_CASES_PER_HOUR", default=50)
READ_HARD_LIMIT_PER_HOUR = env.int("READ_HARD_LIMIT_PER_HOUR", default=200)
READ_LIMIT_COOLOFF_MINUTES = env.int("READ_LIMIT_COOLOFF_MINUTES", default=15)
# The periodic jobs (README "Periodic jobs"). The schedule is defined here; beat copies it into its tables at
# start and keeps each entry's last run there, so a restart neither skips nor repeats a run (ops/beat.py).
# Daily and hourly jobs run at clock times in Danish time (a crontab in Europe/Copenhagen, not CELERY_TIMEZONE,
# which stays UTC for Celery's own times); the frequent scans run at intervals, counted from their last run.
CELERY_BEAT_SCHEDULER = "ops.beat:DatabaseScheduler"
CELERY_BEAT_SYNC_EVERY = 1  # each send's time is written at once: a beat killed after sending does not resend
DJANGO_CELERY_BEAT_TZ_AWARE = True
JOB_TIME_ZONE = "Europe/Copenhagen"
CELERY_BEAT_SCHEDULE = {
    "deadlines-mark-missed": {
        "task": "cases.tasks.deadlines_mark_missed",
        "schedule": DEADLINE_SCAN_SECONDS,
    },
    # At 03:30 Danish time: quiet, and outside 02:00-03:00, which summer time skips in March and repeats in
    # October.
    "retention-run": {
        "task": "privacy.tasks.retention_run",
        "schedule": TzAwareCrontab(minute=30, hour=3, tz=ZoneInfo(JOB_TIME_ZONE)),
    },
    "grants-expire": {
        "task": "grants.tasks.grants_expire",
        "schedule": DEADLINE_SCAN_SECONDS,
    },
    "sessions-clear": {
        "task": "accounts.tasks.sessions_clear",
        "schedule": TzAwareCrontab(minute=15, tz=ZoneInfo(JOB_TIME_ZONE)),
    },
    "reminders-scan": {
        "task": "reminders.tasks.reminders_scan",
        "schedule": REMINDER_SCAN_SECONDS,
    },
    # The access log's head, kept where the application's role cannot rewrite it (verify_audit_chain checks it).
    "audit-head-export": {
        "task": "audit.tasks.chain_head_export",
        "schedule": TzAwareCrontab(minute=0, tz=ZoneInfo(JOB_TIME_ZONE)),
    },
}
# Anonymous reports (intake/): one not linked to a case is deleted this many days after it arrived; the public
# form takes this many reports, and this many receipt-code look-ups, from one address an hour (intake.ratelimit).
INTAKE_RETENTION_DAYS = env.int("INTAKE_RETENTION_DAYS", default=90)
INTAKE_REPORTS_PER_HOUR = env.int("INTAKE_REPORTS_PER_HOUR", default=5)
INTAKE_LOOKUPS_PER_HOUR = env.int("INTAKE_LOOKUPS_PER_HOUR", default=20)
# The audit log keeps no address for requests to these paths: the anonymous report form (audit.middleware).
AUDIT_ADDRESS_FREE_PATHS = ("/indberet/",)
CELERY_BEAT_SCHEDULE |= {
    # At 03:45 Danish time, after the retention run.
    "intake-reports-expire": {
        "task": "intake.tasks.reports_expire",
        "schedule": TzAwareCrontab(minute=45, hour=3, tz=ZoneInfo(JOB_TIME_ZONE)),
    },
    "intake-rate-counts-clear": {
        "task": "intake.tasks.rate_counts_clear",
        "schedule": TzAwareCrontab(minute=5, tz=ZoneInfo(JOB_TIME_ZONE)),
    },
}
# Each periodic job works in batches of this many rows, each its own short transaction that skips rows another
# transaction holds (SELECT ... FOR UPDATE SKIP LOCKED): a backlog never holds up what users are doing.
JOB_BATCH_SIZE = env.int("JOB_BATCH_SIZE", default=200)
# A job is overdue when two of its runs have fallen due since its last success, plus this long for the second
# run to finish (a run is stopped at CELERY_TASK_TIME_LIMIT anyway). Shown on the jobs page and to readiness.
JOB_OVERDUE_GRACE_SECONDS = env.int("JOB_OVERDUE_GRACE_SECONDS", default=CELERY_TASK_TIME_LIMIT)

# `manage.py demo_data` creates staff with a known password: never where production settings are in force.
DEMO_DATA_ALLOWED = True

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# SMTP: one EMAIL_URL (smtp+tls://user:password@host:587, smtps://... for implicit TLS), or the parts below.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The address links in emails start with (reminders carry a link to the case, never a name).
SITE_URL = env("CMM_SITE_URL", default="http://127.0.0.1:8000")
# The sender of the system's notices to staff (a second factor set up or reset: accounts/notices.py).
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="CMM sagssystem <noreply@localhost>")

# Content Security Policy: no inline script anywhere; htmx is configured not to inject styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # Violations are reported to a public endpoint (audit.views.csp_report): report-uri for the browsers
        # that only know it, report-to naming the Reporting-Endpoints entry (cmm.middleware) for the others.
        "report-uri": [reverse_lazy("csp_report")],
        "report-to": ["csp"],
    },
}
# A report larger than this is refused (413); at most this many kinds of violation are kept a day.
CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORT_KINDS_PER_DAY = 500
# No page of the system uses a device or a browser feature beyond the page itself: every one is denied,
# also to any frame (there are none). WebAuthn keys (on the roadmap) will need publickey-credentials-*=(self).
# Only features Chromium knows: it warns in the console about any other.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "storage-access",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Each line names its request (X-Request-ID), so the id on a 500 page finds the traceback.
    "filters": {"request_id": {"()": "cmm.logging.RequestIdFilter"}},
    "formatters": {"request": {"format": "%(levelname)s %(name)s request=%(request_id)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "request"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Request lines carry URLs only; URLs never carry identifying data (case numbers, not names).
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
