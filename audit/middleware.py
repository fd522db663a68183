"""Give each request an id for its audit rows and errors; answer 503 when the audit log cannot be written,
and 429 when the user has read too many cases within the hour; audit a request that replays a session cookie."""

import logging
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .context import reset_current_request, set_current_request
from .read_rate import ReadLimited
from .services import AuditUnavailable, audit_security

logger = logging.getLogger(__name__)


class AuditContextMiddleware:
    """Set `request.request_id` (also sent back as X-Request-ID) and make the request known to audit_record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        # The anonymous report form: no audit row of its requests keeps the sender's address (audit_record).
        request.address_withheld = request.path_info.startswith(tuple(settings.AUDIT_ADDRESS_FREE_PATHS))
        token = set_current_request(request)
        try:
            response = self.get_response(request)
        finally:
            reset_current_request(token)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, ReadLimited):
            # The refusal is in the log already (audit.read_rate); the API answers it itself (cmm.api_errors).
            response = render(request, "429.html", {"message": exception.message}, status=429)
            response["Retry-After"] = str(exception.retry_after)
            return response
        if not isinstance(exception, AuditUnavailable):
            return None
        return audit_unavailable(request, exception)


def audit_unavailable(request, exception: AuditUnavailable) -> HttpResponse:
    """503: nothing was shown or saved. Rendered without a database query: in a failed transaction there
    may be none to be had."""
    logger.error("%s; request %s refused", exception, getattr(request, "request_id", ""))
    body = render_to_string("503.html", {"request_id": getattr(request, "request_id", "")})
    return HttpResponse(body, status=503)


class EndedSessionMiddleware:
    """A session cookie for a session that no longer exists (logged out, ended by an administrator or a
    password change, timed out) is a security event: a replayed cookie looks exactly so.

    The row says whether the session is still stored but expired (an idle timeout) or unknown, never its
    key. SessionMiddleware then deletes the cookie, so a browser that merely idled out is logged once; a
    client that keeps sending it, every time. Goes after SessionMiddleware and AuditContextMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        # Reading the session loads it, once for the whole request; a key the store does not hold
        # (or expired) leaves the session without a key.
        if cookie and request.session.get(SESSION_KEY) is None and request.session.session_key is None:
            expired = request.session.exists(cookie)  # still stored (under its hash), but past its expiry
            try:
                audit_security(
                    actor=None, what="session_replayed", detail={"session": "expired" if expired else "unknown"}
                )
            except AuditUnavailable as error:
                return audit_unavailable(request, error)
        return self.get_response(request)
