"""Model fields whose column holds only ciphertext (privacy.crypto); Python code sees the plaintext.

The column is `text` whatever the field: a token is longer than the value. An empty string is stored as an
empty string and None as NULL; every other value is encrypted. Only `isnull` can be looked up: the
database cannot compare ciphertext, so an exact-match search goes through a blind index instead.
Reading a value that is not a token (written around the model, e.g. by raw SQL) raises DecryptionError
rather than passing it on: plaintext in these columns is a bug to fix (`rotate_field_keys` encrypts it).
"""

import datetime as dt

from django.core.exceptions import FieldError
from django.db import models

from . import crypto


class EncryptedMixin:
    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(self._refusal(lookup_name))

    def get_transform(self, lookup_name):
        raise FieldError(self._refusal(lookup_name))

    def _refusal(self, lookup_name: str) -> str:
        owner = f"{self.model.__name__}.{self.name}" if hasattr(self, "model") else self.name
        return f"{owner} is encrypted: only `isnull` can be looked up, not `{lookup_name}` (use a blind index)."

    def to_plaintext(self, value) -> str | None:
        """The value as the text that is encrypted (None and "" are stored as they are)."""
        return None if value is None else str(value)

    def from_plaintext(self, text: str):
        return text

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        text = self.to_plaintext(value)
        if not text:
            return text
        return crypto.encrypt(text)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.from_plaintext(value) if value == "" else None
        return self.from_plaintext(crypto.decrypt(value))


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (max_length checks the plaintext) stored encrypted."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A TextField stored encrypted."""


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A DateField stored as an encrypted ISO date."""

    def to_plaintext(self, value) -> str | None:
        return None if value is None else value.isoformat()

    def from_plaintext(self, text: str) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None


def encrypted_fields(model) -> list[models.Field]:
    """The model's encrypted concrete fields."""
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]
