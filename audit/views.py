"""The data-protection auditor's pages: search the access log, and who looked at one person's data.

Also the browsers' door for CSP violation reports (public, no session needed).
"""

import datetime as dt
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from access import policy
from accounts.middleware import otp_not_required
from accounts.models import Team
from audit.services import audit_read, filters_used
from cmm.validators import page_number

from . import csp_reports, labels, queries
from .forms import AuditSearchForm
from .models import AuditEvent, CspReport

PAGE_SIZE = 50
REPORT_PAGE_SIZE = 100
SEARCH_FILTERS = ("user", "case_number", "person", "date_from", "date_to")
NUMBERS_SHOWN = 5  # a list page's row names 50 cases; the table shows the first few and a count


def _require_auditor(user) -> None:
    # PolicyMiddleware refuses other roles already; a page about the log never rests on one check.
    if not policy.role_may(user, policy.Action.AUDIT_LOG):
        raise Http404


def _page_number(value) -> int:
    page = page_number(value)
    if page is None:
        raise BadRequest("page")
    return page


def _rows(events: list[AuditEvent], numbers: dict[int, str]) -> list[dict]:
    """What the table shows per row: the case numbers it can name, and the detail in words (audit/labels.py)."""
    teams = dict(
        Team.objects.filter(pk__in=labels.team_ids(event.detail for event in events)).values_list("pk", "name")
    )
    rows = []
    for event in events:
        named = [numbers[case_id] for case_id in event.case_ids if case_id in numbers]
        rows.append(
            {
                "event": event,
                "numbers": named[:NUMBERS_SHOWN],
                "more": len(named) - NUMBERS_SHOWN,
                "detail": labels.detail_parts(event.detail, teams),
            }
        )
    return rows


def search(request):
    """Search the log by staff member, case, person and period; POSTed, so nothing typed reaches a URL."""
    _require_auditor(request.user)
    form = AuditSearchForm(request.POST if request.method == "POST" else None)
    events, searched, page = [], None, 1
    if not form.is_bound or form.is_valid():
        criteria = form.cleaned_data if form.is_bound else {}
        page = _page_number(criteria.get("page"))
        searched = queries.searched_cases(case_number=criteria.get("case_number"), person=criteria.get("person"))
        matching = queries.events_search(
            user=criteria.get("user", ""),
            case_ids=None if searched is None else [case.pk for case in searched],
            date_from=criteria.get("date_from"),
            date_to=criteria.get("date_to"),
        )
        start = (page - 1) * PAGE_SIZE
        events = list(matching[start : start + PAGE_SIZE + 1])
    # The auditor's own look-ups are logged too: the filters used (never what was typed) and the cases.
    used = filters_used(request.POST, SEARCH_FILTERS) if form.is_bound else []
    audit_read(
        request,
        action=AuditEvent.Action.SEARCH if used else AuditEvent.Action.LIST,
        purpose=AuditEvent.Purpose.AUDIT,
        what="audit_log_search",
        cases=searched or (),
        detail={"filters": used, "page": page},
    )
    shown = events[:PAGE_SIZE]
    return render(
        request,
        "audit/auditevent_search.html",
        {
            "form": form,
            "rows": _rows(shown, queries.case_numbers(shown)),
            "page": page,
            "has_next": len(events) > PAGE_SIZE,
            "filter_values": [(name, request.POST.get(name)) for name in used],
            "show_staff": True,
            "chain_heads": queries.chain_heads_recent(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def person_report(request, number):
    """Who looked at the data of the person this case is about, in all their cases (GDPR art. 15).

    Staff are shown by agency and role; their names only on request, which the audit row records.
    """
    _require_auditor(request.user)
    cases = queries.person_cases(number)
    if not cases:
        raise Http404
    show_staff = request.GET.get("staff") == "1"
    page = _page_number(request.GET.get("page"))
    start = (page - 1) * REPORT_PAGE_SIZE
    matching = queries.events_search(case_ids=[case.pk for case in cases])
    events = list(matching[start : start + REPORT_PAGE_SIZE + 1])
    audit_read(
        request,
        purpose=AuditEvent.Purpose.AUDIT,
        what="access_report",
        cases=cases,
        detail={"staff_names": show_staff, "page": page},
    )
    return render(
        request,
        "audit/auditevent_person_report.html",
        {
            "number": queries.case_number_clean(number),
            "cases": cases,
            "rows": _rows(events[:REPORT_PAGE_SIZE], {case.pk: case.number for case in cases}),
            "page": page,
            "has_next": len(events) > REPORT_PAGE_SIZE,
            "show_staff": show_staff,
        },
    )


@csrf_exempt  # the browser sends reports without a token, and they change nothing but a count
@login_not_required
@otp_not_required
@require_POST
def csp_report(request):
    """A browser's report of a Content Security Policy violation: counted, 204; never more than a bounded body."""
    if request.content_type not in csp_reports.CONTENT_TYPES:
        return HttpResponse(status=415)
    limit = settings.CSP_REPORT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return HttpResponse(status=413)
    body = request.read(limit + 1)  # a body longer than it declared is cut here, not read to its end
    if len(body) > limit:
        return HttpResponse(status=413)
    try:
        data = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    csp_reports.csp_reports_record(csp_reports.violations_from(data))
    return HttpResponse(status=204)


@require_safe
def csp_report_list(request):
    """The browsers' CSP violation counts of the last 30 days, for the system administrator (no case data)."""
    since = timezone.localdate() - dt.timedelta(days=30)
    reports = CspReport.objects.filter(day__gte=since).order_by("-day", "-count")[:500]
    return render(request, "audit/cspreport_list.html", {"reports": reports, "since": since})
