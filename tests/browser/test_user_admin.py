"""Separation of duties in the browser: the administrator creates a user, a coordinator approves the role.

Two people in two windows, each logged in with both factors through the real pages; every page is checked
with axe-core and for console errors, and photographed under /tmp/e2e-shots/.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Agency, Role, User
from tests.factories import UserFactory, otp_code, otp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step_up(window, user):
    """The step-up page asks for a fresh code from the app before the action."""
    page = window.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekræft at det er dig")
    page.get_by_label("Kode", exact=True).fill(otp_code(otp_device(user)))
    page.get_by_role("button", name="Bekræft").click()


def test_the_administrator_creates_a_user_and_a_coordinator_approves_the_role(ui, open_ui, coordinator, cmm_team):
    admin = UserFactory(username="admin", first_name="Ada", agency="", role=Role.SYSTEM_ADMIN, team=None)
    page = ui.page
    ui.login(admin)
    page.get_by_role("navigation", name="Hovedmenu").first.get_by_role("link", name="Brugere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brugere")
    ui.check("user-list")

    page.get_by_role("link", name="Opret bruger").click()
    ui.check("step-up")
    step_up(ui, admin)
    expect(page.get_by_role("heading", level=1)).to_have_text("Opret bruger")
    page.get_by_label("Brugernavn").fill("ny.kontakt")
    page.get_by_label("Fornavn").fill("Nina")
    page.get_by_label("Efternavn").fill("Nielsen")
    page.get_by_label("E-mail").fill("nina@example.org")
    page.get_by_label("Myndighed").select_option(Agency.CMM)
    page.get_by_label("Rolle").select_option(Role.CMM_CONTACT_PERSON)
    page.get_by_label("Team").select_option(label="Team Øst (CMM)")
    ui.check("user-create")
    page.get_by_role("button", name="Fortsæt").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Opret bruger")
    expect(page.get_by_test_id("confirm-summary")).to_contain_text("CMM-kontaktperson")
    expect(page.get_by_role("note")).to_contain_text("først i kraft, når en CMM-koordinator har godkendt den")
    ui.check("user-confirm")
    page.get_by_role("button", name="Opret bruger").click()

    expect(page.get_by_role("status").first).to_contain_text("afventer godkendelse af en CMM-koordinator")
    expect(page.get_by_test_id("user-role")).to_have_text("Ingen rolle")
    ui.check("user-detail")
    new_user = User.objects.get(username="ny.kontakt")
    assert new_user.role == "" and not new_user.has_usable_password()

    # The coordinator sees the task on their start page and approves it, after a fresh code.
    other = open_ui("coordinator")
    other.login(coordinator)
    task = other.page.get_by_test_id("role-requests-task")
    expect(task).to_contain_text("1 rolle venter på din godkendelse")
    other.check("home-task")
    task.get_by_role("link", name="Se rolleanmodninger").click()
    expect(other.page.get_by_role("heading", level=1)).to_have_text("Rolleanmodninger")
    expect(other.page.get_by_role("table")).to_contain_text("ny.kontakt")
    other.check("role-requests")
    other.page.get_by_role("link", name="Tag stilling ny.kontakt").click()
    step_up(other, coordinator)
    expect(other.page.get_by_role("heading", level=1)).to_have_text("Godkend eller afvis rolle")
    expect(other.page.get_by_test_id("confirm-summary")).to_contain_text("admin")
    other.check("role-decide")
    other.page.get_by_role("button", name="Godkend").click()
    expect(other.page.get_by_role("status").first).to_have_text("Rollen er godkendt.")
    expect(other.page.get_by_text("Ingen rolleanmodninger venter på dig.")).to_be_visible()
    other.check("role-approved")

    new_user.refresh_from_db()
    assert (new_user.agency, new_user.role, new_user.team) == (Agency.CMM, Role.CMM_CONTACT_PERSON, cmm_team)
    page.reload()
    expect(page.get_by_test_id("user-role")).to_have_text("CMM-kontaktperson")

    # The new user follows the link from their email and chooses a password; the administrator never saw it.
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    newcomer = open_ui("newcomer")
    newcomer.page.goto(link)
    expect(newcomer.page.get_by_role("heading", level=1)).to_have_text("Vælg adgangskode")
    newcomer.check("set-password")
    newcomer.page.get_by_label("Ny adgangskode", exact=True).fill("en lang og god adgangssætning til cmm")
    newcomer.page.get_by_label("Bekræftelse af ny adgangskode").fill("en lang og god adgangssætning til cmm")
    newcomer.page.get_by_role("button", name="Gem adgangskode").click()
    expect(newcomer.page.get_by_role("heading", level=1)).to_have_text("Log ind")
    expect(newcomer.page.get_by_role("status").first).to_contain_text("Din adgangskode er gemt")
    newcomer.check("password-saved")
    newcomer.page.get_by_label("Brugernavn").fill("ny.kontakt")
    newcomer.page.get_by_label("Adgangskode").fill("en lang og god adgangssætning til cmm")
    newcomer.page.get_by_role("button", name="Log ind").click()
    expect(newcomer.page.get_by_role("heading", level=1)).to_have_text("Opsæt to-faktor-godkendelse")
