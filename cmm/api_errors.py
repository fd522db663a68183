"""Domain errors become the API's standard error bodies: 400 refused, 403 not allowed, 409 stale or locked, 429 too many
cases read, 503 no audit or no database."""

import re

from django.db import models
from django.utils.translation import gettext as _
from drf_standardized_errors import openapi
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import exceptions, serializers, status

from audit.read_rate import ReadLimited
from audit.services import AuditUnavailable
from cases.errors import DomainError, KeyReused, NotAllowed, StaleCase
from ops import faults

from .errors import server_error_detail


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


class AuditLogUnavailable(exceptions.APIException):
    """Nothing was shown or saved: the audit row could not be written (X-Request-ID names the request)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "audit_unavailable"


class DatabaseFault(exceptions.APIException):
    """A lock not had in time (409), a statement cut off or no database (503), with Retry-After (ops/faults.py)."""

    def __init__(self, fault):
        super().__init__(str(fault.message), code=fault.name)
        self.status_code = fault.status
        self.wait = fault.retry_after


class DomainExceptionHandler(ExceptionHandler):
    """drf-standardized-errors' handler, told how the services refuse."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, AuditUnavailable):
            return AuditLogUnavailable(
                _("Adgangsloggen kunne ikke skrives, så intet er vist eller gemt. Prøv igen om lidt.")
            )
        if isinstance(exc, ReadLimited):
            throttled = exceptions.Throttled(detail=exc.message)
            throttled.wait = exc.retry_after  # Retry-After; given to Throttled, it would add an English sentence
            return throttled
        if (fault := faults.fault_of(exc)) is not None:
            faults.fault_log(self.context["request"], fault, exc)
            return DatabaseFault(fault)
        if isinstance(exc, StaleCase):
            return Conflict(exc.message)
        if isinstance(exc, KeyReused):
            return Conflict(exc.message, code=exc.code)
        if isinstance(exc, NotAllowed):
            return exceptions.PermissionDenied(exc.message)
        if isinstance(exc, DomainError):
            return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]}, code=exc.code)
        return super().convert_known_exceptions(exc)

    def report_exception(self, exc: exceptions.APIException, response) -> None:
        """A database fault is logged by kind (ops/faults.py), as the pages' are: no traceback, no message."""
        if not isinstance(exc, DatabaseFault):
            super().report_exception(exc, response)

    def convert_unhandled_exceptions(self, exc: Exception) -> exceptions.APIException:
        """A 500 names the request id, as the server log's line for it does."""
        if isinstance(exc, exceptions.APIException):
            return exc
        return exceptions.APIException(server_error_detail(self.context["request"]))


class AutoSchema(openapi.AutoSchema):
    """drf-standardized-errors' schema, told that every API route can answer 403: the access policy refuses a
    role without the route's action before the view (access.middleware.PolicyMiddleware)."""

    def _should_add_http403_error_response(self) -> bool:
        return True

    def _get_validation_error_codes_by_field(self, data_fields):
        """Also the codes of validators that raise more than one (cmm.validators.DateRange's `codes`)."""
        codes = super()._get_validation_error_codes_by_field(data_fields)
        for data_field in data_fields:
            for validator in data_field.field.validators:
                codes[data_field.name].update(getattr(validator, "codes", ()))
        return codes


class ErrorCode409Enum(models.TextChoices):
    STALE = "stale"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    LOCKED = "locked"  # another transaction held the case longer than the lock timeout (ops/faults.py)


class Error409Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode409Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ConflictResponseSerializer(serializers.Serializer):
    """The 409 body in the schema: the same shape as drf-standardized-errors' other client errors."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)


def list_index_attrs(result, generator, request, public):
    """Let an error's `attr` name a list item by its number, as the answers do ("person.nationalities.0").

    drf-standardized-errors documents such attrs with a placeholder ("person.nationalities.INDEX") in an
    enum, which no real answer matches; those enums become one pattern with a number in its place.
    """
    for component in result.get("components", {}).get("schemas", {}).values():
        attr = component.get("properties", {}).get("attr")
        values = attr.get("enum") if isinstance(attr, dict) else None
        if not values or not any(".INDEX" in str(value) for value in values):
            continue
        alternatives = [re.escape(str(value)).replace("INDEX", r"\d+") for value in values if value is not None]
        component["properties"]["attr"] = {"type": "string", "pattern": f"^(?:{'|'.join(alternatives)})$"}
        if None in values:
            component["properties"]["attr"]["nullable"] = True
    return result
