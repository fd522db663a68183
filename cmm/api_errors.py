"""Domain errors become the API's standard error bodies: 400 refused, 403 not allowed, 409 stale."""

from drf_standardized_errors.handler import exception_handler as standard_handler
from rest_framework import exceptions, status

from cases.errors import DomainError, NotAllowed, StaleCase


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


def exception_handler(exc, context):
    if isinstance(exc, StaleCase):
        exc = Conflict(exc.message)
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, DomainError):
        exc = exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]}, code=exc.code)
    return standard_handler(exc, context)
