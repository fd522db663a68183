"""From a positive assessment to a closed case, through support and prepared repatriation, in the browser.

One test per competent authority, sharing one walk (`walk_to_closure`):
- CMM (legal residence): the CMM contact person does everything, support and exit alike;
- DIS (no legal residence): the CMM contact person records the support, makes the action plan and shares the case
  with the IOM on the person's consent; the DIS caseworker runs the prepared repatriation and closes the case.

On the way: a support service recorded and accepted, an action plan with a review date printed as a PDF, the offer
of prepared repatriation accepted, a reintegration plan with a support item, the consented share with the IOM,
the return, a follow-up report with a PNG written by the IOM officer in their own browser, the caseworker reading
it on the timeline and downloading the attachment, and the early closure: refused without a reason, then closed
with one. Each step is taken by clicking what the user clicks and checked by what the user reads: the message in
words, the stage indicator's `data-stage`, the sections' contents. Every page is checked with axe-core at 1366 and
390 px and photographed as /tmp/e2e-shots/e2e-support_and_exit-*.png (forms the two cases share are checked in the
CMM case, the case pages in both).
"""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django.utils.formats import get_format
from playwright.sync_api import expect

from accounts.models import Agency, Role
from cases.codes import ResidenceStatus
from cases.deadlines import follow_up_last_day, reintegration_last_day
from cases.models import Case, Deadline
from repatriation.models import FollowUpAttachment
from tests.factories import TeamFactory, UserFactory
from tests.repatriation.helpers import png
from tests.states import identified_case

from .helpers import Browser, local_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Scenario:
    residence: str
    exit_user: str  # the fixture of who runs the exit: the competent authority's caseworker
    given_name: str
    family_name: str
    check_forms: bool  # the forms are the same for both: axe looks at them once, in the CMM case


CMM = Scenario(ResidenceStatus.LEGAL_RESIDENCE, "cmm_worker", "Ioana", "Popescu", check_forms=True)
DIS = Scenario(ResidenceStatus.NO_LEGAL_RESIDENCE, "dis_worker", "Blessing", "Okoro", check_forms=False)


def optional(label: str) -> re.Pattern:
    """An optional field's label, which reads "<label> (valgfri)"."""
    return re.compile(f"^{re.escape(label)} \\(valgfri\\)$")


def shots(window: Browser) -> Browser:
    """The screenshots of this walk are /tmp/e2e-shots/e2e-support_and_exit-*.png."""
    window.prefix = f"e2e-{window.prefix}"
    return window


def day(value: dt.date) -> str:
    return local_text(value, get_format("DATE_FORMAT", lang="da"))


@pytest.mark.parametrize("scenario", [CMM, DIS], ids=["cmm-legal-residence", "dis-no-legal-residence"])
def test_support_and_exit(ui, open_ui, scenario, cmm_worker, dis_worker, request, tmp_path):
    exit_user = request.getfixturevalue(scenario.exit_user)
    iom_team = TeamFactory(agency=Agency.IOM, name="IOM Danmark")
    iom = UserFactory(username="iom", first_name="Ivan", agency=Agency.IOM, role=Role.IOM_OFFICER, team=iom_team)
    # A positive assessment by the competent authority; the CMM contact person referred the person.
    case = identified_case(
        cmm_worker,
        exit_user,
        residence_status=scenario.residence,
        person={"given_name": scenario.given_name, "family_name": scenario.family_name, "nationalities": ["NG"]},
    )
    assert case.contact_person == cmm_worker
    assert case.competent_authority == (Agency.CMM if scenario is CMM else Agency.DIS)
    walk_to_closure(ui, open_ui, scenario, case.number, cmm_worker, exit_user, iom, tmp_path)

    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.exit_reason, case.exit_on) == (
        Case.Status.CLOSED,
        Case.ExitReason.PREPARED_REPATRIATION,
        timezone.localdate(),
    )
    assert not case.deadlines.filter(status__in=[Deadline.Status.OPEN, Deadline.Status.MISSED]).exists()


