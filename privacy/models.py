from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionRun(models.Model):
    """One run of the retention job: when, how, and which cases it anonymised (numbers only, no person data)."""

    started_at = models.DateTimeField(_("kørt"), default=timezone.now, editable=False)
    dry_run = models.BooleanField(_("prøvekørsel"))
    retention_years = models.PositiveSmallIntegerField(_("opbevaringsperiode (år)"))
    closed_before = models.DateTimeField(_("afsluttet før"))
    person_count = models.PositiveIntegerField(_("personer"), default=0)
    case_count = models.PositiveIntegerField(_("sager"), default=0)
    case_numbers = ArrayField(models.CharField(max_length=20), verbose_name=_("sagsnumre"), default=list, blank=True)

    class Meta:
        verbose_name = _("anonymiseringskørsel")
        verbose_name_plural = _("anonymiseringskørsler")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        trial = " (dry run)" if self.dry_run else ""
        return f"{self.started_at:%Y-%m-%d %H:%M}: {self.case_count} cases{trial}"
