"""Sessions in PostgreSQL that end after 15 minutes idle and 12 hours after login, whatever the activity.

Set as SESSION_ENGINE. The idle limit is the row's expiry date (SESSION_COOKIE_AGE), pushed forward by the same
query that reads the session, so an active session costs no extra write. The absolute limit is the login time
kept in the session (stamped by `session_login_stamp`, checked by accounts.middleware.SessionLifetimeMiddleware).

The table holds a hash of each session key, never the key (`stored_key`): the cookie opens the session, and
what a database dump or a read of the table shows does not.
"""

import datetime as dt
import hashlib

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from ops.batches import in_batches

LOGIN_AT_SESSION_KEY = "_auth_login_at"


def stored_key(session_key: str) -> str:
    """The row's key for a session key: SHA-256, its first 160 bits in hex, the width of Django's session_key
    column. The key is 32 random characters (165 bits), so the hash cannot be turned back into it, and a hash
    sent as a cookie is hashed again and finds nothing. Unkeyed: nothing to configure, nothing to rotate."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:40]


class SessionStore(db.SessionStore):
    """Django's database sessions, touched on every read: UPDATE ... RETURNING instead of SELECT; stored under
    the hash of the key (every way in and out of the table below goes through `stored_key`)."""

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
                [expires, stored_key(self.session_key), now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=stored_key(self.session_key), session_data=row[0], expire_date=expires)

    def exists(self, session_key):
        return super().exists(stored_key(session_key))

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        super().delete(stored_key(session_key))

    # Django's async variants reach the table directly; through the sync ones above they hash the key too.
    async def _aget_session_from_db(self):
        return await sync_to_async(self._get_session_from_db)()

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def acreate_model_instance(self, data):
        return self.create_model_instance(data)

    async def adelete(self, session_key=None):
        return await sync_to_async(self.delete)(session_key)

    @classmethod
    def clear_expired(cls) -> int:
        """Delete expired rows in batches of short transactions (ops.batches), skipping a row a request holds."""
        model = cls.get_model_class()
        now = timezone.now()
        count = 0

        def batch(size: int) -> bool:
            nonlocal count
            expired = model.objects.select_for_update(skip_locked=True).filter(expire_date__lt=now)
            keys = list(expired.order_by("pk").values_list("pk", flat=True)[:size])
            if keys:
                count += model.objects.filter(pk__in=keys).delete()[0]
            return bool(keys)

        in_batches(batch)
        return count


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
