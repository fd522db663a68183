"""Sessions in PostgreSQL that end after 15 minutes idle and 12 hours after login, whatever the activity.

Set as SESSION_ENGINE. The idle limit is the row's expiry date (SESSION_COOKIE_AGE), pushed forward by the same
query that reads the session, so an active session costs no extra write. The absolute limit is the login time
kept in the session (stamped by `session_login_stamp`, checked by accounts.middleware.SessionLifetimeMiddleware).
"""

import datetime as dt

from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

LOGIN_AT_SESSION_KEY = "_auth_login_at"


class SessionStore(db.SessionStore):
    """Django's database sessions, touched on every read: UPDATE ... RETURNING instead of SELECT."""

    def _get_session_from_db(self):
        # Custom per-session expiry (set_expiry) is not used here: every session lives SESSION_COOKIE_AGE idle.
        now = timezone.now()
        expires = now + dt.timedelta(seconds=self.get_session_cookie_age())
        connection = connections[router.db_for_write(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET expire_date = %s "  # noqa: S608 - the table name is the model's, quoted
                "WHERE session_key = %s AND expire_date > %s RETURNING session_data",
                [expires, self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=expires)


def session_login_stamp(sender, request, user, **kwargs):
    """Remember when this session logged in (connected to user_logged_in, so every way of logging in counts)."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = int(timezone.now().timestamp())


def session_too_old(session) -> bool:
    """Has this logged-in session outlived SESSION_ABSOLUTE_AGE? A session without a login time has."""
    logged_in_at = session.get(LOGIN_AT_SESSION_KEY)
    if not isinstance(logged_in_at, int):
        return True
    return timezone.now().timestamp() - logged_in_at >= settings.SESSION_ABSOLUTE_AGE
