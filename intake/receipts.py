"""Receipt codes: 25 random characters (125 bits) shown once to the reporter, stored only as a keyed hash.

The code is the only way back to a report: there is no report number, address or cookie on the public side.
The hash is a blind index (privacy.crypto: HMAC-SHA256 under BLIND_INDEX_KEY, never SECRET_KEY), so a copy of
the database alone cannot be searched for codes, and 125 random bits cannot be guessed online either. A report
is looked up by its code's hash through the unique index; a wrong code and a code for a deleted report find
nothing alike. The hash of a random secret leaks nothing by how long the look-up takes, and the row found is
compared again in constant time.
"""

import hmac
import re
import secrets

from privacy import crypto

# Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 25
GROUP = 5
_KIND = "intake-receipt"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-]+")


def receipt_new() -> str:
    """A new code, in groups of five ("7K3QX-..."), as the reporter is shown it."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def receipt_normalise(code: str) -> str | None:
    """The code as typed, without spaces and dashes, upper case, misread letters corrected; None if it cannot
    be a code."""
    cleaned = _SEPARATORS.sub("", code or "").upper().translate(_MISREAD)
    if len(cleaned) != LENGTH or any(char not in ALPHABET for char in cleaned):
        return None
    return cleaned


def receipt_hash(code: str) -> str | None:
    normalised = receipt_normalise(code)
    if normalised is None:
        return None
    return crypto.blind_index(normalised, kind=_KIND)


def receipt_matches(code: str, stored_hash: str) -> bool:
    digest = receipt_hash(code)
    return digest is not None and hmac.compare_digest(digest, stored_hash)
