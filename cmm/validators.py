"""What input may hold, checked alike by the models, the forms and the API (one rule, one place).

Dates: every date and time has a plausible range (our rule). A year-1 date is stored by PostgreSQL as a
BC timestamp that psycopg cannot read back, and 9999-12-31 plus a day overflows Python's dates: one such
row used to break every page that showed it. The database holds the fixed bounds too (DATABASE_EARLIEST,
DATABASE_LATEST: check constraints in each app's migrations); the bounds that move with the clock ("not in
the future") are the validators' and the services', as a CHECK must not depend on the time it runs.

Texts: names and other one-line texts refuse control characters (BEL, ANSI escapes), bidirectional
overrides and line breaks; free texts keep their line breaks and tabs but refuse the rest, and have a
length limit. Lists refuse duplicates and more items than make sense.
"""

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# (our rule) Referrals, detentions, decisions, notifications and consents: from 2000; births from 1900.
EARLIEST_EVENT = dt.date(2000, 1, 1)
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# The database's own bounds, which every check constraint shares: far from overflow, whatever the clock says.
DATABASE_LATEST = dt.date(2100, 1, 1)
# A reflection/recovery period starts within a year of the decision; a consent lasts at most two years.
PERIOD_START_YEARS = 1
CONSENT_YEARS = 2
# Clocks differ by a little between the browser, the application and the database.
CLOCK_GRACE = dt.timedelta(minutes=5)

# Free texts (notes, circumstances, reasons) and addresses; names have their fields' max_length.
TEXT_MAX_LENGTH = 10_000
ADDRESS_MAX_LENGTH = 1_000
# More nationalities than this on one person is a mistake, not a biography.
NATIONALITIES_MAX = 10
# The largest page and offset a list is asked for: beyond them the database's integers overflow.
PAGE_MAX = 100_000
OFFSET_MAX = 5_000_000
VERSION_MAX = 2**31 - 1  # the largest value of Case.version's column


def at_start_of(day: dt.date) -> dt.datetime:
    """Midnight in Copenhagen at the start of `day`, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=COPENHAGEN)


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def date_in_range(field: str, *, earliest: dt.date = EARLIEST_EVENT) -> Q:
    """The database's bounds of a date column (for a CheckConstraint): from `earliest`, before DATABASE_LATEST."""
    return Q(**{f"{field}__gte": earliest, f"{field}__lt": DATABASE_LATEST})


def time_in_range(field: str) -> Q:
    """The database's bounds of a time column, at Copenhagen midnights."""
    return Q(**{f"{field}__gte": at_start_of(EARLIEST_EVENT), f"{field}__lt": at_start_of(DATABASE_LATEST)})


@deconstructible
class DateRange:
    """A date, or a time, from `earliest` up to today (`years_ahead=0`), a number of years ahead, or unbounded
    in the future up to the database's bound (`years_ahead=None`)."""

    codes = ("date_too_early", "date_in_future", "date_too_late")  # for the API schema's error codes

    def __init__(self, earliest: dt.date, *, years_ahead: int | None = 0, future_message=None):
        self.earliest = earliest
        self.years_ahead = years_ahead
        self.future_message = future_message  # what is dated, said in the caseworker's words

    def __eq__(self, other):
        return isinstance(other, DateRange) and (self.earliest, self.years_ahead, self.future_message) == (
            other.earliest,
            other.years_ahead,
            other.future_message,
        )

    def __call__(self, value) -> None:
        if value is None:
            return
        is_time = isinstance(value, dt.datetime)
        # Aware times are compared as they are: converting a year-1 time to another zone overflows.
        earliest = at_start_of(self.earliest) if is_time else self.earliest
        if value < earliest:
            raise ValidationError(
                _("Datoen kan ikke ligge før %(earliest)s."),
                code="date_too_early",
                params={"earliest": date_format(self.earliest, "DATE_FORMAT")},
            )
        if self.years_ahead == 0:
            future = value > timezone.now() + CLOCK_GRACE if is_time else value > timezone.localdate()
            if future:
                raise ValidationError(
                    self.future_message or _("Datoen kan ikke ligge i fremtiden."), code="date_in_future"
                )
            return
        if self.years_ahead is None:
            latest = DATABASE_LATEST - dt.timedelta(days=1)
        else:
            latest = years_after(timezone.localdate(), self.years_ahead)
        if (value.date() if is_time else value) > latest:
            raise ValidationError(
                _("Datoen kan ikke ligge efter %(latest)s."),
                code="date_too_late",
                params={"latest": date_format(latest, "DATE_FORMAT")},
            )


