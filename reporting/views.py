from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from cases.errors import DomainError

from . import queries, services
from .forms import ReportForm


def report_list(request):
    """ "Statistik": order a report of a year or a period, and the user's reports with their status."""
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.report_job_request(
                    actor=request.user, start=data["start"], end=data["end"], language=data["language"]
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("reporting:detail", pk=job.pk)
    else:
        form = ReportForm()
    jobs = list(queries.jobs_for(request.user)[: queries.SHOWN])
    return render(request, "reporting/report_list.html", {"form": form, "jobs": jobs})


@require_GET
def report_detail(request, pk: int):
    """One report: its progress while it is made (polled), then its files."""
    job = queries.job_for(request.user, pk)
    return render(request, "reporting/report_detail.html", {"job": job})


@require_GET
def report_progress(request, pk: int):
    """The job page's status box alone, for htmx to poll until the report is done or has failed."""
    job = queries.job_for(request.user, pk)
    return render(request, "reporting/_report_status.html", {"job": job})


def _download(request, pk: int, kind: str) -> HttpResponse:
    job = queries.job_for(request.user, pk, file=kind)
    try:
        content, content_type, name = services.report_file(actor=request.user, job=job, kind=kind)
    except DomainError:
        return redirect("reporting:detail", pk=job.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_pdf(request, pk: int):
    return _download(request, pk, "pdf")


@require_GET
def report_csv(request, pk: int):
    return _download(request, pk, "csv")