def walk_to_closure(ui: Browser, open_ui, scenario: Scenario, number: str, contact, exit_user, iom, tmp_path):
    today = timezone.localdate()
    review = today + dt.timedelta(days=21)
    departure = today
    case_url = ui.url(f"/sager/{number}/")

    def check_form(window: Browser, name: str) -> None:
        if scenario.check_forms:
            window.check(name)

    def confirmed(window: Browser, name: str, *, consequence: str, button: str, message: str, stage: str) -> None:
        """The confirmation page says what follows; confirmed, the case page says what happened, at its new stage."""
        expect(window.page.get_by_test_id("confirm-consequence")).to_contain_text(consequence)
        check_form(window, name)
        window.page.get_by_role("button", name=button).click()
        expect(window.page).to_have_url(case_url)
        expect(window.page.get_by_role("status")).to_contain_text(message)
        expect(window.page.get_by_test_id("case-stage")).to_have_attribute("data-stage", stage)

    # The contact person opens the case from the case list.
    shots(ui)
    page = ui.page
    ui.login(contact)
    page.get_by_role("navigation", name="Hovedmenu").first.get_by_role("link", name="Sager", exact=True).click()
    page.locator("#case-rows").get_by_role("link", name=number).click()
    expect(page).to_have_url(case_url)
    stage = page.get_by_test_id("case-stage")
    expect(stage).to_have_attribute("data-stage", "identification")
    expect(page.get_by_test_id("case-contact-person")).to_have_text(str(contact))
    ui.check("case-identified")

    # A support service, recorded as offered and then accepted.
    page.get_by_role("link", name="Registrér støtte", exact=True).click()
    check_form(ui, "support-service-form")
    page.get_by_label("Støtte", exact=True).select_option(label="Psykologbistand")
    page.get_by_label("Udbyder").fill("Psykologhuset Nord")
    page.get_by_role("radio", name="Tilbudt").check()
    page.get_by_role("button", name="Registrér støtte").click()
    expect(page).to_have_url(case_url)
    expect(page.get_by_role("status")).to_contain_text(
        f"Psykologbistand hos Psykologhuset Nord er registreret som tilbudt fra {day(today)}."
    )
    service = page.get_by_test_id("support-service").filter(has_text="Psykologhuset Nord")
    expect(service).to_contain_text("Tilbudt")
    service.get_by_role("link", name="Ændr").click()
    check_form(ui, "support-service-update-form")
    page.get_by_role("radio", name="Accepteret").check()
    page.get_by_role("button", name="Gem ændringen").click()
    expect(page).to_have_url(case_url)
    expect(page.get_by_role("status")).to_contain_text("Psykologbistand er nu accepteret.")
    expect(service).to_contain_text("Accepteret")
    expect(stage).to_have_attribute("data-stage", "identification")

    # The action plan, with one review date, which becomes a deadline on the case.
    page.get_by_role("link", name="Lav handlingsplan").click()
    check_form(ui, "action-plan-form")
    page.get_by_label("Udarbejdet sammen med personen", exact=True).check()
    page.get_by_label(optional("Mål 1")).fill("Komme i gang med behandling")
    page.get_by_label(optional("Aktivitet 1")).fill("Samtaler hos psykologen hver uge")
    page.get_by_label(optional("Ansvarlig for aktivitet 1")).fill("Kontaktpersonen")
    page.get_by_label(optional("Opfølgningsdato 1")).fill(review.isoformat())
    page.get_by_role("button", name="Gem ny udgave").click()
    expect(page).to_have_url(case_url)
    expect(page.get_by_role("status")).to_contain_text(
        f"Udgave 1 af handlingsplanen er gemt med 1 opfølgningsdato(er), første {day(review)}."
    )
    expect(page.get_by_test_id("action-plan-summary")).to_contain_text("Komme i gang med behandling")
    expect(page.get_by_test_id("action-plan-next-review")).to_have_text(day(review))
    deadlines = page.get_by_role("region", name="Frister")
    expect(deadlines.get_by_role("listitem").filter(has_text=f"sidste dag {day(review)}")).to_have_count(1)
    ui.check("case-plan")

    # Its PDF, printed from the plan's page.
    page.get_by_role("link", name="Se planen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Handlingsplan, udgave 1")
    check_form(ui, "action-plan-version")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Udskriv på dansk (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"handlingsplan-{number}-v1.pdf"
    assert download.path().read_bytes().startswith(b"%PDF-")
    page.get_by_role("link", name=number).click()
    expect(page).to_have_url(case_url)

    # The competent authority's caseworker offers prepared repatriation, and the person accepts it.
    if exit_user == contact:
        caseworker = ui
    else:
        caseworker = shots(open_ui("dis"))
        caseworker.login(exit_user)
        caseworker.goto(f"/sager/{number}/")
    work = caseworker.page
    stage = work.get_by_test_id("case-stage")
    repatriation = work.get_by_test_id("repatriation-section")
    expect(repatriation).to_contain_text("Forberedt hjemrejse er ikke tilbudt.")
    if exit_user != contact:
        caseworker.check("case-dis-caseworker")
    work.get_by_role("link", name="Tilbyd forberedt hjemrejse").click()
    expect(work.get_by_label("Tilbudt den")).to_have_value(today.isoformat())
    check_form(caseworker, "offer-form")
    work.get_by_role("button", name="Registrér tilbud").click()
    expect(work).to_have_url(case_url)
    expect(work.get_by_role("status")).to_contain_text(
        f"Forberedt hjemrejse er tilbudt {day(today)}. Registrér personens svar, når det foreligger."
    )
    expect(repatriation).to_contain_text(day(today))

    work.get_by_role("link", name="Registrér svar på tilbud").click()
    check_form(caseworker, "decision-form")
    work.get_by_role("radio", name="Tager imod forberedt hjemrejse").check()
    work.get_by_label("Svaret givet den").fill(today.isoformat())
    work.get_by_label("Personens begrundelse").fill("Vil gerne hjem til sin mor.")
    work.get_by_role("button", name="Registrér svar").click()
    expect(work.get_by_role("status")).to_contain_text(
        f"Personen har taget imod forberedt hjemrejse {day(today)}. Lav nu reintegrationsplanen."
    )
    expect(work.get_by_test_id("repatriation-answer")).to_contain_text(day(today))
    expect(repatriation).to_contain_text("Vil gerne hjem til sin mor.")
    expect(stage).to_have_attribute("data-stage", "exit")
    caseworker.check("case-accepted")

    # The reintegration plan and one support item.
    work.get_by_role("link", name="Reintegrationsplan", exact=True).click()
    check_form(caseworker, "reintegration-plan-form")
    plan = "Bolig i Benin City og hjælp til at starte en syforretning."
    work.get_by_label("Individuel reintegrationsplan").fill(plan)
    work.get_by_label("Destinationsland").select_option(label="Nigeria")
    work.get_by_label("Planlagt udrejse").fill(departure.isoformat())
    work.get_by_role("button", name="Gem reintegrationsplan").click()
    expect(work.get_by_role("status")).to_contain_text(
        f"Reintegrationsplanen er gemt: udrejse til Nigeria planlagt {day(departure)}."
    )
    expect(repatriation).to_contain_text("Nigeria")
    expect(repatriation).to_contain_text("Bolig i Benin City")

    work.get_by_role("link", name="Registrér reintegrationsstøtte").click()
    check_form(caseworker, "reintegration-support-form")
    work.get_by_label("Støtte", exact=True).select_option(label="Bolig")
    work.get_by_label("Beløb").fill("1250,50")
    work.get_by_label("Valuta").fill("eur")
    work.get_by_role("button", name="Registrér støtte").click()
    expect(work.get_by_role("status")).to_contain_text("Støtten er registreret: Bolig, 1250,50 EUR.")
    expect(work.get_by_test_id("support-items")).to_contain_text("Bolig: 1250,50 EUR")

    # The person consents to sharing the case with the IOM: the contact person shares it.
    ui.goto(f"/sager/{number}/")
    page.get_by_role("link", name="Del med organisation").click()
    check_form(ui, "share-form")
    until = today + dt.timedelta(days=365)
    page.get_by_label("Organisation").select_option(label="IOM Danmark (IOM)")
    page.get_by_role("radio", name="Forberedt hjemrejse").check()
    expect(page.get_by_label("Samtykke givet")).to_have_value(today.isoformat())
    page.get_by_label("Samtykket gælder til og med").fill(until.isoformat())
    page.get_by_role("button", name="Del sagen").click()
    expect(page).to_have_url(case_url)
    expect(page.get_by_role("status")).to_contain_text(
        f"Sagen er delt med IOM Danmark til og med {day(until)} til formålet “Forberedt hjemrejse”."
    )
    expect(page.get_by_role("region", name="Deling og overdragelse")).to_contain_text("IOM Danmark")

    # The return, after a confirmation that names both periods it starts.
    support_end, follow_up_end = reintegration_last_day(today), follow_up_last_day(today)
    caseworker.goto(f"/sager/{number}/")
    work.get_by_role("link", name="Registrér hjemrejse").click()
    check_form(caseworker, "return-form")
    work.get_by_label("Hjemrejst den").fill(today.isoformat())
    work.get_by_role("button", name="Registrér hjemrejse").click()
    confirmed(
        caseworker,
        "return-confirm",
        consequence=f"Reintegrationsstøtten løber til og med {day(support_end)}, og opfølgningen til og med "
        f"{day(follow_up_end)}.",
        button="Ja, registrér hjemrejsen",
        message=f"Hjemrejsen {day(today)} er registreret.",
        stage="reintegration",
    )
    expect(work.get_by_test_id("case-status")).to_have_text("Hjemrejst: reintegration og opfølgning")
    expect(work.get_by_test_id("returned-on")).to_have_text(day(today))
    # The plan's reviews followed support in Denmark: the return ended them, the follow-up reports take over.
    expect(work.get_by_test_id("case-next-deadline")).not_to_contain_text("handlingsplanen")
    expect(work.get_by_test_id("reintegration-end")).to_have_text(day(support_end))
    expect(work.get_by_test_id("follow-up-end")).to_have_text(day(follow_up_end))
    expect(work.get_by_test_id("follow-up-reports")).to_contain_text("Ingen opfølgningsrapporter endnu.")
    caseworker.check("case-returned")

    # The IOM officer, in their own browser, writes a follow-up report with a photograph.
    officer = shots(open_ui("iom"))
    officer.login(iom)
    iom_page = officer.page
    iom_page.get_by_role("navigation", name="Hovedmenu").first.get_by_role("link", name="Sager", exact=True).click()
    iom_page.locator("#case-rows").get_by_role("link", name=number).click()
    expect(iom_page).to_have_url(case_url)
    expect(iom_page.get_by_test_id("own-share")).to_contain_text(f"Delt med IOM Danmark til og med {day(until)}")
    expect(iom_page.get_by_test_id("reintegration-end")).to_have_text(day(support_end))
    # Only what the repatriation needs: not the assessment's reasons, not the other support services.
    expect(iom_page.locator("main")).not_to_contain_text("Indikatorer og samtale.")
    expect(iom_page.locator("main")).not_to_contain_text("Psykologhuset Nord")
    expect(iom_page.get_by_role("heading", name="Henvisning")).to_have_count(0)
    officer.check("case-iom")
    iom_page.get_by_role("link", name="Skriv opfølgningsrapport").click()
    expect(iom_page.get_by_role("heading", level=1)).to_have_text("Skriv opfølgningsrapport")
    check_form(officer, "report-form")
    photo = tmp_path / "ny-bolig.png"
    photo.write_bytes(png())
    iom_page.get_by_label("Rapport", exact=True).fill("Har fået lejlighed og er begyndt på syforretningen.")
    iom_page.get_by_label("Bilag").set_input_files(str(photo))
    iom_page.get_by_role("button", name="Gem rapport").click()
    expect(iom_page).to_have_url(ui.url(f"/sager/{number}/opfoelgning/"))
    expect(iom_page.get_by_role("status")).to_contain_text("Opfølgningsrapporten er gemt med 1 bilag.")
    report = iom_page.get_by_test_id("follow-up-report")
    expect(report).to_contain_text("begyndt på syforretningen")
    expect(report.get_by_test_id("attachment-link")).to_contain_text("Bilag 1 (PNG")
    check_form(officer, "reports-iom")

    # The caseworker sees the report on the case's timeline and downloads the photograph.
    caseworker.goto(f"/sager/{number}/")
    entry = work.get_by_role("region", name="Tidslinje").get_by_role("listitem").first
    expect(entry).to_contain_text("Opfølgningsrapport tilføjet")
    expect(entry).to_contain_text("begyndt på syforretningen")
    expect(work.get_by_test_id("follow-up-reports")).to_contain_text(f"1 opfølgningsrapport, senest {day(today)}.")
    caseworker.check("case-report")
    with work.expect_download() as download_info:
        entry.get_by_test_id("timeline-attachment").click()
    download = download_info.value
    assert download.suggested_filename == f"opfoelgning-{today:%Y-%m-%d}-1.png"
    assert download.path().read_bytes() == FollowUpAttachment.objects.get().content
    assert download.path().read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    # Closing: the follow-up has not ended, so a closing without a reason is refused, beside the field.
    work.get_by_role("link", name="Afslut sagen").click()
    expect(work.locator("main")).to_contain_text(
        f"Personen følges op til og med {day(follow_up_end)}. Sagen kan afsluttes før, men kun med en begrundelse."
    )
    check_form(caseworker, "close-form")
    work.get_by_role("radio", name="Forberedt hjemrejse").check()
    work.get_by_role("button", name="Fortsæt").click()
    reason = work.get_by_label("Begrundelse for at afslutte før opfølgningen slutter")
    expect(work.locator("#id_exit_note_error")).to_contain_text(
        f"Opfølgningen efter hjemrejsen slutter først {day(follow_up_end)}. "
        "Skriv begrundelsen for at afslutte sagen før."
    )
    check_form(caseworker, "close-refused")
    assert Case.objects.get(number=number).status == Case.Status.RETURNED
    reason.fill("Personen er flyttet til et andet land, og IOM kan ikke følge op.")
    work.get_by_role("button", name="Fortsæt").click()
    confirmed(
        caseworker,
        "close-confirm",
        consequence="Sagen afsluttes, og det kan ikke fortrydes her. Sagens 2 åbne frister lukkes:",
        button="Ja, afslut sagen",
        message=f"Sagen er afsluttet: Forberedt hjemrejse, {day(today)}.",
        stage="closed",
    )
    expect(work.get_by_test_id("case-status")).to_have_text("Afsluttet")
    expect(work.get_by_test_id("case-exit")).to_contain_text("Personen er flyttet til et andet land")
    expect(work.get_by_test_id("case-next-deadline")).to_have_text("Ingen")
    caseworker.check("case-closed")
