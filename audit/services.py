"""Writing the access log. Called inside the transaction of the read or write it describes."""

from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from access import policy
from cmm.client_ip import client_ip

from . import chain
from .context import current_request
from .models import AuditEvent, ChainHead, ReadAlert, ReviewedByAuditor


class AuditUnavailable(Exception):
    """The audit row could not be written, so the read or write it describes must not happen."""


def audit_record(
    *,
    actor,
    action: str,
    what: str,
    purpose: str = AuditEvent.Purpose.CASE_WORK,
    case=None,
    cases: Iterable = (),
    detail: dict | None = None,
    request=None,
) -> AuditEvent:
    """Write one audit row; if it cannot be written, AuditUnavailable fails the action it describes.

    `case` is one case (or its id), `cases` many (a list page: one row for all of them). `detail` holds
    names, codes and counts only, never identifying values such as a person's name or a search text.
    Without `request`, the request being served (if any) gives the request id and address.

    One INSERT: the database dates, hashes and chains the row (occurred_at, content_hash, seq, prev_hash,
    hash) in a trigger under an advisory lock held to the end of the caller's transaction, so call this
    last in a write, after its row locks.
    """
    case_ids = [getattr(c, "pk", c) for c in cases]
    if case is not None:
        case_ids.insert(0, getattr(case, "pk", case))
    user = actor if getattr(actor, "is_authenticated", False) else None
    request = request if request is not None else current_request()
    event = AuditEvent(
        actor=user,
        actor_username=getattr(user, "username", ""),
        agency=getattr(user, "agency", ""),
        role=getattr(user, "role", ""),
        action=action,
        purpose=purpose,
        case_ids=list(dict.fromkeys(int(case_id) for case_id in case_ids)),
        what=what,
        detail=chain.plain_json(detail),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip_address=_address(request),
    )
    try:
        event.save(force_insert=True)
    except DatabaseError as error:
        raise AuditUnavailable(f"audit row not written ({type(error).__name__})") from error
    return event


def _address(request) -> str | None:
    if request is None or getattr(request, "address_withheld", False):
        return None
    return chain.normalise_ip(client_ip(request))


def audit_security(*, actor, what: str, case=None, detail: dict | None = None, request=None) -> AuditEvent:
    """A refusal or other security event (a CSRF failure, a stale write, a replayed session)."""
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.SECURITY,
        what=what,
        purpose=AuditEvent.Purpose.SYSTEM,
        case=case,
        detail=detail,
        request=request,
    )


def audit_stale_write(request, *, case, action: str, sent_version: int) -> AuditEvent:
    """A write refused (409) because the case changed since the user loaded it: after the refused write's
    transaction rolled back, so that this row stays."""
    return audit_security(
        actor=request.user,
        what="stale_write",
        case=case,
        detail={"action": action, "version_sent": sent_version, "version": case.version},
        request=request,
    )


@transaction.atomic
def chain_head_export() -> ChainHead:
    """Keep the log's current head where the application cannot rewrite it, and log that it was kept.

    The database picks the head (audit_export_head(), migration 0003): the caller cannot name one. The
    audit row follows it in the chain, as the next row.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, seq, hash, exported_at FROM audit_export_head()")
        head_id, seq, digest, exported_at = cursor.fetchone()
    head = ChainHead(id=head_id, seq=seq, hash=digest, exported_at=exported_at)
    audit_record(
        actor=None,
        action=AuditEvent.Action.EXPORT,
        what="audit_head_export",
        purpose=AuditEvent.Purpose.SYSTEM,
        detail={"seq": seq, "hash": digest},
    )
    return head


def audit_read(
    request,
    *,
    what: str,
    case=None,
    cases: Iterable = (),
    action: str = AuditEvent.Action.READ,
    purpose: str = AuditEvent.Purpose.CASE_WORK,
    detail: dict | None = None,
) -> AuditEvent:
    """Record what a page or endpoint showed the requesting user: one row, however many cases.

    Views call it once they have the rows and before they answer, so a failed insert answers an error
    (503) instead of the data. The INSERT is one statement, a transaction of its own in autocommit.
    """
    return audit_record(
        actor=request.user,
        action=action,
        what=what,
        purpose=purpose,
        case=case,
        cases=cases,
        detail=detail,
        request=request,
    )


def filters_used(data, names: Iterable[str]) -> list[str]:
    """The names of the filters a search used, never what was typed into them (a name, for example)."""
    return [name for name in names if any(str(value).strip() for value in _values(data, name))]


def _values(data, name: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    return value if isinstance(value, list) else [value] if value is not None else []


@transaction.atomic
def alert_review(*, alert: ReviewedByAuditor, actor, what: str, case=None, detail: dict, request=None):
    """The data-protection auditor has looked at an alert in their queue (break-the-glass, many reads)."""
    policy.require(actor, policy.Action.AUDIT_LOG)
    alert.reviewed_at = timezone.now()
    alert.reviewed_by = actor
    alert.save(update_fields=["reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what=what,
        case=case,
        purpose=AuditEvent.Purpose.AUDIT,
        detail=detail,
        request=request,
    )
    return alert


def read_alert_review(*, alert: ReadAlert, actor, request=None) -> ReadAlert:
    """The auditor has looked at the alert about a user's many reads."""
    detail = {"read_alert": alert.pk, "user": alert.user_id}
    return alert_review(alert=alert, actor=actor, what="read_alert_review", detail=detail, request=request)
