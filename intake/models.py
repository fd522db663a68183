"""Anonymous web reports and hotline calls: one triage queue for CMM, before anything is a case.

A report holds no address, user agent or other trace of the person who sent it: its texts are encrypted, its
receipt code is stored only as a keyed hash (intake.receipts), and one that is not linked to a case is deleted
after INTAKE_RETENTION_DAYS (intake.services.reports_expire).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import ExploitationForm
from privacy.fields import EncryptedCharField, EncryptedTextField

WHAT_SEEN_MAX_LENGTH = 5000
SHORT_TEXT_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 3000


class Report(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Anonym indberetning")
        HOTLINE = "hotline", _("Hotline")

    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        DISMISSED = "dismissed", _("Afsluttet uden sag")
        LINKED = "linked", _("Knyttet til en sag")
        REFERRED = "referred", _("Henvisning oprettet")

    class ReporterRole(models.TextChoices):
        PRIVATE = "private", _("Privatperson")
        BUSINESS = "business", _("Virksomhed")
        LANDLORD = "landlord", _("Udlejer")
        # Only a hotline call: the web form offers the four the issue names.
        PROFESSIONAL = "professional", _("Fagperson")
        SELF = "self", _("Personen selv")
        OTHER = "other", _("Andet")

    class PlaceKind(models.TextChoices):
        HOME = "home", _("Privat bolig")
        WORKPLACE = "workplace", _("Arbejdsplads (fx byggeplads, landbrug, lager)")
        HOSPITALITY = "hospitality", _("Restaurant, hotel eller bar")
        MASSAGE = "massage", _("Massage- eller skønhedsklinik")
        PUBLIC = "public", _("Gade eller andet offentligt sted")
        ONLINE = "online", _("Internettet")
        OTHER = "other", _("Andet")

    class DismissReason(models.TextChoices):
        NOT_TRAFFICKING = "not_trafficking", _("Ikke menneskehandel")
        TOO_LITTLE = "too_little", _("For få oplysninger til at handle på")
        DUPLICATE = "duplicate", _("Allerede kendt fra en anden indberetning")
        FORWARDED = "forwarded", _("Sendt videre til en anden myndighed")
        JUNK = "junk", _("Uvedkommende eller spam")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(default=timezone.now)
    # What was reported, all encrypted (privacy.fields): a description can name or point to a person.
    what_seen = EncryptedTextField()
    municipality = EncryptedCharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    place_kind = models.CharField(max_length=12, choices=PlaceKind.choices, blank=True)
    seen_when = EncryptedCharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    exploitation_forms = ArrayField(
        models.CharField(max_length=32, choices=ExploitationForm.choices), default=list, blank=True
    )
    reporter_role = models.CharField(max_length=12, choices=ReporterRole.choices)
    contact = EncryptedCharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    # The web report's receipt code as its keyed hash (intake.receipts): the code itself is shown once.
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The keyed hash of the web form's one-time token: the same form sent twice (a reload) is one report.
    submission_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # A hotline call: who logged it, in which language it was, and what CMM is to do next.
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=100, blank=True)
    follow_up = EncryptedTextField(blank=True)
    # Triage.
    dismiss_reason = models.CharField(max_length=16, choices=DismissReason.choices, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "received_at"], name="intake_report_queue"),
            # The expiry job's scan: reports with no case, oldest first.
            models.Index(fields=["received_at"], condition=models.Q(case__isnull=True), name="intake_report_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel="hotline") | models.Q(receipt_hash__isnull=False),
                name="intake_web_report_has_receipt",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["linked", "referred"]) | models.Q(case__isnull=False),
                name="intake_linked_report_has_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.pk}"

    def exploitation_labels(self) -> list[str]:
        labels = dict(ExploitationForm.choices)
        return [str(labels.get(value, value)) for value in self.exploitation_forms]

    @property
    def reference(self) -> str:
        """How staff name the report (never the receipt code): its number."""
        return f"I-{self.pk}"


class Message(models.Model):
    """More information from the reporter, or CMM's reply to them, on a web report."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Indberetteren")
        CMM = "cmm", _("CMM")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=8, choices=Author.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["report", "created_at"], name="intake_message_report")]

    def __str__(self) -> str:
        return f"{self.get_author_display()} {self.pk}"


class RateCount(models.Model):
    """How often one address did one thing (sent a report, tried a receipt code) within one hour.

    The address is only ever here as a keyed hash under a key that changes every day (intake.ratelimit), and
    the hourly job deletes every count older than the current hour: within a day nothing links a count to
    an address or to another day's counts.
    """

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="intake_ratecount_unique")]

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d %H}:00 {self.count}"


class ReceivedCount(models.Model):
    """How many reports or hotline calls came in on one day: the statistics count these, not the reports.

    A report not linked to a case is deleted after INTAKE_RETENTION_DAYS, so counting the reports themselves
    would make last year's figures shrink as the days pass. The count is written with the report, in its
    transaction, and holds nothing but the day (Danish time), the channel and the number.
    """

    day = models.DateField()
    channel = models.CharField(max_length=8, choices=Report.Channel.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "channel"], name="intake_receivedcount_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.count}"
