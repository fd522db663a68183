"""Writes to operation notices and outreach tallies, and the reminders before an operation.

Each write checks the policy, saves and is audited in one transaction. Neither record holds a person's data, so
the audit rows name the record and the fields written, and no case.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from accounts.models import Role, User
from audit.models import AuditEvent
from audit.services import audit_record
from cases.errors import DomainError

from .models import Operation, OutreachTally

# The reminders' lead times for operations live with the deadlines' (settings.REMINDER_LEAD_TIMES), by this key.
LEAD_KIND = "police_operation"
# An operation stays on the coordinators' list this long after it began (it may run for hours).
SHOWN_AFTER_START = dt.timedelta(hours=12)


def operation_notify(
    *, actor, starts_at: dt.datetime, district: str, place_kind: str, expected_people: int, languages: list[str]
) -> Operation:
    """A police liaison's notice of a planned operation: CMM's coordinators see it at once."""
    policy.require(actor, policy.Action.NOTIFY_OPERATION)
    if starts_at <= timezone.now():
        raise DomainError(_("Aktionen skal ligge i fremtiden."), field="starts_at")
    with transaction.atomic():
        operation = Operation.objects.create(
            starts_at=starts_at,
            district=district,
            place_kind=place_kind,
            expected_people=expected_people,
            languages=languages,
            submitted_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            what="operation_notice",
            detail={"operation": operation.pk, "fields": OPERATION_FIELDS},
        )
    return operation


def assignable_staff():
    """The CMM staff a coordinator can send to an operation: active contact persons and coordinators."""
    return User.objects.filter(is_active=True, role__in=[Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR]).order_by(
        "first_name", "last_name", "username"
    )


def operation_staff_set(*, operation: Operation, actor, staff) -> Operation:
    """Who of CMM's staff goes to the operation (none: nobody yet); the status follows."""
    policy.require(actor, policy.Action.ASSIGN_OPERATION_STAFF)
    chosen = list(staff)
    allowed = set(assignable_staff().filter(pk__in=[user.pk for user in chosen]).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in chosen):
        raise DomainError(_("Vælg kun aktive medarbejdere i CMM."), field="staff")
    with transaction.atomic():
        locked = Operation.objects.select_for_update().get(pk=operation.pk)
        locked.staff.set(chosen)
        locked.status = Operation.Status.STAFFED if chosen else Operation.Status.RECEIVED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            what="operation_staff",
            detail={"operation": locked.pk, "fields": ["operation.staff", "operation.status"]},
        )
    return locked


def tally_record(
    *, actor, date: dt.date, district: str, place_kind: str, contacts: int, languages: list[str]
) -> OutreachTally:
    """An outreach tally: contacts made on a day at a kind of place (counts only)."""
    policy.require(actor, policy.Action.OUTREACH_TALLIES)
    if date > timezone.localdate():
        raise DomainError(_("Optællingen kan ikke gælde en dag i fremtiden."), field="date")
    with transaction.atomic():
        tally = OutreachTally.objects.create(
            date=date,
            district=district,
            place_kind=place_kind,
            contacts=contacts,
            languages=languages,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            what="outreach_tally",
            detail={"fields": TALLY_FIELDS},
        )
    return tally


OPERATION_FIELDS = sorted(
    f"operation.{name}" for name in ("starts_at", "district", "place_kind", "expected_people", "languages")
)
TALLY_FIELDS = sorted(f"outreach_tally.{name}" for name in ("date", "district", "place_kind", "contacts", "languages"))


# Reminders before an operation --------------------------------------------------------------------------------


def operation_reminders_notify(*, now: dt.datetime | None = None) -> int:
    """Tell the assigned staff and CMM's coordinators in the app that an operation is near, at the lead times set
    for LEAD_KIND (settings.REMINDER_LEAD_TIMES): the shortest lead whose time has come, as for a deadline
    (reminders.leads). Run by the reminder scan; the notification's unique constraint (operation, lead,
    recipient) makes a second scan, or two at once, write nothing twice. The number of notifications offered.
    """
    from reminders import leads  # reminders builds on cases; imported late, as the scan imports this
    from reminders.models import Notification, NotificationKind

    now = now or timezone.now()
    codes = leads.leads_for(LEAD_KIND)
    if not codes:
        return 0
    longest = leads.window(LEAD_KIND, codes[0])
    upcoming = Operation.objects.filter(starts_at__gt=now, starts_at__lte=now + longest).prefetch_related("staff")
    coordinators = list(
        User.objects.filter(is_active=True, role=Role.CMM_COORDINATOR).order_by("pk").values_list("pk", flat=True)
    )
    rows = []
    for operation in upcoming:
        code = leads.current_lead(kind=LEAD_KIND, due_at=operation.starts_at, now=now)
        if code is None:
            continue
        told = [user.pk for user in operation.staff.all() if user.is_active] + coordinators
        rows += [
            Notification(recipient_id=user_id, operation=operation, kind=NotificationKind.OPERATION, lead=code)
            for user_id in dict.fromkeys(told)
        ]
    if not rows:
        return 0
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)  # INSERT ... ON CONFLICT DO NOTHING
    return len(rows)
