"""The user's side of notifications: reading them, acknowledging a "not a victim" notice, email preferences.

The acknowledgement and the notification deadline (our rule): police and DIS are told of a "not a victim"
decision by the notice itself, and each agency told acknowledges it in the app (any one of its recipients, for
the agency). When every agency told has acknowledged, the NOT_VICTIM_NOTIFICATION deadline is met at the time
of the last acknowledgement (missed if that is after its 24 hours), with the same timeline event as a recorded
notification. A caseworker may still record the notification as before (police told by phone, a referral by
police typed in by CMM, so no liaison in the system): that meets the deadline too, and notices not yet
acknowledged stay acknowledgeable without changing it. Unacknowledged after 24 hours the deadline is overdue,
and its overdue notice goes to the CMM coordinators (reminders.recipients).
"""

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from audit.models import AuditEvent
from audit.services import audit_record
from cases.deadlines import DeadlineKind
from cases.errors import DomainError, NotAllowed
from cases.models import CaseEvent, Deadline
from cases.services import deadline_meet, event_record

from . import leads, services
from .models import Channel, EmailPreference, Notification, NotificationKind, Reminder

SHOWN = 100  # the list shows the newest hundred; older ones are read history


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    """The header's count: one indexed query (the partial index on unread rows)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_for(user, pk: int) -> Notification:
    """The user's own notification; another user's is as if it did not exist."""
    from django.http import Http404

    found = notifications_for(user).select_related("case", "deadline", "operation").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def notification_open(*, notification: Notification, actor) -> Notification:
    """Mark it read (once: the first opening's time stays)."""
    if notification.read_at is None:
        now = timezone.now()
        marked = Notification.objects.filter(pk=notification.pk, recipient=actor, read_at__isnull=True).update(
            read_at=now
        )
        notification.read_at = now
        if marked and getattr(actor, "unread_notifications", 0):
            actor.unread_notifications -= 1  # the header of this very page counts it read
    return notification


@transaction.atomic
def notice_acknowledge(*, notification: Notification, actor) -> Notification:
    """Acknowledge a "not a victim" notice for the actor's agency; the last agency's closes the deadline."""
    policy.require(actor, policy.Action.ACKNOWLEDGE_NOTICE)
    if notification.recipient_id != actor.pk:
        raise NotAllowed(_("Varslet er ikke til dig."))
    if notification.kind != NotificationKind.NOT_VICTIM:
        raise DomainError(_("Kun en underretning om afgørelsen “ikke offer” kvitteres for."))
    if notification.acknowledged_at is not None:
        raise DomainError(_("Underretningen er allerede kvitteret."))
    now = timezone.now()
    notices = Notification.objects.filter(deadline_id=notification.deadline_id, kind=NotificationKind.NOT_VICTIM)
    notices.filter(recipient__agency=actor.agency, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor, read_at=Coalesce("read_at", now)
    )
    told = set(
        Reminder.objects.filter(deadline_id=notification.deadline_id, lead=leads.NOTICE, channel=Channel.IN_APP)
        .exclude(status=Reminder.Status.CANCELLED)
        .values_list("recipient__agency", flat=True)
    )
    acknowledged = set(notices.filter(acknowledged_at__isnull=False).values_list("recipient__agency", flat=True))
    fields = ["notification.acknowledged_at"]
    case = notification.case
    deadline = Deadline.objects.filter(pk=notification.deadline_id).first()
    if told <= acknowledged and deadline is not None and deadline.closed_at is None:
        deadline_meet(case=case, kind=DeadlineKind.NOT_VICTIM_NOTIFICATION, at=now)
        event_record(
            case=case,
            actor=actor,
            event_type=CaseEvent.Type.NOTIFICATION_RECORDED,
            data={"notified_at": now, "acknowledged": sorted(acknowledged)},
        )
        fields += ["deadline.closed_at", "deadline.status"]
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, what="notice_acknowledge", case=case, detail={"fields": fields}
    )
    notification.refresh_from_db()
    return notification


def email_preferences(user) -> dict[str, bool]:
    """Per kind: does the user also want email (no row: yes)?"""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in NotificationKind.values}


@transaction.atomic
def email_preferences_set(*, user, choices: dict[str, bool]) -> None:
    for kind in NotificationKind.values:
        if kind not in choices:
            continue  # a kind that comes in the app only (an operation's reminder) has no email to choose
        EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": bool(choices.get(kind))})


def failed_reminders(user, limit: int = 200) -> list[Reminder]:
    """Reminders that could not be sent, in the cases the coordinator may see, newest first."""
    visible = policy.visible_cases(user).values("pk")
    return list(
        Reminder.objects.filter(status=Reminder.Status.FAILED, deadline__case__in=visible)
        .select_related("deadline__case", "recipient")
        .order_by("-next_attempt_at", "-pk")[:limit]
    )


@transaction.atomic
def reminder_resend(*, reminder_id: int, actor) -> Reminder:
    """Put a failed reminder back in the outbox with fresh retries: the next scan sends it (a coordinator's
    action, after the mail server or the recipient's address has been put right)."""
    policy.require(actor, policy.Action.FAILED_REMINDERS)
    visible = policy.visible_cases(actor).values("pk")
    reminder = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("deadline__case")
        .filter(pk=reminder_id, deadline__case__in=visible)
        .first()
    )
    if reminder is None:
        raise Http404
    if reminder.status != Reminder.Status.FAILED:
        raise DomainError(_("Påmindelsen er ikke længere markeret som ikke sendt."))
    if not services.is_live(reminder.deadline, reminder.lead):
        raise DomainError(_("Fristen er ikke længere aktuel, så påmindelsen sendes ikke igen."))
    reminder.status, reminder.attempts, reminder.next_attempt_at = Reminder.Status.PENDING, 0, timezone.now()
    reminder.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        what="reminder_resend",
        case=reminder.deadline.case_id,
        detail={"reminder": reminder.pk, "channel": reminder.channel, "lead": reminder.lead},
    )
    return reminder