# The ranges, by what they date.
received = DateRange(EARLIEST_EVENT, future_message=_("Henvisningen kan ikke være modtaget i fremtiden."))
detained = DateRange(EARLIEST_EVENT, future_message=_("Frihedsberøvelsen kan ikke ligge i fremtiden."))
decided = DateRange(EARLIEST_EVENT, future_message=_("Afgørelsesdatoen kan ikke ligge i fremtiden."))
interviewed = DateRange(EARLIEST_EVENT, future_message=_("Samtalen kan ikke ligge i fremtiden."))
notified = DateRange(EARLIEST_EVENT, future_message=_("Underretningen kan ikke ligge i fremtiden."))
consent_given = DateRange(EARLIEST_EVENT, future_message=_("Samtykket kan ikke være givet i fremtiden."))
birth_date = DateRange(EARLIEST_BIRTH, future_message=_("Fødselsdatoen kan ikke ligge i fremtiden."))
period_start = DateRange(EARLIEST_EVENT, years_ahead=PERIOD_START_YEARS)
consent_expiry = DateRange(EARLIEST_EVENT, years_ahead=CONSENT_YEARS)
search_date = DateRange(EARLIEST_EVENT, years_ahead=None)  # a period searched for, e.g. in the access log


# Bidirectional embeddings, overrides and isolates, and the marks: text that reads otherwise than it is stored.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\u0085\u2028\u2029")
FREE_TEXT_ALLOWED = frozenset("\n\r\t")
FREE_TEXT_REFUSED_BIDI = BIDI_CONTROLS - {"\u061c", "\u200e", "\u200f"}  # marks are ordinary in RTL text


def _refused(value: str, *, free_text: bool) -> str | None:
    """The first character the text may not hold, or None."""
    for char in value:
        if free_text and char in FREE_TEXT_ALLOWED:
            continue
        if unicodedata.category(char) == "Cc" or char in LINE_BREAKS:
            return char
        if char in (FREE_TEXT_REFUSED_BIDI if free_text else BIDI_CONTROLS):
            return char
    return None


def _refuse_characters(value: str, *, free_text: bool, message) -> None:
    char = _refused(value or "", free_text=free_text)
    if char is not None:
        raise ValidationError(message, code="control_character", params={"code": f"{ord(char):04X}"})


def one_line_text(value: str) -> None:
    """Names and other one-line texts: no control characters, bidirectional controls or line breaks."""
    message = _("Teksten må ikke indeholde styretegn eller linjeskift (fundet: U+%(code)s).")
    _refuse_characters(value, free_text=False, message=message)


def free_text(value: str) -> None:
    """Notes, circumstances and reasons: line breaks and tabs, but no other control characters."""
    _refuse_characters(value, free_text=True, message=_("Teksten må ikke indeholde styretegn (fundet: U+%(code)s)."))


# The code each raises, for the API schema's list of error codes (drf-standardized-errors reads `code`).
one_line_text.code = free_text.code = "control_character"

text_length = MaxLengthValidator(TEXT_MAX_LENGTH)
address_length = MaxLengthValidator(ADDRESS_MAX_LENGTH)
FREE_TEXT = [free_text, text_length]


def unique_items(values) -> None:
    """A list of choices names each choice once."""
    seen = set()
    for value in values or ():
        if value in seen:
            raise ValidationError(_("%(value)s er valgt mere end én gang."), code="duplicate", params={"value": value})
        seen.add(value)


unique_items.code = "duplicate"


def page_number(value) -> int | None:
    """A list page asked for in a URL or a form: 1 if none, None if it is not one (ASCII digits, 1 to PAGE_MAX)."""
    if value in (None, ""):
        return 1
    value = str(value)
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= PAGE_MAX:
        return None
    return int(value)


def ascii_int(value: str) -> int | None:
    """An id or version sent as text: ASCII digits only ("²".isdigit() is true, int("²") fails), else None."""
    return int(value) if value and value.isascii() and value.isdigit() else None
