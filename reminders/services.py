"""Deadline reminders through an outbox in PostgreSQL: never lost, never doubled.

The scan (`reminders_scan`, run by Celery beat every REMINDER_SCAN_SECONDS, or by the in-process scheduler
without Redis) does four things, each in short transactions of its own:

1. Materialise: for each pending deadline whose reminder time has come (reminders.leads), one row per recipient
   (reminders.recipients) and channel, written with INSERT ... ON CONFLICT DO NOTHING against the unique
   constraint on (deadline, lead, recipient, channel): two scans at once write each row once. Also the
   "not a victim" notice when its deadline opens, and the overdue notice when a deadline passes unmet.
2. Cancel: rows whose deadline was met, cancelled or moved (an extension closes the old deadline and opens a
   new one, whose reminders are its own) are cancelled, not sent. cases.services.deadline_meet and
   deadline_cancel cancel them at once, in the transaction that closes the deadline; this step catches the rest.
3. Claim: due rows in batches of REMINDER_BATCH_SIZE, locked with SKIP LOCKED so that concurrent scans take
   different rows, marked claimed (with an expiry: a worker killed while holding a claim loses it after
   REMINDER_CLAIM_SECONDS) and their attempt counted, then committed: no lock is held while sending.
4. Send: the batch's in-app rows become their Notifications and are marked sent in one transaction. An email row is sent
   through Django's email backend and marked sent only after the backend accepted it, and only if the claim is
   still this attempt's. A failure is retried after REMINDER_RETRY_SECONDS; after the last retry the row is
   failed and the coordinators are told in the app (and see it on their list of reminders not sent).

Every step is safe to run twice at once and again after a crash. An email accepted by the mail server just
before a crash, before its row was marked sent, is sent again after the claim lapses: SMTP has no
exactly-once, so this narrow window is the one way an email can come twice; an in-app notice cannot.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from cases.deadlines import DeadlineKind
from cases.models import Deadline

from . import leads
from .models import Channel, EmailPreference, Notification, NotificationKind, Reminder, kind_of_lead
from .recipients import Staff, coordinators, recipients

logger = logging.getLogger(__name__)

LIVE = [Reminder.Status.PENDING, Reminder.Status.CLAIMED]
PENDING_DEADLINE = Q(status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED], closed_at__isnull=True)
# How long one scan works through a backlog before leaving the rest to the next (below the task time limit).
SCAN_SECONDS = 120
MATERIALISE_BATCH = 500


class SendError(Exception):
    """Raised instead of sending to a user without an address (a row is never marked sent unsent)."""


def max_attempts() -> int:
    return len(settings.REMINDER_RETRY_SECONDS) + 1


# 1. Materialise -------------------------------------------------------------------------------------------------


def _due_candidates(now: dt.datetime) -> list[tuple[QuerySet, str | None]]:
    """Querysets of deadlines that may have a row due now, each with its lead (None: decide per deadline)."""
    parts = []
    for kind in DeadlineKind.values:
        for code in leads.leads_for(kind):
            parts.append(
                (
                    Deadline.objects.filter(
                        kind=kind,
                        status=Deadline.Status.OPEN,
                        due_at__gt=now,
                        due_at__lte=now + leads.window(kind, code),
                    ).exclude(Exists(Reminder.objects.filter(deadline=OuterRef("pk"), lead=code))),
                    code,
                )
            )
    since = now - dt.timedelta(days=settings.REMINDER_OVERDUE_DAYS)
    parts.append(
        (
            Deadline.objects.filter(PENDING_DEADLINE, due_at__lte=now, due_at__gt=since).exclude(
                Exists(Reminder.objects.filter(deadline=OuterRef("pk"), lead=leads.OVERDUE))
            ),
            leads.OVERDUE,
        )
    )
    parts.append(
        (
            Deadline.objects.filter(
                kind=DeadlineKind.NOT_VICTIM_NOTIFICATION, status=Deadline.Status.OPEN, due_at__gt=since
            ).exclude(Exists(Reminder.objects.filter(deadline=OuterRef("pk"), lead=leads.NOTICE))),
            leads.NOTICE,
        )
    )
    return parts


def _applies(deadline: Deadline, code: str, now: dt.datetime) -> bool:
    if code in (leads.OVERDUE, leads.NOTICE):
        return True
    return leads.current_lead(kind=deadline.kind, due_at=deadline.due_at, now=now) == code


def reminders_materialise(*, now: dt.datetime | None = None, staff: Staff | None = None) -> int:
    """Write the rows whose time has come (ON CONFLICT DO NOTHING); the number of rows offered."""
    now = now or timezone.now()
    staff = staff or Staff.load()
    offered = 0
    for candidates, code in _due_candidates(now):
        # The ids first, unordered: with ORDER BY id LIMIT the planner walks the primary key through every
        # deadline ever made instead of the kind's due-time index. They are only the new work (the anti-join
        # leaves out what has its rows already), so the list is as long as what is due.
        ids = list(candidates.values_list("pk", flat=True))
        for start in range(0, len(ids), MATERIALISE_BATCH):
            batch = list(
                Deadline.objects.filter(pk__in=ids[start : start + MATERIALISE_BATCH])
                .select_related("case__contact_person", "case__referral__registered_by")
                .order_by("pk")
            )
            offered += _materialise(
                [(deadline, recipients(deadline, code, staff)) for deadline in batch if _applies(deadline, code, now)],
                code,
                now,
            )
    return offered


def _materialise(planned: list[tuple[Deadline, list[int]]], code: str, now: dt.datetime) -> int:
    users = {pk for _deadline, ids in planned for pk in ids}
    if not users:
        return 0
    kind = kind_of_lead(code)
    addresses = dict(User.objects.filter(pk__in=users).exclude(email="").values_list("pk", "email"))
    declined = set(
        EmailPreference.objects.filter(user_id__in=users, kind=kind, email=False).values_list("user_id", flat=True)
    )
    rows = []
    for deadline, ids in planned:
        for user_id in ids:
            rows.append(Reminder(deadline=deadline, lead=code, recipient_id=user_id, channel=Channel.IN_APP))
            if user_id in addresses and user_id not in declined:
                rows.append(Reminder(deadline=deadline, lead=code, recipient_id=user_id, channel=Channel.EMAIL))
    for row in rows:
        row.next_attempt_at = now
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)  # INSERT ... ON CONFLICT DO NOTHING
    return len(rows)


# 2. Cancel ------------------------------------------------------------------------------------------------------


def reminders_cancel(*, deadlines) -> int:
    """Cancel the unsent rows of these deadlines (a queryset or ids): called where a deadline closes."""
    return Reminder.objects.filter(deadline__in=deadlines, status__in=LIVE).update(status=Reminder.Status.CANCELLED)


def _stale(now: dt.datetime) -> Q:
    """Live rows with nothing left to say: their deadline closed, or (a reminder before it) already passed."""
    overdue = Q(lead=leads.OVERDUE)
    overdue_dealt_with = Q(deadline__closed_at__isnull=False) | ~Q(
        deadline__status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED]
    )
    before = ~Q(lead__in=[leads.OVERDUE, leads.NOTICE])
    return (
        (overdue & overdue_dealt_with)
        | (~overdue & ~Q(deadline__status=Deadline.Status.OPEN))
        | (before & Q(deadline__due_at__lte=now))
    )


def reminders_cancel_stale(*, now: dt.datetime | None = None) -> int:
    stale = _stale(now or timezone.now())
    return Reminder.objects.filter(stale, status__in=LIVE).update(status=Reminder.Status.CANCELLED)


# 3. Claim -------------------------------------------------------------------------------------------------------


def reminders_claim(*, now: dt.datetime | None = None, limit: int | None = None) -> list[Reminder]:
    """Claim a batch of due rows in one short transaction; rows another scan holds are skipped, not waited for."""
    now = now or timezone.now()
    limit = limit or settings.REMINDER_BATCH_SIZE
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status__in=LIVE, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.CLAIMED,
            attempts=F("attempts") + 1,
            next_attempt_at=now + dt.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS),
        )
    return list(
        Reminder.objects.filter(pk__in=ids)
        .select_related("deadline__case", "recipient")
        .order_by("next_attempt_at", "pk")
    )


# 4. Send --------------------------------------------------------------------------------------------------------


def is_live(deadline: Deadline, lead: str) -> bool:
    if lead == leads.OVERDUE:
        return deadline.closed_at is None and deadline.status in (Deadline.Status.OPEN, Deadline.Status.MISSED)
    return deadline.status == Deadline.Status.OPEN


def _current(batch: list[Reminder], *, lock: bool) -> tuple[list[Reminder], set[int]]:
    """The rows of a claimed batch whose claim is still this attempt's, read afresh with their deadlines (locked
    if asked: only the outbox rows, so users' writes to the deadlines never wait on a send); and of those, the
    ids whose deadline no longer applies, which are cancelled."""
    claimed = {reminder.pk: reminder.attempts for reminder in batch}
    rows = Reminder.objects.select_related("deadline").filter(pk__in=claimed, status=Reminder.Status.CLAIMED)
    if lock:
        rows = rows.select_for_update(of=("self",))
    current = [row for row in rows.order_by("pk") if row.attempts == claimed[row.pk]]
    dead = {row.pk for row in current if not is_live(row.deadline, row.lead)}
    if dead:
        Reminder.objects.filter(pk__in=dead, status=Reminder.Status.CLAIMED).update(status=Reminder.Status.CANCELLED)
    return current, dead


def _deliver_in_app(batch: list[Reminder]) -> dict[str, int]:
    """A claimed batch of in-app rows becomes their notifications, in one short transaction: the rows whose
    claim is still this attempt's and whose deadline still applies are marked sent, the others cancelled."""
    if not batch:
        return {}
    with transaction.atomic():
        current, dead = _current(batch, lock=True)
        live = [row for row in current if row.pk not in dead]
        Notification.objects.bulk_create(
            [
                Notification(
                    reminder=row,
                    recipient_id=row.recipient_id,
                    kind=row.kind,
                    case_id=row.deadline.case_id,
                    deadline_id=row.deadline_id,
                    lead=row.lead,
                )
                for row in live
            ],
            ignore_conflicts=True,  # a notification already made for the row (the unique constraint) stays one
        )
        Reminder.objects.filter(pk__in=[row.pk for row in live]).update(
            status=Reminder.Status.SENT, sent_at=timezone.now()
        )
    return {Reminder.Status.SENT: len(live), Reminder.Status.CANCELLED: len(batch) - len(live)}


