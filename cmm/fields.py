"""API input fields stricter than DRF's: text is a JSON string, never a number or a boolean turned into one."""

from django.db import models
from rest_framework import serializers


class TextField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# For ModelSerializer.serializer_field_mapping: text model fields (encrypted ones too) become TextField.
TEXT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: TextField,
    models.TextField: TextField,
}
