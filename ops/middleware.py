"""Database faults a view meets become their own answers (ops/faults.py) instead of a 500."""

from . import faults


class DatabaseFaultMiddleware:
    """A view's lock timeout is a 409, its statement timeout or lost database a 503, each with Retry-After.

    A fault met in a middleware before any view (the session read, when the database is down) reaches
    handler500 instead (cmm.errors.server_error), which answers it the same way; the API's views answer theirs
    in the API's error shape (cmm.api_errors). Goes after AuditContextMiddleware: the page names the request id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        fault = faults.fault_of(exception)
        if fault is None:
            return None
        return faults.fault_response(request, fault, exception)
