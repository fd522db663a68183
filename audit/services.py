"""Writing the access log. Called inside the transaction of the read or write it describes."""

from collections.abc import Iterable

from .models import AuditEvent


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
    """Write one audit row; if it cannot be written, the exception fails the action it describes.

    `case` is one case (or its id), `cases` many (a list page: one row for all of them). `detail` holds
    names, codes and counts only, never identifying values such as a person's name.
    """
    case_ids = [getattr(c, "pk", c) for c in cases]
    if case is not None:
        case_ids.insert(0, getattr(case, "pk", case))
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_username=getattr(user, "username", ""),
        agency=getattr(user, "agency", ""),
        role=getattr(user, "role", ""),
        action=action,
        purpose=purpose,
        case_ids=case_ids,
        what=what,
        detail=detail or {},
        request_id=getattr(request, "request_id", "") if request else "",
        ip_address=request.META.get("REMOTE_ADDR") if request else None,
    )
