"""The reminder outbox and the in-app notifications it delivers.

A Reminder is one message to one user on one channel about one deadline at one lead time: the unique
constraint on (deadline, lead, recipient, channel) makes a second one impossible, however many scans run.
The scan (reminders.services.reminders_scan) creates the rows when their time comes, claims them, sends them and
marks them sent only once they are sent; see that module for the rules.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cmm.choices import choice_display

from . import leads


class Channel(models.TextChoices):
    IN_APP = "in_app", _("I systemet")
    EMAIL = "email", _("E-mail")


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Påmindelse om en frist")
    OVERDUE = "overdue", _("Overskredet frist")
    NOT_VICTIM = "not_victim", _("Afgørelse: ikke offer for menneskehandel")
    SEND_FAILED = "send_failed", _("Påmindelse, der ikke kunne sendes")
    OPERATION = "operation", _("Påmindelse om en politiaktion")


def kind_of_lead(lead: str) -> str:
    if lead == leads.NOTICE:
        return NotificationKind.NOT_VICTIM
    if lead == leads.OVERDUE:
        return NotificationKind.OVERDUE
    return NotificationKind.REMINDER


class Reminder(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer")
        CLAIMED = "claimed", _("Under afsendelse")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Kunne ikke sendes")
        CANCELLED = "cancelled", _("Annulleret")

    deadline = models.ForeignKey("cases.Deadline", on_delete=models.CASCADE, related_name="reminders")
    lead = models.CharField(_("tidspunkt"), max_length=16)  # a lead code (reminders.leads), NOTICE or OVERDUE
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("kanal"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    # Pending: when to (re)try. Claimed: when the claim lapses (a worker that died holding it).
    next_attempt_at = models.DateTimeField(_("næste forsøg"), default=timezone.now)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    # The class of the last failure only (an SMTP error's text may carry an address): no personal data.
    last_error = models.CharField(_("seneste fejl"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "lead", "recipient", "channel"], name="reminder_once_per_lead_recipient_channel"
            ),
        ]
        indexes = [
            # The scan's claim walks the due rows only, soonest first: its cost grows with them, not with all rows.
            models.Index(
                fields=["next_attempt_at"],
                name="reminder_live_due",
                condition=models.Q(status__in=["pending", "claimed"]),
            ),
            # The coordinators' list of reminders that could not be sent.
            models.Index(fields=["deadline"], name="reminder_failed", condition=models.Q(status="failed")),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}/{self.lead}/{self.recipient_id}/{self.channel}: {self.status}"

    get_status_display = choice_display("status", Status.choices)
    get_channel_display = choice_display("channel", Channel.choices)

    @property
    def kind(self) -> str:
        return kind_of_lead(self.lead)

    @property
    def lead_display(self) -> str:
        return leads.describe(self.lead)


class Notification(models.Model):
    """A notice in the app to one user; it links to the case (or, for whom may not see the case, says only what
    their role allows). A "not a victim" notice is acknowledged by the agency it tells. A reminder of a planned
    police operation (outreach.services.operation_reminders_notify) is about the operation, not a case."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    operation = models.ForeignKey(
        "outreach.Operation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("slags"), max_length=16, choices=NotificationKind.choices)
    deadline = models.ForeignKey("cases.Deadline", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The outbox row it was delivered from (for SEND_FAILED: the one that failed).
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lead = models.CharField(_("tidspunkt"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("modtaget"), default=timezone.now)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("kvitteret"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient", "kind"], name="notification_once_per_reminder"),
            # An operation's reminder at one lead time, once per recipient, however many scans run.
            models.UniqueConstraint(
                fields=["operation", "lead", "recipient"],
                condition=models.Q(operation__isnull=False),
                name="notification_once_per_operation_lead",
            ),
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(operation__isnull=False),
                name="notification_about_case_or_operation",
            ),
        ]
        indexes = [
            # The header's unread count on every page, and the list, newest first.
            models.Index(fields=["recipient"], name="notification_unread", condition=models.Q(read_at__isnull=True)),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"

    get_kind_display = choice_display("kind", NotificationKind.choices)

    @property
    def needs_acknowledgement(self) -> bool:
        return self.kind == NotificationKind.NOT_VICTIM and self.acknowledged_at is None

    @property
    def lead_display(self) -> str:
        return leads.describe(self.lead) if self.lead else ""


class EmailPreference(models.Model):
    """Whether a user also wants email for a kind of notification (in-app ones cannot be turned off).

    No row: yes, if the user has an address.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("slags"), max_length=16, choices=NotificationKind.choices)
    email = models.BooleanField(_("også på e-mail"), default=True)

    class Meta:
        verbose_name = _("e-mailvalg")
        verbose_name_plural = _("e-mailvalg")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}={self.email}"
