"""The audit log's hash chain: how a row's content is serialised and hashed, and how the chain is checked.

Each row carries `content_hash`, SHA-256 over a canonical serialisation of its content (computed here,
before the insert), and `hash`, SHA-256 over the previous row's hash, the row's sequence number, its id
and its content hash. The database computes `seq`, `prev_hash` and `hash` in a BEFORE INSERT trigger
(migration 0002) under a transaction-scoped advisory lock, so rows are chained in commit order whatever
the application sends. Changing, deleting or reordering a row breaks the chain at that row or the next.
"""

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
# The key of the transaction-scoped advisory lock that orders inserts: "auditlog" in ASCII.
LOCK_KEY = 0x61756469746C6F67
# Part of the serialised content: a future format must still verify the rows written with this one.
FORMAT = 1
# The columns the content hash covers, in the order the verifier reads them.
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "agency",
    "role",
    "action",
    "purpose",
    "case_ids",
    "what",
    "detail",
    "request_id",
    "ip_address",
)
CHAIN_FIELDS = ("id", "seq", "prev_hash", "content_hash", "hash")


def _plain(value):
    """JSON as PostgreSQL's jsonb gives it back: integral floats become ints, everything else as is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def plain_json(value: dict | None) -> dict:
    """`detail` as it will read back from the database (dates and decimals as strings)."""
    return _plain(json.loads(json.dumps(value or {}, cls=DjangoJSONEncoder)))


def normalise_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def canonical(row: dict) -> bytes:
    """The row's content as bytes that do not depend on how the database or driver formats values."""
    occurred_at: dt.datetime = row["occurred_at"]
    content = {
        "format": FORMAT,
        "occurred_at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": row["actor_id"],
        "actor_username": row["actor_username"],
        "agency": row["agency"],
        "role": row["role"],
        "action": row["action"],
        "purpose": row["purpose"],
        "case_ids": [int(case_id) for case_id in row["case_ids"]],
        "what": row["what"],
        "detail": plain_json(row["detail"]),
        "request_id": row["request_id"],
        "ip_address": normalise_ip(row["ip_address"]),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(row: dict) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


def link_hash(*, prev_hash: str, seq: int, row_id: int, content_hash: str) -> str:
    """What the insert trigger computes; the verifier recomputes it the same way."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{row_id}:{content_hash}".encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first row where the chain does not hold."""

    row_id: int
    seq: int
    reason: str


@dataclass(frozen=True)
class Result:
    rows: int
    head_seq: int
    head_hash: str
    broken: Break | None


def verify(rows: Iterable[dict]) -> Result:
    """Walk rows in `seq` order; stop at the first one that was changed, or follows a removed or moved row."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for row in rows:
        count += 1
        broken = _check(row, expected_seq, prev_hash)
        if broken:
            return Result(count, expected_seq - 1, prev_hash, broken)
        expected_seq, prev_hash = row["seq"] + 1, row["hash"]
    return Result(count, expected_seq - 1, prev_hash, None)


def _check(row: dict, expected_seq: int, prev_hash: str) -> Break | None:
    row_id, seq = row["id"], row["seq"]
    if seq != expected_seq or row["prev_hash"] != prev_hash:
        if seq > expected_seq:
            reason = f"row(s) before it are missing (expected sequence number {expected_seq}, found {seq})"
        else:
            reason = "it does not follow the previous row (rows were reordered or the link was changed)"
        return Break(row_id, seq, reason)
    if content_hash(row) != row["content_hash"]:
        return Break(row_id, seq, "its content was changed after it was written")
    recomputed = link_hash(prev_hash=prev_hash, seq=seq, row_id=row_id, content_hash=row["content_hash"])
    if recomputed != row["hash"]:
        return Break(row_id, seq, "its hash does not match its position and content")
    return None


def rows_in_order(queryset, chunk_size: int = 2000) -> Iterator[dict]:
    return queryset.order_by("seq").values(*CHAIN_FIELDS, *CONTENT_FIELDS).iterator(chunk_size=chunk_size)
