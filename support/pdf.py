"""The action plan as a PDF for the person and their representative (WeasyPrint, A4).

Every page carries the case number, the print date and "Side 1 af 2" in its margin boxes (CSS @page); the
document's language and title are set. Only what the plan needs is in it: the person's name, the plan, who the
contact person is and the representative's name (support.queries.plan_representative); never an identity
number, an assessment or a residence status.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .queries import plan_representative

LANGUAGES = ("da", "en")


def language_of(value: str | None) -> str:
    """The PDF's language from the print link's choice: Danish unless English is asked for."""
    return value if value in LANGUAGES else "da"


def filename(case, version) -> str:
    """The attachment's name: the case number and the version, never the person's name."""
    return f"handlingsplan-{case.number}-v{version.number}.pdf"


def attachment(document: bytes, name: str) -> HttpResponse:
    """A PDF to download under `name`, kept by no cache on the way (a browser's or a proxy's)."""
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def css_string(text: str) -> str:
    """`text` as a CSS string for a margin box's `content`.

    Every character that could end the string, the declaration or the style element (quotes, a backslash, a line
    break, `<`, `>`, `&`, `;`, braces) is written as a hex escape, so a text from outside (a user's name) is put in
    as text. The escape ends in a space, which CSS takes as its end, so a space after it in the text stays.
    """
    safe = [char if char.isalnum() or char in " .,:-()/'" else f"\\{ord(char):x} " for char in text]
    return '"' + "".join(safe) + '"'


def page_counter_css(text: str) -> str:
    """ "Side {page} af {pages}" as the CSS content of a margin box, with the page counters put in."""
    parts = []
    for piece in text.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def action_plan_pdf(*, case, version, language: str, representative=None, now=None) -> bytes:
    """The PDF of one version of the case's plan, in `language` ("da" or "en").

    `representative` is for tests; by default support.queries.plan_representative(case) decides.
    """
    from weasyprint import HTML  # loaded when a plan is printed, not with every page

    representative = plan_representative(case) if representative is None else representative
    with translation.override(language):
        printed = date_format(timezone.localtime(now or timezone.now()).date(), "DATE_FORMAT")
        context = {
            "language": language,
            "case": case,
            "person_name": case.person.full_name,
            "contact_person": case.contact_person.get_full_name() if case.contact_person else "",
            "representative": str(representative) if representative else "",
            "version": version,
            "title": _("Handlingsplan for %(name)s") % {"name": case.person.full_name},
            "margin_case": css_string(_("Sag %(number)s") % {"number": case.number}),
            "margin_printed": css_string(_("Udskrevet %(day)s") % {"day": printed}),
            "margin_pages": page_counter_css(_("Side {page} af {pages}")),
        }
        html = render_to_string("support/pdf/action_plan.html", context)
    return HTML(string=html).write_pdf()
