"""Every log line names the request it was written in (X-Request-ID), as the 500 page shows it."""

import logging


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from audit.context import current_request

        if not hasattr(record, "request_id"):
            # django.request's lines name their request; others are written while it is being served.
            request = getattr(record, "request", None) or current_request()
            record.request_id = getattr(request, "request_id", "") or "-"
        return True
