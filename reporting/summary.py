"""The case summary as a PDF for the case's own caseworkers (issue 10): WeasyPrint, A4, PDF/UA.

The summary is the case page on paper: it is built from the page's own query (cases.queries.case_detail), and
the user's field set redacts it with the page's own functions (access.fieldsets.fields_for and redact), so it
shows what the case page shows that user and nothing more. Every page's margin says who printed it and when,
the case number and "Side 1 af 3". The person's name is in the body only: not in the file's name, and not in
the document's title, which file managers, print queues and desktop search show.
"""

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from access import fieldsets, policy
from audit.models import AuditEvent
from audit.services import audit_read
from cases import queries as case_queries
from cases import stages
from cases.codes import ExploitationForm, MeansOfControl, labels
from cases.models import Deadline
from support import queries as support_queries
from support.pdf import attachment, css_string, language_of, page_counter_css

# Tagged PDF with the document's language and title, for screen readers (PDF/UA-1, WeasyPrint 59 and later).
PDF_VARIANT = "pdf/ua-1"
FILENAMES = {"da": "sagsresume-{number}.pdf", "en": "case-summary-{number}.pdf"}


def filename(case, language: str) -> str:
    """The attachment's name: the case number only, never the person's name."""
    return FILENAMES[language].format(number=case.number)


def printed_by(user) -> str:
    return user.get_full_name() or user.get_username()


def summary_context(user, case, *, language: str, now) -> dict:
    """What the summary shows: the case redacted by the user's field set, as the case page redacts it.

    Reads only what the case page's query brought along (no query of its own).
    """
    fields = fieldsets.fields_for(user, case)
    stages.overview_prepare(case)  # before the redaction, as on the case page: the minor's tag reads the birth date
    fieldsets.redact(case, fields)
    deadlines = [
        deadline
        for deadline in case.deadlines.all()
        if fields.shows_deadline(deadline.kind) and deadline.status != Deadline.Status.CANCELLED
    ]
    printed = _("Udskrevet af %(name)s, %(time)s") % {
        "name": printed_by(user),
        "time": date_format(timezone.localtime(now), "DATETIME_FORMAT"),
    }
    return {
        "language": language,
        "title": _("Sagsresumé %(number)s") % {"number": case.number},
        "case": case,
        "fields": fields.tree(),
        "margin_case": css_string(_("Sag %(number)s") % {"number": case.number}),
        "margin_printed": css_string(printed),
        "margin_confidential": css_string(_("Fortroligt: personoplysninger")),
        "margin_pages": page_counter_css(_("Side {page} af {pages}")),
        "overview": stages.overview(case, deadlines, exit_prepared=case.exit_prepared),
        "deadlines": deadlines,
        "exploitation_forms": labels(ExploitationForm, case.referral.exploitation_forms),
        "means_of_control": labels(MeansOfControl, case.referral.means_of_control),
        "support": support_queries.case_page_context(user, case, fields, deadlines),
    }


def case_summary_pdf(*, user, case, language: str, now=None) -> bytes:
    """The summary of `case` as `user` may read it, in `language` ("da" or "en").

    `case` comes from cases.queries.case_detail (the case page's query), and is redacted here.
    """
    from weasyprint import HTML, URLFetcher  # loaded when a summary is printed, not with every page

    with translation.override(language):
        context = summary_context(user, case, language=language, now=now or timezone.now())
        html = render_to_string("reporting/case_summary.html", context)
    # The summary links to nothing: no address in it is fetched (no file read, no request made from the server).
    nothing = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=nothing).write_pdf(pdf_variant=PDF_VARIANT)


def case_summary(request, number):
    """The case summary PDF, in Danish or English (?sprog=en); 404 outside the user's scope, 403 if not theirs."""
    case = case_queries.case_detail(request.user, number)
    reason = policy.refusal(request.user, policy.Action.PRINT_CASE_SUMMARY, case)
    if reason is not None:
        raise PermissionDenied(reason)
    language = language_of(request.GET.get("sprog"))
    document = case_summary_pdf(user=request.user, case=case, language=language)
    audit_read(
        request,
        action=AuditEvent.Action.EXPORT,
        what="case_summary_pdf",
        case=case,
        purpose=case_queries.read_purpose(case),
        detail={"language": language},
    )
    return attachment(document, filename(case, language))
