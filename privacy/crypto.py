"""Field encryption and blind indexes, with keys of their own: nothing here is derived from SECRET_KEY.

A stored value is `f1:<key id>:<Fernet token>`. The key id is a short hash of the key, so the rotation
command can tell which rows are still under an older key without decrypting them. FIELD_ENCRYPTION_KEYS
lists the keys newest first: the first encrypts, all of them decrypt.

A blind index is an HMAC-SHA256 of a normalised value under BLIND_INDEX_KEY (a different key), so an
exact-match search never needs the plaintext in the database. The kind ("name" or "id") is part of the
hashed message, so a name never matches a document number.
"""

import functools
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

TOKEN_VERSION = "f1"  # noqa: S105 (a format tag, not a secret)
MIN_BLIND_INDEX_KEY_LENGTH = 32
NAME = "name"
IDENTIFIER = "id"
# A date of birth (ISO), kept among a person's keys for the duplicate check only (cases.duplicates): no search
# asks for it, and its kind keeps it from matching a name or a number.
BIRTH_DATE = "dob"
_IDENTIFIER_PUNCTUATION = re.compile(r"[\s\-./]")


class DecryptionError(Exception):
    """A stored value cannot be read: its key is not configured, or it is not a well-formed token."""


def key_id(key: str | bytes) -> str:
    """A short, stable name for a key that reveals nothing about it."""
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(b"cmm-field-key-id:" + raw.strip()).hexdigest()[:8]


def is_token(value: str) -> bool:
    return value.startswith(f"{TOKEN_VERSION}:")


def token_key_id(token: str) -> str:
    """The key id a stored token names (DecryptionError if it is not a token)."""
    version, sep, rest = token.partition(":")
    keyid, sep2, _fernet = rest.partition(":")
    if version != TOKEN_VERSION or not sep or not sep2 or not keyid:
        raise DecryptionError("The stored value is not an encrypted token.")
    return keyid


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    fernets: dict[str, Fernet]
    multi: MultiFernet

    def encrypt(self, plaintext: str) -> str:
        # MultiFernet encrypts with its first key, the newest.
        return f"{TOKEN_VERSION}:{self.primary_id}:{self.multi.encrypt(plaintext.encode()).decode()}"

    def decrypt(self, stored: str) -> str:
        keyid = token_key_id(stored)
        fernet_token = stored.split(":", 2)[2].encode()
        fernet = self.fernets.get(keyid)
        if fernet is None:
            raise DecryptionError(f"No configured field key has id {keyid}; keep old keys until rotation is done.")
        try:
            return fernet.decrypt(fernet_token).decode()
        except InvalidToken:
            raise DecryptionError(f"The stored value does not decrypt under key {keyid}.") from None

    def is_current(self, stored: str) -> bool:
        return token_key_id(stored) == self.primary_id

    def rotate(self, stored: str) -> str:
        """The same plaintext under the newest key; the token itself if it is already there."""
        if self.is_current(stored):
            return stored
        self.decrypt(stored)  # an unknown key id or a tampered token fails here, naming the key id
        rotated = self.multi.rotate(stored.split(":", 2)[2].encode()).decode()
        return f"{TOKEN_VERSION}:{self.primary_id}:{rotated}"


def key_problems(keys, blind_index_key, secret_key: str = "") -> list[tuple[int, str]]:
    """What is wrong with the configured keys, as (check number, words that never quote a key)."""
    problems = []
    if isinstance(keys, str) or not keys:
        problems.append((1, "FIELD_ENCRYPTION_KEYS is empty: set it to one or more Fernet keys, newest first."))
        keys = []
    keys = [key.strip() if isinstance(key, str) else key for key in keys]
    ids = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError, AttributeError):
            problems.append(
                (2, f"FIELD_ENCRYPTION_KEYS entry {position} is not a Fernet key (32 url-safe base64-encoded bytes).")
            )
            continue
        ids.append(key_id(key))
    if len(set(ids)) != len(ids):
        problems.append((3, "FIELD_ENCRYPTION_KEYS lists the same key twice."))
    blind = blind_index_key.strip() if isinstance(blind_index_key, str) else ""
    if len(blind) < MIN_BLIND_INDEX_KEY_LENGTH:
        problems.append(
            (4, f"BLIND_INDEX_KEY must be a random string of at least {MIN_BLIND_INDEX_KEY_LENGTH} characters.")
        )
    elif blind in keys:
        problems.append((5, "BLIND_INDEX_KEY must differ from every field encryption key."))
    if secret_key and (secret_key in keys or secret_key == blind):
        problems.append((6, "The field keys must not be the SECRET_KEY."))
    return problems


