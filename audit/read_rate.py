"""Mass reads: how many distinct case files a user read in the last hour, counted from the access log.

The rule (our rule): a read of a case file is an access-log row of action READ or EXPORT naming the case:
the case page, a form page (it shows the case's summary), the API's case and its events, an export. A
list or search page (action LIST or SEARCH) is not a read of the files of the 50 cases it shows: it names
them, and its row lists them for the auditor, but it does not count here. Reading one case again does
not count again: what counts is distinct cases.

- More than READ_ALERT_DISTINCT_CASES_PER_HOUR distinct cases within the last hour raise a ReadAlert for
  the data-protection auditor, once per window: none while one raised within the last hour stands.
- A read that would make it more than READ_HARD_LIMIT_PER_HOUR is refused (429), and so is every read of
  a case by the same user for READ_LIMIT_COOLOFF_MINUTES after; each refusal is a DENIED row.

Everything is in PostgreSQL (the access log and the alerts), nothing in Redis or a cache: the limit holds
when Redis is down, and across processes. The check is one indexed query on audit_actor_recent.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEvent, ReadAlert
from .services import audit_record

WINDOW = dt.timedelta(hours=1)
# The access-log actions that are reads of a case's file (see the rule above).
FILE_READS = (AuditEvent.Action.READ, AuditEvent.Action.EXPORT)
# The DENIED row of the refusal that starts a cool-off, and of the refusals during one.
LIMIT_REACHED = "read_limit_reached"
LIMITED = "read_limited"
# The key space of the transaction-scoped advisory lock that raises one alert per user and window
# ("read" in ASCII; a pair of int4 keys does not overlap the access log's single bigint key).
ALERT_LOCK = 0x72656164

_USAGE_SQL = f"""
SELECT count(DISTINCT c.id) FILTER (WHERE e.action = ANY(%(reads)s) AND e.occurred_at >= %(window)s),
       coalesce(bool_or(c.id = %(case)s) FILTER (WHERE e.action = ANY(%(reads)s) AND e.occurred_at >= %(window)s),
                false),
       max(e.occurred_at) FILTER (WHERE e.what = %(reached)s AND e.occurred_at >= %(cooloff)s),
       EXISTS (SELECT 1 FROM {ReadAlert._meta.db_table} a WHERE a.user_id = %(user)s AND a.raised_at >= %(window)s)
  FROM {AuditEvent._meta.db_table} e LEFT JOIN LATERAL unnest(e.case_ids) AS c(id) ON true
 WHERE e.actor_id = %(user)s AND e.occurred_at >= %(since)s AND (e.action = ANY(%(reads)s) OR e.what = %(reached)s)
"""  # noqa: S608 - table names from the models, values as parameters


class ReadLimited(Exception):
    """The user read too many distinct cases within the hour: no case is shown for `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"read limit: retry after {retry_after} s")
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        """What the page and the API say, in the active language."""
        return _(
            "Du har åbnet usædvanligt mange sager inden for den seneste time, så adgangen til sager er spærret "
            "i %(minutes)s min. Revisor er underrettet."
        ) % {"minutes": -(-self.retry_after // 60)}


@dataclass(frozen=True)
class Usage:
    distinct: int  # distinct cases read within the window
    seen: bool  # the case at hand is one of them
    limited_since: dt.datetime | None  # the refusal that started a running cool-off
    alerted: bool  # an alert raised within the window stands


def read_usage(user, case_id: int, *, now: dt.datetime) -> Usage:
    """What the user read within the last hour, and whether a cool-off or an alert is running: one query."""
    cooloff = dt.timedelta(minutes=settings.READ_LIMIT_COOLOFF_MINUTES)
    params = {
        "user": user.pk,
        "case": case_id,
        "reads": list(FILE_READS),
        "reached": LIMIT_REACHED,
        "window": now - WINDOW,
        "cooloff": now - cooloff,
        "since": now - max(WINDOW, cooloff),
    }
    with connection.cursor() as cursor:
        cursor.execute(_USAGE_SQL, params)
        distinct, seen, limited_since, alerted = cursor.fetchone()
    return Usage(distinct=distinct, seen=seen, limited_since=limited_since, alerted=alerted)


def read_rate_check(user, case) -> None:
    """Before a case is shown to `user`: refuse it (ReadLimited) past the hard limit, alert past the threshold.

    Called from access.policy.case_for_view, where every read of one case starts, once the case is known to
    be visible. The refusal and the alert are written in their own transaction, before the answer.
    """
    now = timezone.now()
    usage = read_usage(user, case.pk, now=now)
    cooloff = dt.timedelta(minutes=settings.READ_LIMIT_COOLOFF_MINUTES)
    if usage.limited_since is not None:
        retry_after = usage.limited_since + cooloff - now
        audit_record(
            actor=user, action=AuditEvent.Action.DENIED, what=LIMITED, case=case, detail={"distinct": usage.distinct}
        )
        raise ReadLimited(max(1, math.ceil(retry_after.total_seconds())))
    distinct = usage.distinct + (0 if usage.seen else 1)
    if distinct > settings.READ_HARD_LIMIT_PER_HOUR:
        with transaction.atomic():
            _alert(user, distinct=distinct, now=now, limited=True)
            audit_record(
                actor=user,
                action=AuditEvent.Action.DENIED,
                what=LIMIT_REACHED,
                case=case,
                detail={"distinct": distinct, "limit": settings.READ_HARD_LIMIT_PER_HOUR},
            )
        raise ReadLimited(int(cooloff.total_seconds()))
    if distinct > settings.READ_ALERT_DISTINCT_CASES_PER_HOUR and not usage.alerted:
        with transaction.atomic():
            _alert(user, distinct=distinct, now=now, limited=False)


def _alert(user, *, distinct: int, now: dt.datetime, limited: bool) -> ReadAlert | None:
    """Raise the window's alert (once: under a per-user lock), or mark the standing one as limited."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ALERT_LOCK, user.pk])
    standing = ReadAlert.objects.filter(user=user, raised_at__gte=now - WINDOW).order_by("-raised_at").first()
    if standing is not None and not limited:
        return None  # a concurrent read raised it
    if standing is not None and standing.reviewed_at is None:
        if standing.limited_at is None:
            standing.limited_at = now
            standing.distinct_cases = distinct
            standing.save(update_fields=["limited_at", "distinct_cases"])
        return standing
    # No alert in the window, or the auditor reviewed it before the limit was reached: a new one.
    alert = ReadAlert.objects.create(
        user=user,
        raised_at=now,
        window_start=now - WINDOW,
        distinct_cases=distinct,
        limited_at=now if limited else None,
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.SECURITY,
        what="read_alert_raised",
        detail={"read_alert": alert.pk, "distinct": distinct, "limited": limited},
    )
    return alert
