"""The audit log's hash chain: how a row's content is serialised and hashed, and how the chain is checked.

Each row carries `content_hash`, SHA-256 over a canonical text of its content, and `hash`, SHA-256 over the
previous row's hash, the row's sequence number, its id and its content hash. The database computes all of
it in a BEFORE INSERT trigger under a transaction-scoped advisory lock (migrations 0002 and 0003), and dates
the row with its own clock, whatever the application sends: rows chain in commit order, the application
cannot back-date a row, choose its place in the chain or supply a hash that matches other content.
Changing, deleting or reordering a row breaks the chain at that row or the next.

Two formats of the content text, named by the row's `hash_version`:

- 1, rows written before migration 0003: JSON serialised by the application before the insert.
- 2, rows since: lines `name=LENGTH:VALUE` (or `name=-` for NULL), each value in PostgreSQL's own text form
  of the column, built by the SQL function `audit_content_v2` and rebuilt here from the stored columns.
  `detail` is read as `detail::text`: a jsonb value has exactly one text form (keys sorted, fixed spacing,
  numbers as stored), which re-serialising the parsed JSON in Python could not reproduce for every number.
"""

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import TextField
from django.db.models.functions import Cast

GENESIS = "0" * 64
# The key of the transaction-scoped advisory lock that orders inserts: "auditlog" in ASCII.
LOCK_KEY = 0x61756469746C6F67
# Part of the serialised content of version-1 rows: they must still verify.
FORMAT = 1
HASH_VERSION = 2
# How far a row's time may lie before the previous row's: the database dates rows under the chain's lock,
# so only a clock step (or a forgery) makes time run backwards along the chain.
CLOCK_TOLERANCE = dt.timedelta(seconds=1)
# The columns the content hash covers, in the order the canonical text names them.
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
CHAIN_FIELDS = ("id", "seq", "prev_hash", "content_hash", "hash", "hash_version")


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


def canonical_v1(row: dict) -> bytes:
    """Version 1: the content as the application serialised it before the insert (rows before 0003)."""
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


def _pg_array(values) -> str:
    """A bigint[] in PostgreSQL's text form: {1,2,3}, {} when empty, nested braces for more dimensions."""
    items = ("NULL" if item is None else _pg_array(item) if isinstance(item, list) else str(item) for item in values)
    return "{" + ",".join(items) + "}"


def _line(name: str, value: str | None) -> str:
    return f"{name}=-\n" if value is None else f"{name}={len(value)}:{value}\n"


def canonical_v2(row: dict) -> bytes:
    """Version 2, byte for byte what the SQL function audit_content_v2 (migration 0003) builds.

    `row` holds the stored columns as Django reads them (inet as PostgreSQL prints it), and `detail_text`,
    the jsonb column as text (rows_in_order reads it so).
    """
    occurred_at = row["occurred_at"].astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    actor_id = row["actor_id"]
    values = (
        ("format", str(HASH_VERSION)),
        ("occurred_at", f"{occurred_at}Z"),
        ("actor_id", None if actor_id is None else str(actor_id)),
        ("actor_username", row["actor_username"]),
        ("agency", row["agency"]),
        ("role", row["role"]),
        ("action", row["action"]),
        ("purpose", row["purpose"]),
        ("case_ids", None if row["case_ids"] is None else _pg_array(row["case_ids"])),
        ("what", row["what"]),
        ("detail", row["detail_text"]),
        ("request_id", row["request_id"]),
        ("ip_address", row["ip_address"]),
    )
    return "".join(_line(name, value) for name, value in values).encode()


CANONICAL = {1: canonical_v1, 2: canonical_v2}


def content_hash(row: dict) -> str:
    return hashlib.sha256(CANONICAL[row["hash_version"]](row)).hexdigest()


def link_hash(*, prev_hash: str, seq: int, row_id: int, content_hash: str) -> str:
    """What the insert trigger computes; the verifier recomputes it the same way."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{row_id}:{content_hash}".encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """A place where the chain does not hold: a row (row_id), or an exported head no longer in the chain."""

    seq: int
    reason: str
    row_id: int | None = None

    def __str__(self) -> str:
        where = f"row id {self.row_id} (sequence number {self.seq})" if self.row_id else f"sequence number {self.seq}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Head:
    """A head kept outside the chain (exported on schedule, or given by hand): it must still be in the chain."""

    seq: int
    hash: str
    label: str


@dataclass
class Result:
    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    breaks: list[Break] = field(default_factory=list)


def verify(rows: Iterable[dict], heads: Iterable[Head] = ()) -> Result:
    """Walk rows in `seq` order and report every break, not only the first; then every head no longer there.

    After a break the walk goes on from the row as stored, so one changed row is one break, and a row
    changed with its hash recomputed is a break at the next row (whose link no longer matches).
    """
    kept: dict[int, list[Head]] = {}
    for head in heads:
        kept.setdefault(head.seq, []).append(head)
    result, previous = Result(), None
    for row in rows:
        result.rows += 1
        result.breaks.extend(_check(row, previous, result.head_seq + 1, result.head_hash))
        for head in kept.pop(row["seq"], ()):
            if head.hash != row["hash"]:
                result.breaks.append(Break(head.seq, f"{head.label} {head.seq}:{head.hash} is not this row's hash"))
        result.head_seq, result.head_hash, previous = row["seq"], row["hash"], row
    for seq, missing in sorted(kept.items()):
        for head in missing:
            if (seq, head.hash) != (0, GENESIS):
                result.breaks.append(Break(seq, f"{head.label} {seq}:{head.hash} is no longer in the chain"))
    return result


def _check(row: dict, previous: dict | None, expected_seq: int, prev_hash: str) -> Iterator[Break]:
    row_id, seq = row["id"], row["seq"]
    if seq > expected_seq:
        yield Break(seq, f"row(s) before it are missing (expected sequence number {expected_seq})", row_id)
    elif row["prev_hash"] != prev_hash:
        yield Break(seq, "it does not follow the previous row (rows were reordered or the link was changed)", row_id)
    if row["hash_version"] not in CANONICAL:
        yield Break(seq, f"unknown hash version {row['hash_version']}", row_id)
        return
    if previous and row["hash_version"] < previous["hash_version"]:
        yield Break(seq, "it claims an older hash format than the row before it", row_id)
    if content_hash(row) != row["content_hash"]:
        yield Break(seq, "its content was changed after it was written", row_id)
    elif link_hash(prev_hash=row["prev_hash"], seq=seq, row_id=row_id, content_hash=row["content_hash"]) != row["hash"]:
        yield Break(seq, "its hash does not match its position and content", row_id)
    # Version-1 rows were dated by the application before waiting for the lock: only the database's dates
    # follow the chain's order.
    if row["hash_version"] >= 2 and previous and row["occurred_at"] < previous["occurred_at"] - CLOCK_TOLERANCE:
        yield Break(seq, f"its time lies before the previous row's by more than {CLOCK_TOLERANCE}", row_id)


def rows_in_order(queryset, chunk_size: int = 2000) -> Iterator[dict]:
    return (
        queryset.order_by("seq")
        .annotate(detail_text=Cast("detail", TextField()))
        .values(*CHAIN_FIELDS, *CONTENT_FIELDS, "detail_text")
        .iterator(chunk_size=chunk_size)
    )
