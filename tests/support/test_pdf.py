"""The action plan's PDF, read back: its contents, its language, and the margin boxes on every page."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases import lifecycle
from cases.models import Case, Representative
from support import pdf
from support.queries import plan_representative
from tests.factories import make_case
from tests.states import assessed, granted

from .conftest import save_plan

pytestmark = pytest.mark.django_db


def _long_plan(case, actor):
    today = timezone.localdate()
    return save_plan(
        case,
        actor,
        goals=[f"Mål nummer {i}: at få ro og tryghed i hverdagen" for i in range(1, 13)],
        activities=[
            {"text": f"Aktivitet {i}: samtale med psykolog", "responsible": "Kontaktpersonen", "due_on": today}
            for i in range(1, 16)
        ],
    )


def _render(case, version, language, representative=None) -> PdfReader:
    case = Case.objects.select_related("person", "contact_person").get(pk=case.pk)
    return PdfReader(
        io.BytesIO(pdf.action_plan_pdf(case=case, version=version, language=language, representative=representative))
    )


@pytest.mark.parametrize(
    ("language", "words", "page_word", "of"),
    [
        ("da", ["Individuel handlingsplan", "Mål", "Aktiviteter", "Ansvarlig", "Opfølgningsdatoer"], "Side", "af"),
        ("en", ["Individual action plan", "Goals", "Activities", "Responsible", "Review dates"], "Page", "of"),
    ],
)
def test_the_pdf_holds_the_plan_in_its_language_with_page_numbers_and_case_number_on_every_page(
    case, cmm_worker, language, words, page_word, of
):
    version = _long_plan(case, cmm_worker)
    reader = _render(case, version, language)

    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"{page_word} {number} {of} {len(pages)}" in text
        assert case.number in text
    text = "\n".join(pages)
    for word in words:
        assert word in text
    assert "Ada Testesen" in text and "Mål nummer 12" in text and "Kontaktpersonen" in text
    assert str(cmm_worker.get_full_name()) in text  # the contact person
    assert reader.metadata.title.startswith("Handlingsplan for" if language == "da" else "Action plan for")
    assert reader.trailer["/Root"]["/Lang"] == language


def test_the_pdf_holds_no_data_the_plan_does_not_need(cmm_worker, dis_worker):
    referred = make_case(cmm_worker, person={"document_number": "P1234567", "notes": "Frygter sin arbejdsgiver"})
    case = granted(assessed(referred, dis_worker), dis_worker)
    version = save_plan(case, cmm_worker)
    text = "\n".join(page.extract_text() for page in _render(case, version, "da").pages)
    for unneeded in ("P1234567", "Frygter", "Indikatorer og samtale", "ophold", "Udlændingestyrelsen"):
        assert unneeded.lower() not in text.lower()


def test_an_adults_plan_names_no_representative(case, cmm_worker):
    version = save_plan(case, cmm_worker)
    text = "\n".join(page.extract_text() for page in _render(case, version, "da").pages)
    assert plan_representative(case) is None
    assert "Repræsentant" not in text


def test_a_minors_plan_names_the_current_representative(cmm_worker, dis_worker):
    minor = assessed(make_case(dis_worker, unaccompanied=True, age_estimate=15), dis_worker)
    for name in ("Første Værge", "Bente Værge"):  # a new representative ends the previous one
        minor = Case.objects.get(pk=minor.pk)
        lifecycle.representative_record(
            case=minor,
            actor=dis_worker,
            expected_version=minor.version,
            kind=Representative.Kind.PERSONAL_REPRESENTATIVE,
            name=name,
            appointed_on=timezone.localdate(),
        )
    case = granted(Case.objects.get(pk=minor.pk), dis_worker)
    version = save_plan(case, dis_worker, made_with_representative=True)

    text = "\n".join(page.extract_text() for page in _render(case, version, "da").pages)

    assert "Repræsentant" in text and "Bente Værge" in text
    assert "Første Værge" not in text
