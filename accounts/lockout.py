"""Login lockouts (django-axes, state in PostgreSQL): one typed name at one address, a pause that doubles.

(our rule) Five failed logins of one name from one address pause that name at that address for 15 minutes;
each further lockout of the same name and address within 24 hours doubles the pause (30, 60 ... minutes, at
most 24 hours). Someone guessing behind an office's shared address pauses only the names they guess, never
their colleagues. The system administrator lifts a lockout early through the audited action
(accounts.services.user_login_unlock); axes' tables are not in the admin (AXES_ENABLE_ADMIN = False).

The typed name is never stored: axes' rows and the access log hold its keyed hash under the blind-index key
(privacy.crypto), so a password typed into the name field leaves no readable trace.
"""

import datetime as dt
import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from privacy import crypto

FIRST_PAUSE = dt.timedelta(minutes=15)
LONGEST_PAUSE = dt.timedelta(hours=24)
# Lockouts of the same name and address this far back double the next pause.
DOUBLING_WINDOW = dt.timedelta(hours=24)
USERNAME_KIND = "username"  # the blind index's kind for a typed name


def username_key(username: str | None) -> str | None:
    """The keyed hash a typed name is kept as (None for an empty one). Any case and spacing hash alike."""
    return crypto.blind_index(username or "", kind=USERNAME_KIND)


def axes_username(request, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the name being tried, as its keyed hash (from the credentials, else the form)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    return username_key(str(typed)) if typed else None


def _when(request) -> dt.datetime:
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def _address(request) -> str | None:
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


def lockouts_in_window(request) -> int:
    """How often the name tried in this request was locked out at this address in the doubling window.

    axes logs the failure that locks a pair out with locked_out=True; failures during the pause are not
    recorded at all (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so each lockout is one row.
    """
    return AccessFailureLog.objects.filter(
        username=get_client_username(request),
        ip_address=_address(request),
        locked_out=True,
        attempt_time__gte=_when(request) - DOUBLING_WINDOW,
    ).count()


def login_pause(request) -> dt.timedelta:
    """AXES_COOLOFF_TIME: 15 minutes, doubled for each earlier lockout of this name and address in the window.

    It is also how long failures are remembered before a lockout: five within 15 minutes of each other.
    """
    earlier = max(lockouts_in_window(request) - 1, 0)
    return min(FIRST_PAUSE * 2 ** min(earlier, 10), LONGEST_PAUSE)


def tries_left(request) -> int | None:
    """Failures this name may still have at this address before a pause (None if this request had none).

    Counted the same way for a name that exists and one that does not, so it tells nobody which is which.
    """
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return None
    return max(settings.AXES_FAILURE_LIMIT - failures, 0)


def pause_minutes_left(request) -> int:
    """Whole minutes (rounded up) until the name tried in this request may log in again from this address."""
    last = AccessAttempt.objects.filter(username=get_client_username(request), ip_address=_address(request)).aggregate(
        last=Max("attempt_time")
    )["last"]
    if last is None:
        return 0
    seconds = (last + login_pause(request) - timezone.now()).total_seconds()
    return max(math.ceil(seconds / 60), 1)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, except that a request clears only its own expired attempts.

    axes deletes every attempt older than the pause of the request being served; with pauses that differ
    from one name and address to the next, that would cut a longer (doubled) pause short.
    """

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        removed, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - LONGEST_PAUSE).delete()
        if request is not None:
            threshold = get_cool_off_threshold(request)
            for attempts in self.filter_user_attempts(request, credentials):
                count, _ = attempts.filter(attempt_time__lt=threshold).delete()
                removed += count
        return removed
