"""Give each request an id for its audit rows and errors; answer 503 when the audit log cannot be written,
and 429 when the user has read too many cases within the hour."""

import logging
import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .context import reset_current_request, set_current_request
from .read_rate import ReadLimited
from .services import AuditUnavailable

logger = logging.getLogger(__name__)


class AuditContextMiddleware:
    """Set `request.request_id` (also sent back as X-Request-ID) and make the request known to audit_record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
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
        # Nothing was shown or saved. The page is rendered without a database query: in a failed
        # transaction there may be none to be had.
        logger.error("%s; request %s refused", exception, getattr(request, "request_id", ""))
        body = render_to_string("503.html", {"request_id": getattr(request, "request_id", "")})
        return HttpResponse(body, status=503)