def _send_emails(batch: list[Reminder]) -> dict[str, int]:
    """Send a claimed batch of email rows through one connection to the mail server; counts by outcome.

    Each row is marked sent on its own right after the backend accepted it, and only if its claim is still this
    attempt's: a crash between the two is the one way an email comes twice (see the module's docstring).
    """
    counts: dict[str, int] = {}
    if not batch:
        return counts
    current, dead = _current(batch, lock=False)
    counts[Reminder.Status.CANCELLED] = len(batch) - len(current) + len(dead)
    mailer = get_connection()
    try:
        mailer.open()  # one SMTP session for the batch, not one per email
    except Exception as error:  # the server is down: every row of the batch is retried later
        broken = error
    else:
        broken = None
    try:
        for reminder in current:
            if reminder.pk in dead:
                continue
            outcome = _send_email(reminder, mailer, broken)
            counts[outcome] = counts.get(outcome, 0) + 1
    finally:
        mailer.close()
    return counts


def _send_email(reminder: Reminder, mailer, broken: Exception | None) -> str:
    try:
        if broken is not None:
            raise broken
        _email(reminder, mailer)
    except Exception as error:  # any backend failure: counted, retried, never marked sent
        return _failed(reminder, error)
    sent = Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.CLAIMED, attempts=reminder.attempts).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    if not sent:
        logger.warning("Reminder %s was sent after its claim was lost or it was cancelled", reminder.pk)
    return Reminder.Status.SENT


