from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedCharField


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


class KeyCanary(models.Model):
    """One row, written with the keys the data is under: a known text encrypted with the field keys, and a
    keyed fingerprint of the blind-index key (an HMAC of a fixed label, never the key). privacy/canary.py writes
    it when missing and checks it before anything is served: wrong keys refuse to start instead of failing
    quietly (a wrong BLIND_INDEX_KEY would make every name search find nothing)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    value = EncryptedCharField(_("kendt tekst"), max_length=64)
    blind_index_fingerprint = models.CharField(_("fingeraftryk af søgenøglen"), max_length=64)
    written_at = models.DateTimeField(_("skrevet"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("nøglekontrol")
        verbose_name_plural = _("nøglekontroller")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="privacy_keycanary_one_row")]

    def __str__(self) -> str:
        return f"key canary written {self.written_at:%Y-%m-%d %H:%M}"
