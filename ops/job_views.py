"""The periodic jobs' status page, for the system administrator: no case data, only the jobs' own records."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import jobs


@require_safe
def job_status(request):
    """Each job: what it does, when it runs, its last success and failure, and whether it is overdue."""
    states = jobs.job_states()
    rows = [
        {"state": state, "schedule": jobs.schedule_words(state.job.schedule), "label": state.job.label}
        for state in states
    ]
    return render(
        request,
        "ops/job_status.html",
        {"rows": rows, "overdue": [row for row in rows if row["state"].overdue]},
    )
