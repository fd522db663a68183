from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.Model):
    """One periodic job (an entry of CELERY_BEAT_SCHEDULE, by its name): when it last ran, and how it went.

    Written by the job's task itself (ops.jobs.JobTask), in a worker or in the in-process scheduler. Holds no
    case data: the error is the exception's class name only, never its message (which may quote a value).
    """

    name = models.CharField(_("job"), max_length=100, unique=True)
    # When the job was first known here: a job that has never succeeded is counted from its first run due after.
    first_seen_at = models.DateTimeField(_("kendt siden"), default=timezone.now)
    last_started_at = models.DateTimeField(_("senest startet"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("senest gennemført"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("senest fejlet"), null=True, blank=True)
    last_error = models.CharField(_("seneste fejl"), max_length=100, blank=True)
    last_duration = models.DurationField(_("varighed"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodisk job")
        verbose_name_plural = _("periodiske job")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
