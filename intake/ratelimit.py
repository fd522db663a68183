"""Rate limits for the public form, on a keyed hash of the address that changes every day.

The address is hashed the moment it is read and never kept: an HMAC under BLIND_INDEX_KEY of the day and the
address, so yesterday's hashes cannot be matched with today's, and the hourly job (intake.tasks.rate_counts_clear)
deletes every count older than the current hour. An IPv6 address counts by its /64 network (one household's
or one machine's prefix), or every new temporary address would be a new counter.
"""

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cmm.client_ip import client_ip
from privacy import crypto

REPORT = "report"
LOOKUP = "lookup"


def _limits() -> dict[str, int]:
    return {REPORT: settings.INTAKE_REPORTS_PER_HOUR, LOOKUP: settings.INTAKE_LOOKUPS_PER_HOUR}


def _address(request) -> str:
    raw = client_ip(request) or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def address_key(request, kind: str, now: dt.datetime) -> str:
    """The counter's key: the day, what is counted and the address, under the blind-index key (an HMAC)."""
    return crypto.blind_index(f"{now.date().isoformat()}\x1f{kind}\x1f{_address(request)}", kind="intake-rate")


def window_start(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def rate_take(request, kind: str, now: dt.datetime | None = None) -> bool:
    """Count one attempt; False once the address has used up this hour's attempts of this kind.

    One statement (an upsert), so two requests at the same moment are both counted.
    """
    now = now or timezone.now()
    key = address_key(request, kind, now.astimezone(dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO intake_ratecount (key, window_start, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, window_start) DO UPDATE SET count = intake_ratecount.count + 1 "
            "RETURNING count",
            [key, window_start(now)],
        )
        (count,) = cursor.fetchone()
    return count <= _limits()[kind]


def rate_counts_clear(now: dt.datetime | None = None) -> int:
    """Delete every count of an hour that has ended; the number deleted."""
    from .models import RateCount

    deleted, _by_model = RateCount.objects.filter(window_start__lt=window_start(now or timezone.now())).delete()
    return deleted
