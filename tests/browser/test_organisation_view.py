"""An organisation's own view of a shared case: its share, its name in the header, and access that has ended.

An NGO or the IOM reads a case only while the person's consent runs. The case page tells it until when;
once the share has ended, the case number it had answers a page saying so (a number it never had stays
the ordinary 404, so the page is no oracle), and its lists no longer hold the case.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency, Role
from audit.models import AuditEvent
from grants import services as grant_services
from grants.models import Share
from tests.factories import TeamFactory, UserFactory, make_case

from .helpers import DESKTOP, PHONE, local_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def share(case, team, actor, *, scope=Share.Scope.SUPPORT, days=90) -> Share:
    case.refresh_from_db()
    today = timezone.localdate()
    return grant_services.share_create(
        case=case,
        actor=actor,
        expected_version=case.version,
        team=team,
        scope=scope,
        consent_given_on=today,
        expires_on=today + dt.timedelta(days=days),
    )


def denied_lookups(user) -> list[dict]:
    return list(
        AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.DENIED, what="case_lookup")
        .order_by("id")
        .values_list("detail", flat=True)
    )


def test_the_ngo_sees_its_own_share_until_the_consent_is_withdrawn_and_then_that_access_ended(ui, open_ui, cmm_worker):
    reden = TeamFactory(agency=Agency.NGO, name="Reden København")
    korshaer = TeamFactory(agency=Agency.NGO, name="Kirkens Korshær")
    nora = UserFactory(username="reden.nora", first_name="Nora", agency=Agency.NGO, role=Role.NGO_WORKER, team=reden)
    case = make_case(cmm_worker, person={"given_name": "Ioana", "family_name": "Popescu"})
    other = make_case(cmm_worker, person={"given_name": "Mira", "family_name": "Stan"})
    share(case, reden, cmm_worker, days=90)
    share(case, korshaer, cmm_worker, days=30)  # another organisation's share: not Reden's to know
    share(other, korshaer, cmm_worker, days=30)  # a case Reden never had
    until = timezone.localdate() + dt.timedelta(days=90)

    ngo = open_ui("ngo")
    page = ngo.page
    ngo.login(nora)
    # The header names the organisation the user acts for, not the kind of organisation.
    expect(page.get_by_test_id("organisation-name")).to_have_text("Reden København")
    expect(page.locator("header")).not_to_contain_text("Civilsamfundsorganisation")
    ngo.check("ngo-home")

    # Its list holds the case; on a phone each cell of the stacked row is named by its column.
    ngo.goto("/sager/")
    first_cell = page.locator("#case-rows tbody tr").first.locator("td").first
    expect(first_cell).to_have_attribute("data-title", "Sagsnummer")
    page.set_viewport_size(PHONE)
    expect(page.locator("#case-rows thead")).to_be_hidden()
    expect(first_cell).to_contain_text(case.number)
    page.set_viewport_size(DESKTOP)

    page.locator("#case-rows").get_by_role("link", name=case.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{case.number}: Ioana Popescu")
    expect(page.get_by_test_id("own-share")).to_have_text(
        f"Delt med Reden København til og med {local_text(until, 'j. F Y')}"
    )
    expect(page.locator("main")).to_contain_text("Formålet er “Støtte og bistand”.")
    expect(page.locator("main")).not_to_contain_text("Kirkens Korshær")
    expect(page.locator("main")).not_to_contain_text("Sagen er ikke delt")
    ngo.check("ngo-case-shared")

    # The person withdraws their consent; the contact person stops the share on the case page.
    ui.login(cmm_worker)
    ui.goto(f"/sager/{case.number}/")
    sharing = ui.page.get_by_role("region", name="Deling og overdragelse")
    sharing.get_by_role("link", name="Samtykket er tilbagekaldt: stop delingen (Reden København)").click()
    ui.page.get_by_role("button", name="Ja, stop delingen med Reden København").click()
    expect(ui.page.get_by_role("status")).to_contain_text("har ikke længere adgang til sagen")

    # The NGO's next visit: the case number it had, and that its access ended; nothing about the person.
    denied_before = len(denied_lookups(nora))
    assert ngo.goto(f"/sager/{case.number}/").status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Adgangen til sagen er ophørt")
    today = local_text(timezone.localdate(), "j. F Y")
    expect(page.get_by_test_id("share-ended")).to_have_text(
        f"Reden København har ikke længere adgang til sagen {case.number}. Delingen gjaldt til og med {today}."
    )
    for hidden in ("Ioana", "Popescu", "Kirkens Korshær"):
        expect(page.locator("main")).not_to_contain_text(hidden)
    ngo.check("ngo-case-access-ended")
    # Audited as the refused read it is.
    assert denied_lookups(nora)[denied_before:] == [{"number": case.number}]

    # Not an oracle: a case Reden never had, and a number that does not exist, are the ordinary 404.
    for number in (other.number, "CMM-2020-9999"):
        assert ngo.goto(f"/sager/{number}/").status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
        expect(page.locator("main")).not_to_contain_text("Reden København")
    assert denied_lookups(nora)[-2:] == [{"number": other.number}, {"number": "CMM-2020-9999"}]

    # Its start page and its list no longer hold the case.
    ngo.goto("/")
    expect(page.locator("main").get_by_role("link", name=case.number)).to_have_count(0)
    ngo.goto("/sager/")
    expect(page.locator("main").get_by_role("link", name=case.number)).to_have_count(0)
    ngo.check("ngo-list-after-withdrawal")


def test_the_iom_sees_its_share_and_a_lapsed_consent_as_access_ended(ui, cmm_worker):
    iom = TeamFactory(agency=Agency.IOM, name="IOM København")
    ivan = UserFactory(username="iom.ivan", first_name="Ivan", agency=Agency.IOM, role=Role.IOM_OFFICER, team=iom)
    case = make_case(cmm_worker, person={"given_name": "Grace", "family_name": "Okafor"})
    lapsed = make_case(cmm_worker, person={"given_name": "Ada", "family_name": "Eze"})
    share(case, iom, cmm_worker, scope=Share.Scope.REPATRIATION, days=60)
    # A consent that ran out ten days ago (recorded directly: the service refuses a consent in the past).
    today = timezone.localdate()
    ran_out = today - dt.timedelta(days=10)
    Share.objects.create(
        case=lapsed,
        team=iom,
        scope=Share.Scope.REPATRIATION,
        consent_given_on=today - dt.timedelta(days=40),
        expires_on=ran_out,
        recorded_by=cmm_worker,
    )

    page = ui.page
    ui.login(ivan)
    expect(page.get_by_test_id("organisation-name")).to_have_text("IOM København")
    ui.goto(f"/sager/{case.number}/")
    expect(page.get_by_test_id("own-share")).to_have_text(
        f"Delt med IOM København til og med {local_text(today + dt.timedelta(days=60), 'j. F Y')}"
    )
    expect(page.locator("main")).to_contain_text("Formålet er “Forberedt hjemrejse”.")
    ui.check("iom-case-shared")

    assert ui.goto(f"/sager/{lapsed.number}/").status == 404
    expect(page.get_by_test_id("share-ended")).to_have_text(
        f"IOM København har ikke længere adgang til sagen {lapsed.number}. "
        f"Delingen gjaldt til og med {local_text(ran_out, 'j. F Y')}."
    )
    expect(page.locator("main")).not_to_contain_text("Eze")
    ui.check("iom-case-access-ended")