def configured_key_problems() -> list[tuple[int, str]]:
    return key_problems(
        getattr(settings, "FIELD_ENCRYPTION_KEYS", None),
        getattr(settings, "BLIND_INDEX_KEY", None),
        getattr(settings, "SECRET_KEY", ""),
    )


@functools.cache
def keyring() -> Keyring:
    """The configured keys; ImproperlyConfigured if any is missing or malformed, so nothing is ever stored in clear."""
    problems = configured_key_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(message for _number, message in problems))
    fernets = {key_id(key): Fernet(key.strip()) for key in settings.FIELD_ENCRYPTION_KEYS}
    primary = key_id(settings.FIELD_ENCRYPTION_KEYS[0])
    return Keyring(primary_id=primary, fernets=fernets, multi=MultiFernet(list(fernets.values())))


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext)


def decrypt(stored: str) -> str:
    return keyring().decrypt(stored)


def reencrypt(stored: str) -> str:
    return keyring().rotate(stored)


def normalise(value: str) -> str:
    """Compatibility-normalised, case-folded, with runs of whitespace as one space (NFKC_Casefold)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return " ".join(folded.split())


def normalise_identifier(value: str) -> str:
    """A document or CPR number without the spaces, hyphens, dots and slashes people type into it."""
    return _IDENTIFIER_PUNCTUATION.sub("", normalise(value))


@functools.cache
def _blind_index_key() -> bytes:
    keyring()  # validates BLIND_INDEX_KEY together with the encryption keys
    return settings.BLIND_INDEX_KEY.strip().encode()


def blind_index(value: str, *, kind: str = NAME) -> str | None:
    """The keyed hash an exact-match search looks for; None for a value that is empty once normalised."""
    normalised = normalise_identifier(value) if kind == IDENTIFIER else normalise(value)
    if not normalised:
        return None
    return hmac.new(_blind_index_key(), f"{kind}\x1f{normalised}".encode(), hashlib.sha256).hexdigest()


# Letters that Unicode does not decompose into a base letter and a mark, as they are written without them.
_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "ı": "i"})


def fold_name(value: str) -> str:
    """A name as a search compares it: normalised, case-folded, without diacritics ("Nguyễn", "Ørsted" →
    "nguyen", "orsted")."""
    decomposed = unicodedata.normalize("NFKD", normalise(value)).translate(_UNDECOMPOSED)
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


_NAME_SEPARATORS = re.compile(r"[\s,;]+")


def name_parts(value: str) -> set[str]:
    """The whole parts of a name: each word, and each half of a hyphenated one ("Anne-Marie": three parts)."""
    parts = set()
    for word in _NAME_SEPARATORS.split(fold_name(value)):
        word = word.strip("-")
        if word:
            parts.add(word)
            parts.update(half for half in word.split("-") if half)
    return parts


def name_keys(value: str) -> set[str]:
    """The blind indexes of every whole part of a name: what a person is found by."""
    return {key for part in name_parts(value) if (key := blind_index(part, kind=NAME))}


def search_match(value: str) -> tuple[list[str], str | None]:
    """What a search for `value` looks for: the keys of all its name parts, and its key as an identity number.

    A person matches if their search keys hold every name part (any order) or the identity number: filter
    with `Q(search_keys__contains=parts) | Q(search_keys__overlap=[identifier])` (the GIN index serves both).
    Only whole parts match: a keyed hash cannot be compared in part.
    """
    words = [word for word in _NAME_SEPARATORS.split(fold_name(value)) if word.strip("-")]
    parts = sorted({key for word in words if (key := blind_index(word.strip("-"), kind=NAME))})
    return parts, blind_index(value, kind=IDENTIFIER)


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs) -> None:
    if setting in {"FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "SECRET_KEY"}:
        keyring.cache_clear()
        _blind_index_key.cache_clear()
