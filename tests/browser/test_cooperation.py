"""Working across organisations in the browser: consented shares, break-the-glass, hand-overs, police referrals.

Most tests play two people in two browser windows (two browser contexts, each logged in with both
factors through the real pages). Every new page is checked with axe-core and for console errors, and
photographed under /tmp/e2e-shots/.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.formats import get_format
from playwright.sync_api import expect

from access import policy
from accounts.models import Agency, Role
from audit.models import AuditEvent
from cases.codes import ResidenceStatus
from cases.models import Case, CaseEvent
from grants.models import EmergencyAccess, Handover, Share
from tests.factories import TeamFactory, UserFactory, make_case

from .helpers import local_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def main_menu(page):
    """The main menu in the header (the phone drawer holds a copy, which may count as shown while the page loads)."""
    return page.get_by_role("navigation", name="Hovedmenu").first


def menu_labels(page) -> list[str]:
    return main_menu(page).get_by_role("link").all_inner_texts()


def test_a_case_shared_on_consent_is_seen_by_the_ngo_until_the_consent_is_withdrawn(ui, open_ui, cmm_worker):
    reden = TeamFactory(agency=Agency.NGO, name="Reden")
    TeamFactory(agency=Agency.IOM, name="IOM København")  # a second organisation, so there is a choice
    korshaer = TeamFactory(agency=Agency.NGO, name="Kirkens Korshær")
    ngo_worker = UserFactory(
        username="reden.medarbejder", first_name="Nora", agency=Agency.NGO, role=Role.NGO_WORKER, team=reden
    )
    case = make_case(
        cmm_worker,
        person={"given_name": "Ioana", "family_name": "Popescu"},
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
    )
    today = timezone.localdate()
    # An earlier consent, to another organisation, that has run out.
    Share.objects.create(
        case=case,
        team=korshaer,
        scope=Share.Scope.SUPPORT,
        consent_given_on=today - dt.timedelta(days=100),
        expires_on=today - dt.timedelta(days=10),
        recorded_by=cmm_worker,
        recorded_at=timezone.now() - dt.timedelta(days=100),
    )
    page = ui.page
    ui.login(cmm_worker)
    ui.goto(f"/sager/{case.number}/")
    sharing = page.get_by_role("region", name="Deling og overdragelse")
    lapsed = sharing.get_by_role("listitem").filter(has_text="Kirkens Korshær")
    expect(lapsed).to_contain_text(
        f"samtykket gjaldt til og med {local_text(today - dt.timedelta(days=10), 'j. F Y')} og er udløbet"
    )
    expect(lapsed.get_by_role("button")).to_have_count(0)
    page.get_by_role("link", name="Del med organisation").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/deling/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Del sagen med en organisation")
    expect(page.get_by_label("Samtykke givet")).to_have_value(today.isoformat())
    # No organisation is chosen for the user; each is named by its own name first.
    organisation = page.get_by_label("Organisation")
    expect(organisation).to_have_value("")
    expect(organisation.locator("option")).to_have_text(
        ["Vælg organisation", "IOM København (IOM)", "Kirkens Korshær (NGO)", "Reden (NGO)"]
    )
    ui.check("share-form")

    # The consent runs out before it was given: refused beside the field, everything typed kept.
    organisation.select_option(label="Reden (NGO)")
    page.get_by_role("radio", name="Forberedt hjemrejse").check()
    given, expires = today - dt.timedelta(days=3), today - dt.timedelta(days=10)
    page.get_by_label("Samtykke givet").fill(given.isoformat())
    page.get_by_label("Samtykket gælder til og med").fill(expires.isoformat())
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Del sagen").click()
    assert posted.value.status == 400
    refusal = "Samtykket kan ikke udløbe, før det er givet."
    expect(page.locator("#group-expires_on .form-error-message")).to_have_text(f"Fejl: {refusal}")
    expect(page.get_by_label("Samtykket gælder til og med")).to_have_accessible_description(
        re.compile(re.escape(refusal))
    )
    expect(page.locator(".form-error-message")).to_have_count(1)
    expect(page.get_by_role("alert")).to_be_focused()
    expect(organisation).to_have_value(str(reden.pk))
    expect(page.get_by_role("radio", name="Forberedt hjemrejse")).to_be_checked()
    expect(page.get_by_label("Samtykke givet")).to_have_value(given.isoformat())
    expect(page.get_by_label("Samtykket gælder til og med")).to_have_value(expires.isoformat())
    ui.check("share-refused")
    assert not Share.objects.filter(team=reden).exists()

    # Corrected: shared for support, with consent until three months from now.
    until = today + dt.timedelta(days=90)
    page.get_by_role("radio", name="Støtte og bistand").check()
    page.get_by_label("Samtykke givet").fill(today.isoformat())
    page.get_by_label("Samtykket gælder til og med").fill(until.isoformat())
    page.get_by_role("button", name="Del sagen").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Sagen er delt med Reden til og med {local_text(until, 'j. F Y')}"
    )
    share = sharing.get_by_role("listitem").filter(has_text="Reden")
    expect(share).to_contain_text("Støtte og bistand")
    expect(share).to_contain_text(
        f"samtykke givet {local_text(today, 'j. F Y')}, gælder til og med {local_text(until, 'j. F Y')}"
    )
    timeline = page.get_by_role("region", name="Tidslinje").get_by_role("listitem")
    expect(timeline.first).to_contain_text("Delt med organisation")
    ui.check("case-shared")

    # The NGO worker now finds the case in their list and can open it.
    ngo = open_ui("ngo")
    ngo.login(ngo_worker)
    main_menu(ngo.page).get_by_role("link", name="Sager", exact=True).click()
    rows = ngo.page.locator("#case-rows")
    expect(rows.get_by_role("link")).to_have_count(1)
    ngo.check("ngo-case-list")
    rows.get_by_role("link", name=case.number).click()
    expect(ngo.page.get_by_role("heading", level=1)).to_have_text(f"{case.number}: Ioana Popescu")
    # The organisation reads the case; the case work stays with CMM.
    expect(ngo.page.locator("main .actions")).to_have_count(0)
    ngo.check("ngo-case")

    # The person withdraws their consent: the contact person stops the share on the case page.
    share.get_by_role("link", name="Samtykket er tilbagekaldt: stop delingen (Reden)").click()
    page.get_by_role("button", name="Ja, stop delingen med Reden").click()
    expect(page.get_by_role("status")).to_have_text(
        "Delingen med Reden er stoppet: organisationen har ikke længere adgang til sagen."
    )
    expect(share).to_contain_text(f"samtykke tilbagekaldt {local_text(today, 'j. F Y')}")
    expect(share.get_by_role("link")).to_have_count(0)
    expect(timeline.first).to_contain_text("Deling tilbagekaldt")
    ui.check("case-share-withdrawn")

    # The NGO worker's next request for the case is refused: the organisation's access has ended.
    assert ngo.goto(f"/sager/{case.number}/").status == 404
    expect(ngo.page.get_by_role("heading", level=1)).to_have_text("Adgangen til sagen er ophørt")
    ngo.goto("/sager/")
    expect(ngo.page.locator("#case-rows").get_by_role("link", name=case.number)).to_have_count(0)
    withdrawn = Share.objects.get(team=reden)
    assert (withdrawn.team, withdrawn.scope, withdrawn.withdrawn_by) == (reden, Share.Scope.SUPPORT, cmm_worker)
    assert not policy.visible_cases(ngo_worker).exists()


def test_break_the_glass_opens_a_case_for_hours_and_the_auditor_reviews_it(ui, open_ui, coordinator, dis_worker):
    # DIS registered the case and is its competent authority: outside every CMM scope.
    case = make_case(dis_worker, person={"given_name": "Amina", "family_name": "Okafor"})
    auditor = UserFactory(username="revisor", first_name="Rasmus", agency="", role=Role.DP_AUDITOR, team=None)
    page = ui.page
    ui.login(coordinator)
    assert ui.goto(f"/sager/{case.number}/").status == 404

    main_menu(page).get_by_role("link", name="Nødadgang").click()
    expect(page).to_have_url(ui.url("/noedadgang/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nødadgang til en sag")
    menu = main_menu(page)
    expect(menu.get_by_role("link", name="Nødadgang", exact=True)).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="Sager", exact=True)).not_to_have_attribute("aria-current", re.compile(".*"))
    ui.check("break-the-glass-form")

    # Too short a reason: refused beside the field, the number kept.
    page.get_by_label("Sagsnummer").fill(case.number)
    page.get_by_label("Begrundelse").fill("Haster")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Åbn sagen").click()
    assert posted.value.status == 400
    refusal = "Begrund nødadgangen (mindst 20 tegn)."
    expect(page.locator("#group-reason .form-error-message")).to_have_text(f"Fejl: {refusal}")
    expect(page.get_by_label("Begrundelse")).to_have_accessible_description(re.compile(re.escape(refusal)))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Sagsnummer")).to_have_value(case.number)
    expect(page.get_by_label("Begrundelse")).to_have_value("Haster")
    ui.check("break-the-glass-refused")
    assert not EmergencyAccess.objects.exists()

    reason = "Personen er indlagt akut og politiet spørger efter tolkesprog."
    page.get_by_label("Begrundelse").fill(reason)
    page.get_by_role("button", name="Åbn sagen").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{case.number}: Amina Okafor")
    message = f"Nødadgang er givet i {settings.BREAK_THE_GLASS_HOURS} timer. Adgangen er logget og vises for revisor."
    expect(page.locator("main .alert").first).to_have_text(message)
    ui.check("case-under-emergency-access")
    emergency = EmergencyAccess.objects.get()
    assert (emergency.user, emergency.reason, emergency.case_id) == (coordinator, reason, case.pk)
    assert AuditEvent.objects.filter(
        actor=coordinator, what="case_page", case_ids=[case.pk], purpose=AuditEvent.Purpose.BREAK_THE_GLASS
    ).exists()

    # The data-protection auditor finds the alert in their menu and marks it reviewed.
    review = open_ui("auditor")
    review.login(auditor)
    menu = main_menu(review.page)
    menu.get_by_role("link", name="Alarmer til gennemgang").click()
    expect(review.page).to_have_url(review.url("/noedadgang/gennemgang/"))
    rows = review.page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    for text in (
        case.number,
        coordinator.username,
        reason,
        local_text(emergency.expires_at, get_format("SHORT_DATETIME_FORMAT", lang="da")),
    ):
        expect(rows.first).to_contain_text(text)
    review.check("emergency-review")
    rows.first.get_by_role("button", name=f"Markér som gennemgået {case.number}").click()
    expect(review.page.get_by_role("status")).to_have_text("Markeret som gennemgået.")
    expect(review.page.locator("main")).to_contain_text("Ingen nødadgang venter på gennemgang.")
    review.check("emergency-reviewed")
    emergency.refresh_from_db()
    assert emergency.reviewed_by == auditor and emergency.reviewed_at is not None


def test_a_case_handed_over_from_cmm_to_dis_after_a_first_rejection_without_reason(ui, open_ui, cmm_worker, dis_worker):
    case = make_case(
        cmm_worker,
        person={"given_name": "Eva", "family_name": "Andersen"},
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
    )
    assert case.competent_authority == Agency.CMM
    assert not policy.visible_cases(dis_worker).exists()
    page = ui.page
    ui.login(cmm_worker)
    ui.goto(f"/sager/{case.number}/")
    page.get_by_role("link", name="Anmod om overdragelse").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/overdragelse/"))
    ui.check("handover-request-form")
    reason = "Personens opholdstilladelse er inddraget; Udlændingestyrelsen er nu kompetent."
    page.get_by_label("Begrundelse").fill(reason)
    page.get_by_role("button", name="Send anmodning").click()
    expect(page).to_have_url(ui.url(f"/sager/{case.number}/"))
    expect(page.get_by_role("status")).to_contain_text("Anmodningen om overdragelse er sendt til Udlændingestyrelsen.")
    sharing = page.get_by_role("region", name="Deling og overdragelse")
    expect(sharing).to_contain_text("Anmodning om overdragelse til Udlændingestyrelsen afventer.")
    expect(page.get_by_role("link", name="Anmod om overdragelse")).to_have_count(0)
    ui.check("case-handover-pending")

    # While the request is pending the case is in the DIS caseworker's list.
    dis = open_ui("dis")
    dis.login(dis_worker)
    main_menu(dis.page).get_by_role("link", name="Sager", exact=True).click()
    dis.page.locator("#case-rows").get_by_role("link", name=case.number).click()
    expect(dis.page.get_by_test_id("case-authority")).to_have_text("Center mod Menneskehandel")
    dis.page.get_by_role("link", name="Tag stilling til overdragelse").click()
    expect(dis.page).to_have_url(dis.url(f"/sager/{case.number}/overdragelse/afgoer/"))
    dis.check("handover-decide-form")

    # A rejection needs a reason.
    dis.page.get_by_role("radio", name="Afvis overdragelsen").check()
    with dis.page.expect_response(lambda r: r.request.method == "POST") as posted:
        dis.page.get_by_role("button", name="Gem afgørelse").click()
    assert posted.value.status == 400
    refusal = "Begrund afvisningen."
    expect(dis.page.locator("#group-decision_reason .form-error-message")).to_have_text(f"Fejl: {refusal}")
    expect(dis.page.get_by_label("Begrundelse")).to_have_accessible_description(re.compile(re.escape(refusal)))
    expect(dis.page.get_by_role("radio", name="Afvis overdragelsen")).to_be_checked()
    dis.check("handover-reject-refused")
    assert Handover.objects.get().status == Handover.Status.PENDING

    # On reflection, accepted: the case is DIS's now.
    dis.page.get_by_role("radio", name="Accepter overdragelsen").check()
    dis.page.get_by_role("button", name="Gem afgørelse").click()
    expect(dis.page).to_have_url(dis.url(f"/sager/{case.number}/"))
    expect(dis.page.get_by_role("status")).to_have_text(
        f"Du har accepteret overdragelsen. Udlændingestyrelsen er nu kompetent myndighed for sag {case.number}."
    )
    expect(dis.page.get_by_test_id("case-authority")).to_have_text("Udlændingestyrelsen")
    expect(dis.page.get_by_role("link", name="Tag stilling til overdragelse")).to_have_count(0)
    expect(dis.page.get_by_role("region", name="Deling og overdragelse")).not_to_contain_text("afventer")
    timeline = dis.page.get_by_role("region", name="Tidslinje").get_by_role("listitem")
    expect(timeline.first).to_contain_text("Overdragelse accepteret")
    dis.check("case-handed-over")

    case.refresh_from_db()
    handover = Handover.objects.get()
    assert case.competent_authority == Agency.DIS
    assert (handover.status, handover.decided_by, handover.reason) == (Handover.Status.ACCEPTED, dis_worker, reason)
    assert list(case.events.values_list("event_type", flat=True).order_by("created_at", "id"))[-2:] == [
        CaseEvent.Type.HANDOVER_REQUESTED,
        CaseEvent.Type.HANDOVER_ACCEPTED,
    ]


def test_the_police_liaison_registers_a_referral_and_sees_only_its_status(ui, police):
    page = ui.page
    ui.login(police)
    assert menu_labels(page) == ["Forside", "Mine henvisninger", "Politiaktioner"]
    ui.check("home")

    main_menu(page).get_by_role("link", name="Mine henvisninger").click()
    expect(page).to_have_url(ui.url("/mine-henvisninger/"))
    expect(page.locator("main")).to_contain_text("Du har ikke henvist nogen endnu.")
    ui.check("own-referrals-empty")
    page.get_by_role("link", name="Registrér henvisning").click()
    expect(page).to_have_url(ui.url("/sager/ny/"))
    page.get_by_label("Fornavn(e)").fill("Maria")
    page.get_by_label("Efternavn").fill("Santos")
    page.get_by_label("Modtaget").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Henvist af").select_option("POLICE")
    page.get_by_label("Kanal").select_option("police_operation")
    page.locator(f"input[name=residence_status][value={ResidenceStatus.LEGAL_RESIDENCE}]").check()
    page.get_by_role("checkbox", name="Tvangsarbejde").check()
    page.get_by_label("Køn").select_option(label="Ikke oplyst")
    page.get_by_label("Relation til rekrutteringsperson").select_option(label="Ukendt")
    page.get_by_role("button", name="Fortsæt til Tjek dine svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek dine svar")
    page.get_by_role("button", name="Opret sag").click()

    expect(page).to_have_url(ui.url("/mine-henvisninger/"))
    case = Case.objects.get()
    expect(page.get_by_role("status")).to_have_text(
        f"Henvisningen er registreret som sag {case.number} og sendt til Center mod Menneskehandel."
    )
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    for text in (case.number, "Modtaget", "Center mod Menneskehandel"):
        expect(row).to_contain_text(text)
    # The status only: no way into the case file, and nothing of the person.
    expect(row.get_by_role("link")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Santos")
    assert menu_labels(page) == ["Forside", "Mine henvisninger", "Politiaktioner"]
    ui.check("own-referrals")

    assert ui.goto("/sager/").status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    ui.check("case-list-forbidden")
    assert ui.goto(f"/sager/{case.number}/").status == 403
