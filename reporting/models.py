from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    """One statistics report a user ordered: its period and language, how far it has come, and its files.

    The PDF and the CSV are kept in PostgreSQL, so that every replica of the application serves them and no
    container's disk holds a file. They hold counts after disclosure control only (reporting.disclosure).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Under udarbejdelse")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    class Step(models.TextChoices):
        COMPUTING = "computing", _("Tæller op")
        DISCLOSURE = "disclosure", _("Kontrollerer, at ingen kan genkendes")
        CHARTS = "charts", _("Tegner diagrammer")
        RENDERING = "rendering", _("Laver PDF")

    class Language(models.TextChoices):
        DA = "da", "Dansk"
        EN = "en", "English"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bestilt af"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("fra og med"))
    end = models.DateField(_("til og med"))
    language = models.CharField(_("sprog"), max_length=2, choices=Language.choices)
    # The period and language as one value ("2017-01-01..2017-12-31:da"): what makes two orders the same report.
    parameters = models.CharField(max_length=32, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("trin"), max_length=16, choices=Step.choices, blank=True)
    # Shown to the user: a sentence written for them, never an exception's text, a stack or a figure.
    error = models.CharField(_("fejl"), max_length=300, blank=True)
    pdf = models.BinaryField(null=True, editable=False)
    csv = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statistikrapport")
        verbose_name_plural = _("statistikrapporter")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="reportjob_requester_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="reportjob_end_after_start"),
            # One report at a time per user: a report is heavy work (LD-03), and the queue is shared.
            models.UniqueConstraint(
                fields=["requested_by"],
                condition=Q(status__in=["queued", "running"]),
                name="reportjob_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.parameters

    @staticmethod
    def parameters_of(start, end, language: str) -> str:
        return f"{start:%Y-%m-%d}..{end:%Y-%m-%d}:{language}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def progress(self) -> int:
        """Per cent done, by the step reached: each step is about a quarter of the work."""
        if self.status == self.Status.DONE:
            return 100
        if self.status != self.Status.RUNNING or not self.step:
            return 0
        steps = list(self.Step.values)
        return 10 + 80 * steps.index(self.step) // len(steps)

    @property
    def step_number(self) -> int:
        return list(self.Step.values).index(self.step) + 1 if self.step else 0

    @property
    def steps(self) -> int:
        return len(self.Step.values)
