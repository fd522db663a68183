"""Content Security Policy violations reported by the browsers, kept as counts without identifying data.

Both report formats are read: `application/csp-report` (report-uri: {"csp-report": {...}}) and
`application/reports+json` (report-to: a list of reports, those of type "csp-violation" counted). Of
each violation only the directive, the blocked address's host (or its scheme, or a keyword such as
"inline") and the disposition are kept: a path or query string can carry identifying data, and so can
the page the violation happened on, which is not kept at all.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ops.batches import delete_in_batches

from .models import CspReport

CONTENT_TYPES = frozenset({"application/csp-report", "application/reports+json", "application/json"})
# One request of the reporting API batches reports; more than this many in one are not read.
REPORTS_PER_REQUEST = 20
# What browsers write instead of an address for what is not one.
KEYWORDS = frozenset({"inline", "eval", "wasm-eval", "self", "trusted-types-policy", "trusted-types-sink"})
_DIRECTIVE = re.compile(r"[a-z][a-z-]{0,39}")
_NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss"})


def violations_from(data) -> list[tuple[str, str, str]]:
    """The (directive, blocked, disposition) of each CSP violation in a report body, in either format."""
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        report = data["csp-report"]
        directive = report.get("effective-directive") or report.get("violated-directive")
        return [_violation(directive, report.get("blocked-uri"), report.get("disposition"))]
    if isinstance(data, list):
        return [
            _violation(body.get("effectiveDirective"), body.get("blockedURL"), body.get("disposition"))
            for report in data[:REPORTS_PER_REQUEST]
            if isinstance(report, dict)
            and report.get("type") == "csp-violation"
            and isinstance(body := report.get("body"), dict)
        ]
    return []


def _violation(directive, blocked, disposition) -> tuple[str, str, str]:
    name = str(directive or "").strip().split(" ", 1)[0].lower()
    return (
        name if _DIRECTIVE.fullmatch(name) else "unknown",
        blocked_host(str(blocked or "")),
        disposition if disposition in ("enforce", "report") else "",
    )


def blocked_host(value: str) -> str:
    """The host of a blocked address (with its port), its scheme if it has no host, or the browser's keyword."""
    value = value.strip()
    if value.lower() in KEYWORDS or not value:
        return value.lower()
    try:
        parts = urlsplit(value)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "other"
    scheme = parts.scheme.lower()
    if scheme in _NETWORK_SCHEMES and host:
        return (f"{host}:{port}" if port else host)[:255]
    # data:, blob:, an extension's scheme: the scheme only (an extension's id tells who is at the screen).
    return f"{scheme}:" if re.fullmatch(r"[a-z][a-z0-9+.-]{0,30}", scheme) else "other"


def csp_reports_record(violations: list[tuple[str, str, str]], *, now=None) -> int:
    """Count the violations per day, directive, blocked host and disposition; return how many were counted.

    The endpoint is public: past CSP_REPORT_KINDS_PER_DAY kinds in a day, only the known kinds are counted.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    counted = 0
    for directive, blocked, disposition in violations:
        key = {"day": day, "directive": directive, "blocked": blocked, "disposition": disposition}
        kind = CspReport.objects.filter(**key)
        if kind.update(count=F("count") + 1, last_seen=now):
            counted += 1
            continue
        if CspReport.objects.filter(day=day).count() >= settings.CSP_REPORT_KINDS_PER_DAY:
            continue
        try:
            with transaction.atomic():
                CspReport.objects.create(**key, first_seen=now, last_seen=now)
        except IntegrityError:  # the same kind, reported at the same moment
            kind.update(count=F("count") + 1, last_seen=now)
        counted += 1
    return counted


def csp_reports_prune(*, before: dt.date) -> int:
    """Delete the counts of the days before `before` (the retention job, CSP_REPORT_KEEP_DAYS); return how many."""
    return delete_in_batches(CspReport.objects.filter(day__lt=before))
