"""Error answers outside the views: pages in the design system, and for /api/ the API's one error shape.

The shape is drf-standardized-errors' (cmm.api_errors): {"type": ..., "errors": [{"code", "detail", "attr"}]}.
The 500 page is rendered without the request's context processors: after a failure the database may be
unusable, and a page about an error must not fail in its turn.
"""

import sys

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import NotFound

from grants.queries import AccessEnded


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(*, status: int, code: str, detail: str, type: str = "client_error") -> JsonResponse:
    return JsonResponse({"type": type, "errors": [{"code": code, "detail": detail, "attr": None}]}, status=status)


def request_id_of(request) -> str:
    return getattr(request, "request_id", "")


def bad_request(request, exception=None):
    """400: the request could not be read (BadRequest, SuspiciousOperation such as too many fields)."""
    if is_api(request):
        return api_error(status=400, code="parse_error", detail=_("Anmodningen kunne ikke læses."))
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """404 for a URL that matches no route; views' own 404s come from their lookups."""
    if is_api(request):
        return api_error(status=404, code="not_found", detail=str(NotFound.default_detail))
    if isinstance(exception, AccessEnded):
        # Still 404: the status is the same as for any case the user may not see (a proxy's log, a script, or
        # the browser's history learn nothing from it); the page tells the organisation what it already knew.
        context = {"number": exception.number, "last_day": exception.last_day}
        return render(request, "grants/share_ended.html", context, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500: a generic message and the request id, which the server log's line for the error carries too.

    A database fault met before any view (reading the session with the database down) is its own answer: a
    503 with Retry-After, or a 409 for a lock (ops/faults.py)."""
    from ops import faults

    if (fault := faults.current_fault()) is not None:
        return faults.fault_response(request, fault, sys.exc_info()[1])
    if is_api(request):
        return api_error(status=500, code="error", detail=server_error_detail(request), type="server_error")
    return HttpResponse(render_to_string("500.html", {"request_id": request_id_of(request)}), status=500)


def server_error_detail(request) -> str:
    return _("Der opstod en fejl i systemet. Oplys fejl-id %(request_id)s til support.") % {
        "request_id": request_id_of(request)
    }
