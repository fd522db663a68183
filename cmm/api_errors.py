"""Domain errors become the API's standard error bodies: 400 refused, 403 not allowed, 409 stale, 429 too many
cases read, 503 no audit."""

from django.db import models
from django.utils.translation import gettext as _
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import exceptions, serializers, status

from audit.read_rate import ReadLimited
from audit.services import AuditUnavailable
from cases.errors import DomainError, NotAllowed, StaleCase


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


class AuditLogUnavailable(exceptions.APIException):
    """Nothing was shown or saved: the audit row could not be written (X-Request-ID names the request)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "audit_unavailable"


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
        if isinstance(exc, StaleCase):
            return Conflict(exc.message)
        if isinstance(exc, NotAllowed):
            return exceptions.PermissionDenied(exc.message)
        if isinstance(exc, DomainError):
            return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]}, code=exc.code)
        return super().convert_known_exceptions(exc)


class ErrorCode409Enum(models.TextChoices):
    STALE = "stale"


class Error409Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode409Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ConflictResponseSerializer(serializers.Serializer):
    """The 409 body in the schema: the same shape as drf-standardized-errors' other client errors."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)
