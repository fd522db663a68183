"""Checks of identity numbers, shared by the referral form and the API: ASCII only, whatever Unicode calls a digit."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which would be stored as typed.
CPR_NUMBER = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{2})-?([0-9]{4})$")
# Letters and digits as printed on the document, in groups separated by single spaces or hyphens.
DOCUMENT_NUMBER = re.compile(r"^[A-Za-z0-9]+([ -][A-Za-z0-9]+)*$")


def cpr_birth_date(day: int, month: int, yy: int, serial: str) -> dt.date:
    """The date of birth a CPR number encodes; the first serial digit and the year give the century."""
    first = int(serial[0])
    if first <= 3:
        century = 1900
    elif first in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:  # 5-8
        century = 2000 if yy <= 57 else 1800
    return dt.date(century + yy, month, day)


def cpr_number_clean(value: str) -> str:
    """A CPR number as DDMMYY-SSSS, or ValidationError: ten digits whose first six are a real date of birth.

    No modulus-11 check: CPR numbers without a valid check digit have been issued since 2007.
    """
    value = (value or "").strip()
    if not value:
        return ""
    match = CPR_NUMBER.match(value)
    if not match:
        raise ValidationError(
            _("Et CPR-nummer har 10 cifre, eventuelt med bindestreg efter de første 6 (DDMMÅÅ-XXXX)."),
            code="cpr_format",
        )
    day, month, yy, serial = match.groups()
    try:
        born = cpr_birth_date(int(day), int(month), int(yy), serial)
    except ValueError:
        raise ValidationError(
            _("De første 6 cifre i CPR-nummeret er ikke en gyldig dato (DDMMÅÅ)."), code="cpr_date"
        ) from None
    if born > timezone.localdate():
        raise ValidationError(_("CPR-nummerets fødselsdato ligger i fremtiden."), code="cpr_date")
    return f"{day}{month}{yy}-{serial}"


def document_number_clean(value: str) -> str:
    """A passport or ID number: ASCII letters and digits (groups may be separated by a space or a hyphen)."""
    value = (value or "").strip()
    if value and not DOCUMENT_NUMBER.match(value):
        raise ValidationError(
            _("Et pas- eller ID-nummer består af bogstaverne A-Z og cifrene 0-9 (eventuelt i grupper)."),
            code="document_number_format",
        )
    return value
