"""The case summary PDF, read back: what it holds for whom, its margins on every page, who may print it, the audit."""

import datetime as dt
import io
from decimal import Decimal

import pdfplumber
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override
from pypdf import PdfReader

from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases import lifecycle
from cases import queries as case_queries
from cases.codes import ResidenceStatus
from cases.models import Case
from grants import services as grants
from repatriation import services as repatriation
from reporting import summary
from tests.cases.test_fieldsets import MARKERS as FIELD_MARKERS
from tests.cases.test_fieldsets import marked_case, shared_with_reden_and_iom
from tests.factories import UserFactory, login, make_case
from tests.states import assessed, extended, granted
from tests.support.conftest import record, save_plan

pytestmark = pytest.mark.django_db

# A value per part the case page shows, each findable in the page's HTML and in the PDF's text: the field set
# test's, and the parts the case page shows beyond the API's detail.
MARKERS = {
    **FIELD_MARKERS,
    "support_services": "Udbyder-Reden",
    "action_plan": "Plan-maal-bolig",
    "repatriation.reasons": "Hjem-begrundelse",
    "repatriation.reintegration_plan": "Reintegrations-plantekst",
    "repatriation.support_items.note": "Stoette-note",
}
# What each reader's case page shows of them (access.fieldsets): case work all; a share what its purpose needs.
SHOWN = {
    "caseworker": set(MARKERS),
    "ngo_support": {
        "person.given_name",
        "person.family_name",
        "person.aliases",
        "person.primary_language",
        "person.phone",
        "person.address",
        "representative.name",
        "representative.phone",
        "support_services",
        "action_plan",
    },
    "iom_repatriation": {
        "person.given_name",
        "person.family_name",
        "person.primary_language",
        "person.document_number",
        "person.phone",
        "representative.name",
        "repatriation.reintegration_plan",
        "repatriation.support_items.note",
    },
}
NOW = dt.datetime(2026, 3, 2, 14, 5, tzinfo=dt.UTC)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def world(cmm_worker, dis_worker):
    """A DIS case in its extended period, with support, a plan, a representative, a repatriation and two shares."""
    case = marked_case(cmm_worker, dis_worker)
    record(case, cmm_worker, provider=MARKERS["support_services"])
    save_plan(case, cmm_worker, goals=[MARKERS["action_plan"], *(f"Mål nummer {i}" for i in range(2, 13))])
    today = timezone.localdate()
    case = fresh(case)
    repatriation.repatriation_offer(case=case, actor=dis_worker, expected_version=case.version, offered_on=today)
    case = fresh(case)
    repatriation.repatriation_decide(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        answer="accepted",
        answered_on=today,
        reasons=MARKERS["repatriation.reasons"],
    )
    case = fresh(case)
    repatriation.reintegration_plan_save(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        reintegration_plan=MARKERS["repatriation.reintegration_plan"],
        destination="NG",
    )
    case = fresh(case)
    repatriation.reintegration_support_add(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        kind="housing",
        amount=Decimal("1500.00"),
        currency="EUR",
        note=MARKERS["repatriation.support_items.note"],
    )
    reden, iom = shared_with_reden_and_iom(case, cmm_worker)
    return {
        "case": fresh(case),
        "readers": {
            "caseworker": cmm_worker,
            "ngo_support": UserFactory(username="ngo.reden", agency=Agency.NGO, role=Role.NGO_WORKER, team=reden),
            "iom_repatriation": UserFactory(username="iom.dk", agency=Agency.IOM, role=Role.IOM_OFFICER, team=iom),
        },
    }


