"""Reports and hotline calls: receiving them, the reporter's follow-up, triage, and expiry.

Staff actions take the actor, check the policy, write and audit in one transaction. The public side has no actor
and no address: its audit rows name the report only (audit.middleware withholds the address on the public
paths, AUDIT_ADDRESS_FREE_PATHS).
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from audit.models import AuditEvent
from audit.services import AuditUnavailable, audit_read, audit_record
from cases.codes import ReferralChannel, ReferralSource
from cases.errors import DomainError
from cases.templatetags.fastdate import fastdate
from cmm.validators import TEXT_MAX_LENGTH
from ops.batches import in_batches
from privacy import crypto

from . import receipts
from .models import Message, ReceivedCount, Report

logger = logging.getLogger(__name__)

REPORT_FIELDS = ("what_seen", "municipality", "place_kind", "seen_when", "exploitation_forms", "reporter_role")
HOTLINE_FIELDS = (*REPORT_FIELDS, "language", "follow_up")
QUEUE_SHOWN = 200


# The public side.


def received_count(report: Report) -> None:
    """Count the report on its day, for the statistics (intake.models.ReceivedCount): one upsert."""
    table = ReceivedCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, channel, count) VALUES (%s, %s, 1) "  # noqa: S608 - the model's own table
            f"ON CONFLICT (day, channel) DO UPDATE SET count = {table}.count + 1",
            [timezone.localdate(report.received_at), report.channel],
        )


def report_submit(*, data: dict) -> tuple[Report, str | None]:
    """Store an anonymous report first, in a transaction of its own; (the report, its receipt code).

    Nothing else happens before the row is committed: whatever fails afterwards (the audit row, the page), the
    report is kept. A code that collides with another report's (1 in 2^125) is drawn again. The same form sent
    again (its one-time token) is the first report, with no code: that was shown once, and is not kept.
    """
    fields = {name: data[name] for name in REPORT_FIELDS}
    token = data.get("form_token")
    submission = crypto.blind_index(str(token), kind="intake-submission") if token else None
    if submission and (first := Report.objects.filter(submission_hash=submission).first()):
        return first, None
    while True:
        code = receipts.receipt_new()
        digest = receipts.receipt_hash(code)
        if not Report.objects.filter(receipt_hash=digest).exists():
            break
    try:
        with transaction.atomic():
            report = Report.objects.create(
                channel=Report.Channel.WEB,
                receipt_hash=digest,
                submission_hash=submission,
                contact=data.get("contact", ""),
                **fields,
            )
            received_count(report)
    except IntegrityError:
        first = Report.objects.filter(submission_hash=submission).first() if submission else None
        if first is None:
            raise
        return first, None  # the same form, sent twice at the same moment
    _audit_public(report, "intake_report_received")
    return report, code


def report_for_receipt(code: str) -> Report | None:
    """The report this code was given for, or None: a wrong code, one for a deleted report, or not a code."""
    digest = receipts.receipt_hash(code)
    if digest is None:
        return None
    report = Report.objects.filter(receipt_hash=digest).first()
    if report is None or not receipts.receipt_matches(code, report.receipt_hash):
        return None
    return report


def report_add_information(*, report: Report, text: str) -> Message:
    """More information from the reporter; stored before the audit row, like the report itself."""
    with transaction.atomic():
        message = Message.objects.create(report=report, author=Message.Author.REPORTER, text=text)
    _audit_public(report, "intake_information_added")
    return message


def _audit_public(report: Report, what: str) -> None:
    """The public side's audit row: the report's id only. A failure is logged, not shown: the report is
    already stored, and the reporter must still get their code."""
    try:
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            what=what,
            purpose=AuditEvent.Purpose.SYSTEM,
            detail={"intake_report": report.pk},
        )
    except (AuditUnavailable, DatabaseError):
        logger.error("The audit row for intake report %s was not written", report.pk)


# Staff: the hotline and triage.


def hotline_call_log(*, actor, data: dict) -> Report:
    policy.require(actor, policy.Action.LOG_HOTLINE_CALL)
    with transaction.atomic():
        report = Report.objects.create(
            channel=Report.Channel.HOTLINE,
            logged_by=actor,
            contact=data.get("contact", ""),
            **{name: data[name] for name in HOTLINE_FIELDS},
        )
        received_count(report)
        _audit_staff(actor, report, AuditEvent.Action.CREATE, "intake_hotline_call_logged")
    return report


def reports_queue(request, *, handled: bool = False) -> list[Report]:
    """The triage queue: new reports and calls, oldest first; or the handled ones, newest first."""
    policy.require(request.user, policy.Action.TRIAGE)
    reports = Report.objects.select_related("case")
    if handled:
        reports = reports.exclude(status=Report.Status.NEW).order_by("-received_at")
    else:
        reports = reports.filter(status=Report.Status.NEW).order_by("received_at")
    rows = list(reports[:QUEUE_SHOWN])
    audit_read(
        request,
        action=AuditEvent.Action.LIST,
        what="intake_queue",
        cases={row.case_id for row in rows if row.case_id},
        detail={"intake_reports": [row.pk for row in rows]},
    )
    return rows


def report_for_triage(user, pk: int) -> Report:
    """A report for a user who may triage (Http404 for a report that does not exist)."""
    policy.require(user, policy.Action.TRIAGE)
    try:
        return Report.objects.select_related("case", "logged_by").get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def report_read(request, report: Report) -> list[Message]:
    messages = list(report.messages.select_related("written_by"))
    audit_read(request, what="intake_report", case=report.case_id, detail={"intake_report": report.pk})
    return messages


def report_reply(*, report: Report, actor, text: str) -> Message:
    """CMM's answer to a web report's reporter: they read it with their receipt code."""
    policy.require(actor, policy.Action.TRIAGE)
    if report.channel != Report.Channel.WEB:
        raise DomainError(_("Kun en anonym indberetning kan besvares her."))
    with transaction.atomic():
        message = Message.objects.create(report=report, author=Message.Author.CMM, written_by=actor, text=text)
        _audit_staff(actor, report, AuditEvent.Action.UPDATE, "intake_reply_written")
    return message


def _triage(*, report: Report, actor, status: str, what: str, case=None, reason: str = "") -> Report:
    """Move a new report to its outcome: one conditional UPDATE, so two colleagues cannot both triage it."""
    policy.require(actor, policy.Action.TRIAGE)
    now = timezone.now()
    with transaction.atomic():
        changed = Report.objects.filter(pk=report.pk, status=Report.Status.NEW).update(
            status=status, case=case, dismiss_reason=reason, triaged_by=actor, triaged_at=now
        )
        if changed != 1:
            raise DomainError(_("Indberetningen er allerede behandlet. Hent siden igen."))
        detail = {"reason": reason} if reason else {}
        _audit_staff(actor, report, AuditEvent.Action.UPDATE, what, case=case, **detail)
    report.refresh_from_db()
    return report


def report_dismiss(*, report: Report, actor, reason: str) -> Report:
    return _triage(
        report=report, actor=actor, status=Report.Status.DISMISSED, what="intake_report_dismissed", reason=reason
    )


def report_link(*, report: Report, actor, number: str) -> Report:
    """Link a report to a case the user can see (the same answer for a case that does not exist)."""
    try:
        case = policy.case_for_view(actor, number)
    except Http404:
        raise DomainError(_("Der er ingen sag med det nummer, som du har adgang til."), field="number") from None
    return _triage(report=report, actor=actor, status=Report.Status.LINKED, what="intake_report_linked", case=case)


def report_referred(*, report: Report, actor, case) -> Report:
    """The referral made from the report is registered: the report is linked to its case (and kept).

    Called again (the referral form posted twice), or after a colleague triaged the report meanwhile, it leaves
    the report as it is: the case is registered either way.
    """
    report.refresh_from_db()
    if report.status != Report.Status.NEW:
        return report  # linked already: to this case (a repeat), or by a colleague at the same moment
    try:
        return _triage(
            report=report, actor=actor, status=Report.Status.REFERRED, what="intake_report_referred", case=case
        )
    except DomainError:
        return report


def _audit_staff(actor, report: Report, action: str, what: str, *, case=None, **detail) -> None:
    audit_record(
        actor=actor,
        action=action,
        what=what,
        case=case if case is not None else report.case_id,
        detail={"intake_report": report.pk, "channel": report.channel, **detail},
    )


def referral_initial(report: Report) -> dict:
    """What the referral form starts with: what the report says. An anonymous report names no person."""
    lines = [report.what_seen]
    where = ", ".join(part for part in (report.municipality, report.get_place_kind_display()) if part)
    if where:
        lines.append(_("Sted: %(where)s") % {"where": where})
    if report.seen_when:
        lines.append(_("Tidspunkt: %(when)s") % {"when": report.seen_when})
    lines.append(
        _("Fra %(channel)s %(reference)s, modtaget %(received)s.")
        % {
            "channel": report.get_channel_display().lower(),
            "reference": report.reference,
            "received": fastdate(timezone.localtime(report.received_at), "DATETIME_FORMAT"),
        }
    )
    self_referred = report.reporter_role == Report.ReporterRole.SELF
    return {
        "received_at": timezone.localtime(report.received_at).replace(second=0, microsecond=0),
        "source": ReferralSource.SELF if self_referred else ReferralSource.OTHER,
        "channel": ReferralChannel.ANONYMOUS_WEB if report.channel == Report.Channel.WEB else ReferralChannel.HOTLINE,
        "referrer_reference": report.reference,
        "exploitation_forms": list(report.exploitation_forms),
        "circumstances": "\n\n".join(lines)[:TEXT_MAX_LENGTH],
    }


# Expiry.


def reports_expire(now: dt.datetime | None = None) -> int:
    """Delete every report (and its messages) not linked to a case and older than INTAKE_RETENTION_DAYS.

    In batches, each its own transaction with its audit row, which names the reports' ids and nothing of what
    they said. Returns how many were deleted.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.INTAKE_RETENTION_DAYS)
    deleted = 0

    def batch(size: int) -> bool:
        nonlocal deleted
        ids = list(
            Report.objects.filter(case__isnull=True, received_at__lt=cutoff)
            .order_by("received_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return False
        Message.objects.filter(report_id__in=ids).delete()
        Report.objects.filter(pk__in=ids).delete()
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            what="intake_reports_expired",
            purpose=AuditEvent.Purpose.SYSTEM,
            detail={"intake_reports": ids, "received_before": cutoff.isoformat()},
        )
        deleted += len(ids)
        return True

    in_batches(batch)
    return deleted
