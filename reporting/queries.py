from django.http import Http404

from .models import ReportJob

SHOWN = 50  # the newest reports on the list page
FILES = ("pdf", "csv")


def jobs_for(user):
    """The user's own reports, newest first, without their files."""
    return ReportJob.objects.filter(requested_by=user).defer(*FILES)


def job_for(user, pk: int, *, file: str = "") -> ReportJob:
    """One of the user's own reports (with `file` read too); another's answers 404, as one that does not exist."""
    jobs = ReportJob.objects.filter(requested_by=user).defer(*(name for name in FILES if name != file))
    try:
        return jobs.get(pk=pk)
    except ReportJob.DoesNotExist:
        raise Http404 from None