def pages_of(document: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(document)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def rendered(user, case, language="da", now=NOW) -> bytes:
    """The summary as `user` would get it, from the case page's own query."""
    return summary.case_summary_pdf(
        user=user, case=case_queries.case_detail(user, case.number), language=language, now=now
    )


def printed_line(user, language, when) -> str:
    with override(language):
        moment = date_format(timezone.localtime(when), "DATETIME_FORMAT")
    start = "Udskrevet af" if language == "da" else "Printed by"
    return f"{start} {user.get_full_name()}, {moment}"


@pytest.mark.parametrize("reader", list(SHOWN))
def test_the_summary_shows_what_the_case_page_shows_the_reader_and_nothing_more(client, world, reader):
    case, user = world["case"], world["readers"][reader]
    login(client, user)
    page = client.get(f"/sager/{case.number}/").content.decode()

    text = "\n".join(pages_of(rendered(user, case)))

    on_page = {part for part, marker in MARKERS.items() if marker in page}
    in_pdf = {part for part, marker in MARKERS.items() if marker in text}
    assert on_page == SHOWN[reader]
    assert in_pdf == on_page


@pytest.mark.parametrize(
    ("language", "words", "page_word", "of"),
    [
        ("da", ["Sagsresumé", "Vurdering", "Frister", "Handlingsplan", "Forberedt hjemrejse"], "Side", "af"),
        ("en", ["Case summary", "Assessment", "Deadlines", "Action plan", "Prepared repatriation"], "Page", "of"),
    ],
)
def test_every_page_names_who_printed_it_when_the_case_and_the_page_in_the_chosen_language(
    world, language, words, page_word, of
):
    case, user = world["case"], world["readers"]["caseworker"]
    document = rendered(user, case, language)

    pages = pages_of(document)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert printed_line(user, language, NOW) in text
        assert f"{page_word} {number} {of} {len(pages)}" in text
        assert case.number in text
    for word in words:
        assert word in "\n".join(pages)
    reader = PdfReader(io.BytesIO(document))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language
    assert reader.metadata.title == ("Sagsresumé " if language == "da" else "Case summary ") + case.number
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged (PDF/UA-1)


def test_a_name_with_markup_is_printed_as_written_in_the_margin(world):
    case, user = world["case"], world["readers"]["caseworker"]
    user.first_name, user.last_name = 'Ann "}', "</style><b>Ø;"
    user.save()

    pages = pages_of(rendered(user, case))

    assert all('Udskrevet af Ann "} </style><b>Ø;,' in text for text in pages)


def test_the_download_is_audited_named_by_the_case_number_and_not_cached(client, world):
    case, user = world["case"], world["readers"]["caseworker"]
    login(client, user)
    before = timezone.now()

    response = client.get(f"/sager/{case.number}/resume.pdf?sprog=en")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="case-summary-{case.number}.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert MARKERS["person.given_name"] not in response["Content-Disposition"]
    row = AuditEvent.objects.get(what="case_summary_pdf")
    assert (row.action, row.actor_id, row.case_ids) == (AuditEvent.Action.EXPORT, user.pk, [case.pk])
    assert row.detail == {"language": "en"}
    first = pages_of(response.content)[0]
    assert printed_line(user, "en", before) in first or printed_line(user, "en", timezone.now()) in first


def test_danish_unless_english_is_asked_for(client, world):
    case, user = world["case"], world["readers"]["caseworker"]
    login(client, user)

    response = client.get(f"/sager/{case.number}/resume.pdf?sprog=fr")

    assert response["Content-Disposition"] == f'attachment; filename="sagsresume-{case.number}.pdf"'
    assert AuditEvent.objects.get(what="case_summary_pdf").detail == {"language": "da"}


def test_a_closed_case_is_printed_with_its_closure(client, cmm_worker, dis_worker):
    case = extended(granted(assessed(make_case(cmm_worker), dis_worker), dis_worker), dis_worker)
    lifecycle.case_close(
        case=fresh(case),
        actor=dis_worker,
        expected_version=fresh(case).version,
        exit_reason=Case.ExitReason.DISAPPEARED,
        exit_on=timezone.localdate(),
        exit_note="Forlod krisecentret",
    )
    login(client, cmm_worker)  # the contact person: CMM's case work goes on after DIS closes

    response = client.get(f"/sager/{case.number}/resume.pdf")

    text = "\n".join(pages_of(response.content))
    assert "Afslutning" in text and "Forsvundet" in text and "Forlod krisecentret" in text


def test_the_case_page_offers_the_summary_to_its_caseworkers_only(client, world):
    case = world["case"]
    for reader, offered in (("caseworker", True), ("ngo_support", False), ("iom_repatriation", False)):
        login(client, world["readers"][reader])
        page = client.get(f"/sager/{case.number}/").content.decode()
        assert (f"/sager/{case.number}/resume.pdf?sprog=en" in page) is offered, reader


def test_an_organisation_with_a_share_may_not_print(client, world):
    case = world["case"]
    for reader in ("ngo_support", "iom_repatriation"):
        login(client, world["readers"][reader])
        assert client.get(f"/sager/{case.number}/resume.pdf").status_code == 403
    assert not AuditEvent.objects.filter(what="case_summary_pdf").exists()


def test_another_agencys_or_teams_user_gets_404_as_for_a_missing_case(client, world, cmm_outsider):
    case = world["case"]
    login(client, cmm_outsider)  # a CMM contact person of another team

    assert client.get(f"/sager/{case.number}/resume.pdf").status_code == 404
    assert client.get("/sager/CMM-2000-9999/resume.pdf").status_code == 404
    assert not AuditEvent.objects.filter(what="case_summary_pdf").exists()
    refused = AuditEvent.objects.filter(actor=cmm_outsider, what="case_lookup", action=AuditEvent.Action.DENIED)
    assert refused.count() == 2


def test_a_case_seen_only_to_decide_a_hand_over_is_not_printed(client, cmm_worker, dis_worker):
    case = make_case(cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)  # CMM competent
    grants.handover_request(case=case, actor=cmm_worker, expected_version=case.version, reason="Asylansøgning indgivet")
    login(client, dis_worker)

    response = client.get(f"/sager/{case.number}/resume.pdf")

    assert response.status_code == 403
    assert "egne sagsbehandlere" in response.content.decode()


def test_break_the_glass_reads_the_case_but_does_not_print_it(client, police, cmm_worker):
    dis_case = make_case(police)  # DIS competent, no CMM team or contact person: outside the coordinator's scope
    coordinator = UserFactory(username="cmm.koord.2", agency=Agency.CMM, role=Role.CMM_COORDINATOR, team=None)
    grants.emergency_access_open(number=dis_case.number, actor=coordinator, reason="Akut: personen er forsvundet i nat")
    login(client, coordinator)

    assert client.get(f"/sager/{dis_case.number}/").status_code == 200
    response = client.get(f"/sager/{dis_case.number}/resume.pdf")

    assert response.status_code == 403 and "Nødadgang" in response.content.decode()


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_download_is_a_fixed_number_of_queries_whatever_the_case_holds(client, world, dis_worker, cmm_worker):
    case = world["case"]
    login(client, cmm_worker)
    url = f"/sager/{case.number}/resume.pdf"
    # The session, the user, the second-factor device, the case with its deadlines and its extensions (three), the
    # read-rate check and the audit row: the case page's, without its timeline.
    few = count(client, url)

    for provider in ("Lægehuset", "Advokaterne", "Sprogskolen"):
        record(case, cmm_worker, type="legal", provider=provider)
    case = extended(fresh(case), dis_worker, 5)
    more = count(client, url)

    assert few == more == 8
