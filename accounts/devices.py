"""The second factors: an authenticator app (TOTP) and single-use recovery codes, neither readable from a backup.

django-otp's own models keep the app's key and the recovery codes in clear. These are django-otp devices too
(Device with ThrottlingMixin: its middleware, `is_verified()` and exponential back-off work unchanged), but
the app's key is encrypted with the field keys (privacy.fields; `rotate_field_keys` re-encrypts it with the
rest) and a recovery code is kept only as its keyed hash under the blind-index key, since it only has to be
checked. A database backup without the keys therefore reveals no second factor.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from os import urandom
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from privacy import crypto
from privacy.fields import EncryptedCharField

RECOVERY_CODE_KIND = "recovery_code"  # the blind index's kind for a recovery code


def new_app_key() -> str:
    """A fresh TOTP key: 20 random bytes, hex-encoded (as django-otp makes them)."""
    return random_hex(20)


def new_recovery_code() -> str:
    """8 characters of base32 (40 random bits), lower case, as django-otp's static tokens."""
    return b32encode(urandom(5)).decode("ascii").lower()


def recovery_code_hash(code: str) -> str | None:
    return crypto.blind_index(code, kind=RECOVERY_CODE_KIND)


class ThrottledDevice(TimestampMixin, ThrottlingMixin, Device):
    """A django-otp device with its back-off: `accepts(token)` is the device's own check."""

    class Meta(Device.Meta):
        abstract = True

    def accepts(self, token: str) -> bool:
        raise NotImplementedError

    def verify_token(self, token) -> bool:
        """django-otp's contract: refused during the back-off; a success resets it, a failure lengthens it."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        if self.accepts(str(token)):
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class AuthenticatorDevice(ThrottledDevice):
    """A TOTP authenticator app whose key is stored encrypted. Created only when the user confirms it."""

    key = EncryptedCharField(max_length=80, default=new_app_key, editable=False)  # hex, as django-otp's
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last code accepted: a code is accepted once, and only a later one after it.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("godkendelsesapp")
        verbose_name_plural = _("godkendelsesapps")

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode("ascii"))

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
        label = quote(f"{issuer}:{self.user.get_username()}")
        secret = b32encode(self.bin_key).decode("ascii")
        params = urlencode({"secret": secret, "algorithm": "SHA1", "digits": self.digits, "period": self.step})
        return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"

    def match(self, code: str) -> bool:
        """Does the app show this code now (one step either way), later than the last code accepted?

        A match moves `last_t` (and the app's clock drift) on, without saving.
        """
        if not (code.isascii() and code.isdigit()):
            return False
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        if not totp.verify(int(code), self.tolerance, self.last_t + 1):
            return False
        self.last_t = totp.t()
        self.drift = totp.drift
        return True

    def accepts(self, token: str) -> bool:
        return self.match(token)

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)


class RecoveryCodeDevice(ThrottledDevice):
    """The user's single-use recovery codes, each kept as its keyed hash."""

    class Meta(Device.Meta):
        verbose_name = _("gendannelseskoder")
        verbose_name_plural = _("gendannelseskoder")

    def accepts(self, token: str) -> bool:
        """A code that matches is used up."""
        used, _counts = self.codes.filter(code_hash=recovery_code_hash(token)).delete()
        return bool(used)

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("gendannelseskode")
        verbose_name_plural = _("gendannelseskoder")
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="recovery_code_unique")]

    def __str__(self) -> str:
        return f"Recovery code {self.pk} of device {self.device_id}"  # never the code or its hash
