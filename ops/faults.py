"""What the user is told when the database cannot serve a request: a lock not had in time, a statement cut off,
or no database at all.

The timeouts are the connection's own (cmm/settings/base.py: lock_timeout, statement_timeout); psycopg raises
them as LockNotAvailable (SQLSTATE 55P03) and QueryCanceled (57014), which Django wraps in OperationalError,
as it does a refused or lost connection. A lock is a 409 (someone else is changing the case: try again in a
moment), the others a 503, each with Retry-After. Pages are rendered without the request's context processors
and without a query: there may be no database to ask. A form's input is carried in the page, so nothing the
user typed is lost: "Send igen" posts it once more.
"""

import logging
import sys
from dataclasses import dataclass

import psycopg.errors
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmm import errors

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fault:
    name: str  # for the log and the API's error code
    status: int
    retry_after: int  # seconds
    title: str
    message: str


LOCKED = Fault(
    "locked",
    409,
    5,  # about one lock_timeout: the other writer has usually finished by then
    gettext_lazy("Sagen er optaget lige nu"),
    gettext_lazy("Sagen er ved at blive ændret af en anden lige nu. Prøv igen om lidt."),
)
TIMED_OUT = Fault(
    "timeout",
    503,
    30,
    gettext_lazy("Systemet svarede ikke i tide"),
    gettext_lazy(
        "Systemet nåede ikke at svare. Prøv igen om lidt; kontakt support og oplys fejl-id'et, hvis det sker igen."
    ),
)
UNAVAILABLE = Fault(
    "database_unavailable",
    503,
    30,
    gettext_lazy("Systemet er ikke tilgængeligt lige nu"),
    gettext_lazy(
        "Systemet kan ikke hente eller gemme data lige nu. Prøv igen om lidt; kontakt support og oplys fejl-id'et, "
        "hvis det varer ved."
    ),
)

# Another transaction holds what this one needs: the lock timeout, and a deadlock PostgreSQL broke by
# cancelling this side. Retrying in a moment succeeds.
_LOCKED_CAUSES = (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected)


def fault_of(exception: BaseException | None) -> Fault | None:
    """The fault a database error is, or None for anything else (a programming error stays a 500)."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return None
    cause = exception.__cause__
    if isinstance(cause, _LOCKED_CAUSES):
        return LOCKED
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return TIMED_OUT
    # Refused, lost or closed connections, a server shutting down, out of connections or disk.
    return UNAVAILABLE


def current_fault() -> Fault | None:
    """The fault of the exception being handled (handler500 is called inside Django's except block)."""
    return fault_of(sys.exc_info()[1])


def fault_response(request, fault: Fault, exception: BaseException | None = None) -> HttpResponse:
    """The page or the API's error body for a fault, with Retry-After. Logged by kind and SQLSTATE only:
    the message of a database error may quote a value."""
    request_id = errors.request_id_of(request)
    fault_log(request, fault, exception)
    if errors.is_api(request):
        response = errors.api_error(
            status=fault.status,
            code=fault.name,
            detail=str(fault.message),
            type="client_error" if fault.status < 500 else "server_error",
        )
    else:
        response = HttpResponse(
            render_to_string("ops/database_fault.html", _page_context(request, fault, request_id)),
            status=fault.status,
        )
    response["Retry-After"] = str(fault.retry_after)
    return response


def fault_log(request, fault: Fault, exception: BaseException | None) -> None:
    cause = getattr(exception, "__cause__", None)
    logger.warning(
        "database %s (%s) on %s %s; request %s",
        fault.name,
        getattr(cause, "sqlstate", None) or type(cause or exception).__name__,
        request.method,
        request.path,
        errors.request_id_of(request),
    )


# Never carried back into a page: a password is typed again.
_NOT_CARRIED = ("password",)


def _page_context(request, fault: Fault, request_id: str) -> dict:
    context = {"fault": fault, "request_id": request_id}
    if request.method != "POST":
        return context
    try:
        files, posted = bool(request.FILES), list(request.POST.lists())
    except Exception:  # a body that cannot be read again: the page is still shown, with the advice to go back
        logger.warning("the posted form of request %s could not be carried into the page", request_id)
        files, posted = True, []
    if files:
        context["resend"] = _(
            "Det, du har sendt, er ikke gemt. Gå tilbage med browserens tilbage-knap, vælg filerne igen, og send "
            "formularen igen om lidt."
        )
        return context
    context["resend"] = _("Det, du har skrevet, er ikke gemt, men det er ikke tabt: tryk “Send igen” om lidt.")
    context["resend_fields"] = [
        (name, value) for name, values in posted if not any(word in name for word in _NOT_CARRIED) for value in values
    ]
    context["resend_action"] = request.get_full_path()
    return context