def _failed(reminder: Reminder, error: Exception) -> str:
    """Retry later, or after the last attempt mark failed and tell the coordinators in the app."""
    name = type(error).__name__[:100]
    logger.warning("Reminder %s: sending failed (%s), attempt %s", reminder.pk, name, reminder.attempts)
    last = reminder.attempts >= max_attempts()
    with transaction.atomic():
        mine = Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.CLAIMED, attempts=reminder.attempts)
        if last:
            if not mine.update(status=Reminder.Status.FAILED, last_error=name):
                return Reminder.Status.CANCELLED
            case = reminder.deadline.case
            staff = Staff.load()
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient_id=user_id,
                        case=case,
                        kind=NotificationKind.SEND_FAILED,
                        deadline=reminder.deadline,
                        reminder=reminder,
                        lead=reminder.lead,
                    )
                    for user_id in dict.fromkeys(coordinators(case, staff))
                ],
                ignore_conflicts=True,
            )
            return Reminder.Status.FAILED
        delay = settings.REMINDER_RETRY_SECONDS[reminder.attempts - 1]
        mine.update(
            status=Reminder.Status.PENDING,
            last_error=name,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        )
    return Reminder.Status.PENDING


def _link(reminder: Reminder) -> str:
    if reminder.lead == leads.NOTICE:
        path = reverse("reminders:list")  # police and DIS may not see the case: the notice is theirs to acknowledge
    else:
        path = reverse("cases:detail", args=[reminder.deadline.case.number])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def email_texts(reminder: Reminder) -> tuple[str, str]:
    """Subject and body: the case number, the deadline's kind and time, a link; never a name or other datum."""
    deadline = reminder.deadline
    context = {
        "number": deadline.case.number,
        "deadline": deadline.get_kind_display(),
        "due": formats.date_format(timezone.localtime(deadline.due_at), "DATETIME_FORMAT"),
    }
    if reminder.lead == leads.NOTICE:
        subject = _("CMM sagssystem: afgørelse “ikke offer” i sag %(number)s") % context
        text = _(
            "Sag %(number)s er afgjort: personen er ikke vurderet som offer for menneskehandel. Kvittér for "
            "underretningen i CMM sagssystem senest %(due)s."
        )
    elif reminder.lead == leads.OVERDUE:
        subject = _("CMM sagssystem: overskredet frist i sag %(number)s") % context
        text = _("Fristen “%(deadline)s” i sag %(number)s udløb %(due)s og er ikke overholdt.")
    else:
        subject = _("CMM sagssystem: frist i sag %(number)s") % context
        text = _("Påmindelse: fristen “%(deadline)s” i sag %(number)s udløber %(due)s.")
    footer = _("Denne e-mail er sendt automatisk af CMM sagssystem. Svar ikke på den.")
    return subject, f"{text % context}\n\n{_link(reminder)}\n\n{footer}\n"


