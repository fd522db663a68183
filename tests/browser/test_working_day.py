"""A working day from the start page: a contact person's morning, and a DIS caseworker's hand-overs.

Each page is checked by axe at the laptop width and looked at again at 390 px (a phone), where nothing
may scroll the page sideways.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.codes import ResidenceStatus
from cases.models import Case
from grants import services as grants
from grants.models import Handover
from tests.factories import TeamFactory, make_case
from tests.states import identified_case, shared

pytestmark = pytest.mark.django_db(transaction=True)


def tasks(page):
    return page.get_by_test_id("worklist").get_by_test_id("task")


def test_a_contact_persons_morning_from_the_worklist_to_the_action_and_back(ui, cmm_worker):
    now = timezone.now()
    # CMM is competent (legal residence): the contact person's team assesses the detained person.
    late = make_case(
        cmm_worker,
        person={"given_name": "Grace", "family_name": "Okafor"},
        detained=True,
        detained_at=now - dt.timedelta(hours=75),
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
    )
    soon = make_case(
        cmm_worker,
        person={"given_name": "Mai", "family_name": "Tran"},
        detained=True,
        detained_at=now - dt.timedelta(hours=30, minutes=30),  # 41 h 30 min left: "om 41 timer"
    )
    consent = shared(
        make_case(cmm_worker, person={"given_name": "Ana", "family_name": "Pop"}),
        TeamFactory(agency="NGO", name="Reden"),
        days=5,
    )
    page = ui.page

    ui.login(cmm_worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine opgaver")
    expect(tasks(page)).to_have_count(3)
    first, second, third = tasks(page).nth(0), tasks(page).nth(1), tasks(page).nth(2)
    expect(first).to_contain_text("Identifikation af frihedsberøvet person (72 timer)")
    expect(first).to_contain_text("Grace Okafor")
    expect(first.locator(".badge-error")).to_have_text("3 timer over")
    expect(second).to_contain_text("Mai Tran")
    expect(second).to_contain_text("om 41 timer")
    expect(third).to_contain_text("Samtykket til deling med Reden udløber")
    expect(third).to_contain_text("om 5 dage")
    expect(page.get_by_test_id("worklist").locator(".badge")).to_have_count(1)  # 41 hours, 5 days: not yet close
    assert soon.number in second.inner_text() and consent.number in third.inner_text()
    ui.check("worklist")

    # The most urgent: its case, where the deadline is the banner under the heading.
    first.get_by_role("link", name=late.number, exact=True).click()
    expect(page).to_have_url(ui.url(f"/sager/{late.number}/"))
    banner = page.get_by_test_id("deadline-banner")
    expect(banner).to_have_class("alert alert-error")
    expect(banner).to_contain_text(
        "Fristen er overskredet: Identifikation af frihedsberøvet person (72 timer), 3 timer over"
    )
    ui.check("case-with-banner")

    # The action that meets it, from the banner.
    banner.get_by_role("link", name="Registrér vurdering").click()
    expect(page).to_have_url(ui.url(f"/sager/{late.number}/vurdering/"))
    ui.check("assessment-form")
    page.get_by_role("radio", name="Vurderet som offer", exact=True).check()
    page.get_by_label("Begrundelse").fill("Samtale med tolk; klare indikatorer på tvangsarbejde.")
    page.get_by_role("button", name="Registrér vurdering").click()
    expect(page).to_have_url(ui.url(f"/sager/{late.number}/"))
    expect(page.get_by_test_id("deadline-banner")).to_have_count(0)

    # Back to the start page: one task fewer.
    page.get_by_role("navigation", name="Hovedmenu").first.get_by_role("link", name="Forside").click()
    expect(tasks(page)).to_have_count(2)
    expect(page.get_by_test_id("worklist")).not_to_contain_text(late.number)
    ui.check("worklist-after")
    assert Case.objects.get(pk=late.pk).status == Case.Status.IDENTIFIED


def test_a_dis_caseworker_accepts_one_hand_over_and_refuses_another_from_the_start_page(ui, cmm_worker, dis_worker):
    handed = []
    for given_name in ("Ion", "Lena"):
        case = make_case(
            cmm_worker, person={"given_name": given_name}, residence_status=ResidenceStatus.LEGAL_RESIDENCE
        )
        grants.handover_request(case=case, actor=cmm_worker, expected_version=case.version, reason="Ny tilladelse")
        handed.append(case)
    accepted, refused = handed
    page = ui.page

    ui.login(dis_worker)
    expect(tasks(page)).to_have_count(2)
    expect(tasks(page).first).to_contain_text("Overdragelse fra Center mod Menneskehandel venter på jeres afgørelse")
    ui.check("handovers")

    tasks(page).filter(has_text=accepted.number).get_by_role("link", name="Tag stilling til overdragelse").click()
    expect(page).to_have_url(ui.url(f"/sager/{accepted.number}/overdragelse/afgoer/"))
    ui.check("handover-decide")
    page.get_by_role("radio", name="Accepter overdragelsen").check()
    page.get_by_role("button", name="Gem afgørelse").click()
    expect(page).to_have_url(ui.url(f"/sager/{accepted.number}/"))
    expect(page.get_by_role("status")).to_have_text(
        f"Du har accepteret overdragelsen. Udlændingestyrelsen er nu kompetent myndighed for sag {accepted.number}."
    )
    ui.check("handover-accepted")

    page.get_by_role("navigation", name="Hovedmenu").first.get_by_role("link", name="Forside").click()
    expect(tasks(page)).to_have_count(1)
    tasks(page).get_by_role("link", name="Tag stilling til overdragelse").click()
    page.get_by_role("radio", name="Afvis overdragelsen").check()
    page.get_by_label("Begrundelse").fill("Personen har stadig lovligt ophold.")
    page.get_by_role("button", name="Gem afgørelse").click()

    # The case is CMM's again and out of DIS's sight: the start page says what happened, not "Siden findes ikke".
    expect(page).to_have_url(ui.url("/"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Du har afvist overdragelsen. Sag {refused.number} bliver hos Center mod Menneskehandel, og du har ikke"
        " længere adgang til den."
    )
    expect(page.get_by_test_id("no-tasks")).to_have_text("Ingen opgaver lige nu.")
    ui.check("handover-refused")
    assert list(Handover.objects.order_by("case_id").values_list("status", flat=True)) == [
        Handover.Status.ACCEPTED,
        Handover.Status.REJECTED,
    ]


def test_a_coordinators_morning_the_teams_overdue_deadlines_unassigned_victims_and_mine_sager(
    ui, coordinator, cmm_worker, cmm_colleague
):
    now = timezone.now()
    overdue = make_case(
        cmm_colleague,
        person={"given_name": "Joy", "family_name": "Eze"},
        detained=True,
        detained_at=now - dt.timedelta(hours=80),
        residence_status=ResidenceStatus.LEGAL_RESIDENCE,
    )
    unassigned = identified_case(cmm_worker, cmm_worker, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    Case.objects.filter(pk=unassigned.pk).update(contact_person=None)
    ordinary = make_case(cmm_worker, person={"given_name": "Lina", "family_name": "Berg"})
    page = ui.page

    ui.login(coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine opgaver")
    worklist = page.get_by_test_id("worklist")
    expect(tasks(page).first).to_contain_text("Joy Eze")
    expect(tasks(page).first.locator(".badge-error")).to_have_text("8 timer over")
    expect(worklist).to_contain_text(unassigned.number)
    expect(worklist).not_to_contain_text(ordinary.number)  # nothing due, and it has a contact person
    assert overdue.number in tasks(page).first.inner_text()
    ui.check("coordinator-worklist")

    page.get_by_role("navigation", name="Hovedmenu").first.get_by_role("link", name="Mine sager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine sager")
    groups = page.get_by_role("heading", level=2)
    expect(groups.last).to_contain_text("Uden kontaktperson")
    expect(page.locator("main")).to_contain_text(str(cmm_colleague))
    expect(page.locator("main")).to_contain_text(ordinary.number)
    ui.check("coordinator-mine-sager")
