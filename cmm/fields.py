"""API input fields stricter than DRF's: text is a JSON string, never a number or a boolean turned into one."""

from django.db import models
from rest_framework import serializers


class TextField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    """DRF's, but a time before the time zone's first rule (year 1) is refused, not a 500 from the zone check."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


# For ModelSerializer.serializer_field_mapping: text model fields (encrypted ones too) become TextField.
TEXT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: TextField,
    models.TextField: TextField,
    models.DateTimeField: DateTimeField,
}