def _email(reminder: Reminder, mailer) -> None:
    address = reminder.recipient.email
    if not address:
        raise SendError("no address")
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = email_texts(reminder)
    send_mail(subject, body, None, [address], connection=mailer)


def reminders_send_due(*, now: dt.datetime | None = None, until: float | None = None) -> dict[str, int]:
    """Claim and send batch after batch until none is due (or the time is up); counts by outcome."""
    until = until or time.monotonic() + SCAN_SECONDS
    counts: dict[str, int] = {}
    while time.monotonic() < until:
        batch = reminders_claim(now=now)
        if not batch:
            break
        outcomes = _deliver_in_app([reminder for reminder in batch if reminder.channel == Channel.IN_APP])
        emails = _send_emails([reminder for reminder in batch if reminder.channel == Channel.EMAIL])
        for outcome, number in [*outcomes.items(), *emails.items()]:
            if number:
                counts[outcome] = counts.get(outcome, 0) + number
    return counts


def reminders_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic scan: materialise, cancel what no longer applies, remind of near police operations (in the app
    only), claim and send. Idempotent."""
    from outreach.services import operation_reminders_notify  # outreach builds on reminders: imported late

    offered = reminders_materialise(now=now)
    cancelled = reminders_cancel_stale(now=now)
    operations = operation_reminders_notify(now=now)
    return {"offered": offered, "cancelled": cancelled, "operations": operations, **reminders_send_due(now=now)}
