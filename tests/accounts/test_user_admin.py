"""Separation of duties for the system administrator (issue 6; security.md v5:2.3.5, AU-06).

The administrator creates users and asks for roles; a role that reads cases takes effect only when a
coordinator of the agency concerned approves it; nobody changes their own; every action is audited, asks for
a fresh code and a confirmation; the administrator never learns a password.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from access import policy
from accounts import services
from accounts.models import Agency, Role, RoleRequest, User
from audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory, login, make_case, otp_code, otp_device, step_up

pytestmark = pytest.mark.django_db

USERS = "/brugere/"
STEP_UP = "/konto/bekraeft/"


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="admin", agency="", role=Role.SYSTEM_ADMIN, team=None)


@pytest.fixture
def dis_coordinator(db):
    return UserFactory(username="us.koordinator", agency=Agency.DIS, role=Role.DIS_COORDINATOR, team=None)


def admin_events(what):
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN, what=what).order_by("id"))


def new_user_data(**overrides):
    return {
        "username": "ny.kontakt",
        "first_name": "Nina",
        "last_name": "Ny",
        "email": "nina@example.org",
        "agency": Agency.CMM,
        "role": Role.CMM_CONTACT_PERSON,
        "team": "",
        **overrides,
    }


def set_password_link() -> str:
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


# The administrator cannot give themselves a role.


def test_the_administrator_cannot_change_their_own_role(client, sysadmin):
    step_up(login(client, sysadmin))

    response = client.post(
        f"{USERS}{sysadmin.pk}/rolle/", {"agency": Agency.CMM, "role": Role.CMM_COORDINATOR, "confirmed": "yes"}
    )

    assert response.status_code == 400
    assert "Du kan ikke ændre din egen bruger" in response.content.decode()
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSTEM_ADMIN
    assert not RoleRequest.objects.exists()


def test_nobody_but_the_administrator_asks_for_a_role(coordinator, cmm_worker):
    with pytest.raises(services.AccountRefused):
        services.user_role_request(user=cmm_worker, agency=Agency.CMM, role=Role.CMM_COORDINATOR, actor=coordinator)


# A role that reads cases waits for a second person.


def test_a_case_reading_role_has_no_effect_until_a_coordinator_approves_it(client, sysadmin, coordinator, cmm_team):
    police = UserFactory(username="p", agency=Agency.POLICE, role=Role.POLICE_LIAISON, team=None)
    case = make_case(coordinator)
    step_up(login(client, sysadmin))

    response = client.post(
        f"{USERS}{police.pk}/rolle/",
        {"agency": Agency.CMM, "role": Role.CMM_COORDINATOR, "team": cmm_team.pk, "confirmed": "yes"},
    )

    assert response.status_code == 302
    police.refresh_from_db()
    assert (police.agency, police.role) == (Agency.POLICE, Role.POLICE_LIAISON)
    assert not policy.visible_cases(police).filter(pk=case.pk).exists()
    role_request = RoleRequest.objects.get(user=police)
    assert role_request.status == RoleRequest.Status.PENDING
    assert admin_events("role_change_requested")[0].detail["role"] == Role.CMM_COORDINATOR

    step_up(login(client, coordinator))
    assert client.get("/").content.decode().count('data-testid="role-requests-task"') == 1
    response = client.post(f"/rolleanmodninger/{role_request.pk}/", {"decision": "approve"})

    assert response.status_code == 302
    police.refresh_from_db()
    assert (police.agency, police.role, police.team) == (Agency.CMM, Role.CMM_COORDINATOR, cmm_team)
    assert policy.visible_cases(police).filter(pk=case.pk).exists()
    event = admin_events("role_change_approved")[0]
    assert (event.actor_id, event.detail["user"], event.detail["requested_by"]) == (
        coordinator.pk,
        police.username,
        sysadmin.username,
    )


def test_a_role_that_reads_no_case_takes_effect_at_once(sysadmin, cmm_worker):
    services.user_role_request(user=cmm_worker, agency=Agency.POLICE, role=Role.POLICE_LIAISON, actor=sysadmin)

    cmm_worker.refresh_from_db()
    assert cmm_worker.role == Role.POLICE_LIAISON
    assert RoleRequest.objects.get(user=cmm_worker).status == RoleRequest.Status.APPROVED
    assert admin_events("role_changed")[0].detail["previous_role"] == Role.CMM_CONTACT_PERSON


def test_a_rejected_role_never_takes_effect(sysadmin, coordinator, police):
    role_request = services.user_role_request(
        user=police, agency=Agency.CMM, role=Role.CMM_CONTACT_PERSON, actor=sysadmin
    )

    services.user_role_decide(role_request=role_request, approve=False, actor=coordinator)

    police.refresh_from_db()
    assert police.role == Role.POLICE_LIAISON
    assert RoleRequest.objects.get().status == RoleRequest.Status.REJECTED
    assert admin_events("role_change_rejected")[0].actor_id == coordinator.pk
    with pytest.raises(services.AccountRefused, match="allerede afgjort"):
        services.user_role_decide(role_request=role_request, approve=True, actor=coordinator)


@pytest.mark.parametrize(
    ("role", "agency", "approver_role", "approver_agency", "allowed"),
    [
        (Role.CMM_CONTACT_PERSON, Agency.CMM, Role.CMM_COORDINATOR, Agency.CMM, True),
        (Role.CMM_CONTACT_PERSON, Agency.CMM, Role.DIS_COORDINATOR, Agency.DIS, False),
        (Role.DIS_CASEWORKER, Agency.DIS, Role.DIS_COORDINATOR, Agency.DIS, True),
        (Role.DIS_CASEWORKER, Agency.DIS, Role.CMM_COORDINATOR, Agency.CMM, False),
        (Role.DIS_COORDINATOR, Agency.DIS, Role.DIS_CASEWORKER, Agency.DIS, False),
        (Role.IOM_OFFICER, Agency.IOM, Role.CMM_COORDINATOR, Agency.CMM, True),
        (Role.CMM_COORDINATOR, Agency.CMM, Role.CMM_CONTACT_PERSON, Agency.CMM, False),
        (Role.CMM_COORDINATOR, Agency.CMM, Role.SYSTEM_ADMIN, "", False),
    ],
)
def test_the_approver_is_a_coordinator_of_the_agency_concerned(
    sysadmin, role, agency, approver_role, approver_agency, allowed
):
    team = None
    if role == Role.IOM_OFFICER:
        from tests.factories import TeamFactory

        team = TeamFactory(agency=Agency.IOM, name="IOM Danmark")
    user = UserFactory(agency="", role="", team=None)
    approver = UserFactory(agency=approver_agency, role=approver_role, team=None)
    role_request = services.user_role_request(user=user, agency=agency, role=role, team=team, actor=sysadmin)

    if allowed:
        services.user_role_decide(role_request=role_request, approve=True, actor=approver)
    else:
        with pytest.raises(services.AccountRefused):
            services.user_role_decide(role_request=role_request, approve=True, actor=approver)

    user.refresh_from_db()
    assert (user.role == role) is allowed


def test_nobody_approves_a_request_about_themselves_or_their_own(sysadmin, coordinator, cmm_team):
    other = UserFactory(agency=Agency.CMM, role=Role.CMM_COORDINATOR, team=cmm_team)
    about_coordinator = services.user_role_request(
        user=coordinator, agency=Agency.CMM, role=Role.CMM_CONTACT_PERSON, team=cmm_team, actor=sysadmin
    )
    # A second administrator who is also made a coordinator still cannot approve what they asked for.
    admin_coordinator = UserFactory(agency=Agency.CMM, role=Role.CMM_COORDINATOR, team=None)
    own = RoleRequest.objects.create(
        user=UserFactory(agency="", role="", team=None),
        agency=Agency.CMM,
        role=Role.CMM_CONTACT_PERSON,
        requested_by=admin_coordinator,
    )

    with pytest.raises(services.AccountRefused, match="dig selv"):
        services.user_role_decide(role_request=about_coordinator, approve=True, actor=coordinator)
    with pytest.raises(services.AccountRefused, match="dig selv"):
        services.user_role_decide(role_request=own, approve=True, actor=admin_coordinator)
    assert about_coordinator not in services_queue(coordinator)
    services.user_role_decide(role_request=about_coordinator, approve=True, actor=other)
    coordinator.refresh_from_db()
    assert coordinator.role == Role.CMM_CONTACT_PERSON


def services_queue(user):
    from accounts.queries import role_requests_to_decide

    return list(role_requests_to_decide(user))


def test_a_coordinator_of_another_agency_does_not_see_the_request(client, sysadmin, dis_coordinator, police):
    role_request = services.user_role_request(user=police, agency=Agency.CMM, role=Role.CMM_COORDINATOR, actor=sysadmin)
    step_up(login(client, dis_coordinator))

    assert client.get("/rolleanmodninger/").content.decode().count(police.username) == 0
    assert client.get(f"/rolleanmodninger/{role_request.pk}/").status_code == 404
    assert client.post(f"/rolleanmodninger/{role_request.pk}/", {"decision": "approve"}).status_code == 404
    assert RoleRequest.objects.get().status == RoleRequest.Status.PENDING


# Creating a user: no password, a link by email, a role by request.


def test_the_administrator_creates_a_user_who_sets_their_own_password_once(client, sysadmin, coordinator):
    step_up(login(client, sysadmin))

    confirm = client.post(f"{USERS}ny/", new_user_data())
    assert confirm.status_code == 200
    assert "Bekræft" in confirm.content.decode() or "Opret bruger" in confirm.content.decode()
    assert not User.objects.filter(username="ny.kontakt").exists()  # nothing happens before the confirmation

    created = client.post(f"{USERS}ny/", {**new_user_data(), "confirmed": "yes"})

    user = User.objects.get(username="ny.kontakt")
    assert created.status_code == 302 and created["Location"] == f"{USERS}{user.pk}/"
    assert not user.has_usable_password()
    assert user.role == "" and user.agency == ""  # the contact person's role waits for a CMM coordinator
    assert RoleRequest.objects.get(user=user).status == RoleRequest.Status.PENDING
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]
    link = set_password_link()
    assert link not in client.get(created["Location"]).content.decode()
    assert [e.what for e in AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN).order_by("id")] == [
        "user_created",
        "role_change_requested",
        "set_password_link_sent",
    ]
    assert all(link.split("/")[-2] not in str(e.detail) for e in AuditEvent.objects.all())

    # The user follows the link (in their own browser), chooses a password, then logs in and enrols.
    browser = client.__class__()
    form = browser.get(link, follow=True)
    assert form.status_code == 200 and "Vælg adgangskode" in form.content.decode()
    chosen = "en lang og god adgangssætning til cmm"
    saved = browser.post(form.redirect_chain[-1][0], {"new_password1": chosen, "new_password2": chosen})
    assert saved.status_code == 302 and saved["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password(chosen)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECURITY, what="password_set", actor=user).exists()

    again = client.__class__().get(link, follow=True)
    assert "Linket virker ikke" in again.content.decode()

    logged_in = browser.post("/login/", {"username": "ny.kontakt", "password": chosen})
    assert logged_in.status_code == 302
    assert browser.get(logged_in["Location"])["Location"].startswith("/konto/to-faktor/opsaet/")


def test_the_set_password_link_expires(sysadmin):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.user_create(actor=sysadmin, base_url="http://testserver", **{**new_user_data(), "team": None})
        link = set_password_link()
        clock.shift(dt.timedelta(hours=71))
        from django.test import Client

        assert "Vælg adgangskode" in Client().get(link, follow=True).content.decode()
        assert "Linket virker ikke" not in Client().get(link, follow=True).content.decode()
        clock.shift(dt.timedelta(hours=2))
        assert "Linket virker ikke" in Client().get(link, follow=True).content.decode()


def test_the_add_user_form_asks_for_agency_role_and_team_and_nothing_more(client, sysadmin):
    step_up(login(client, sysadmin))

    page = client.get(f"{USERS}ny/").content.decode()

    form = page[page.index('<form method="post" novalidate>') :]
    names = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([a-z_0-9]+)"', form)) - {"csrfmiddlewaretoken"}
    assert names == {"username", "first_name", "last_name", "email", "agency", "role", "team"}
    assert "superuser" not in page and "permission" not in page


def test_a_role_outside_its_agency_is_refused_before_confirmation(client, sysadmin):
    step_up(login(client, sysadmin))

    response = client.post(f"{USERS}ny/", new_user_data(agency=Agency.DIS))

    assert response.status_code == 400
    assert "hører ikke til" in response.content.decode()


# Resets, deactivation and the other actions: audited, stepped up, confirmed.


def test_a_password_reset_sends_a_new_link_and_the_user_enrols_again(client, sysadmin, cmm_worker):
    cmm_worker.email = "karen@example.org"
    cmm_worker.save()
    otp_device(cmm_worker)
    step_up(login(client, sysadmin))

    confirm = client.get(f"{USERS}{cmm_worker.pk}/nulstil-adgangskode/")
    assert confirm.status_code == 200 and not mail.outbox
    client.post(f"{USERS}{cmm_worker.pk}/nulstil-adgangskode/", {"confirmed": "yes"})

    cmm_worker.refresh_from_db()
    assert not cmm_worker.has_usable_password()
    assert not cmm_worker.totpdevice_set.exists()
    assert [m.to for m in mail.outbox] == [["karen@example.org"]]
    assert {e.what for e in AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN)} == {
        "otp_reset",
        "password_reset",
        "set_password_link_sent",
    }


def test_deactivating_a_user_ends_their_sessions_and_cancels_their_request(client, sysadmin, cmm_worker):
    staff_client = login(client.__class__(), cmm_worker)
    services.user_role_request(user=cmm_worker, agency=Agency.CMM, role=Role.CMM_COORDINATOR, actor=sysadmin)
    step_up(login(client, sysadmin))

    client.post(f"{USERS}{cmm_worker.pk}/deaktiver/", {"confirmed": "yes"})

    cmm_worker.refresh_from_db()
    assert not cmm_worker.is_active
    assert staff_client.get("/")["Location"].startswith("/login/")
    assert RoleRequest.objects.get().status == RoleRequest.Status.CANCELLED
    event = admin_events("user_deactivated")[0]
    assert event.detail == {"user": cmm_worker.username, "sessions_ended": 1, "requests_cancelled": 1}


@pytest.mark.parametrize(
    "action", ["deaktiver", "nulstil-adgangskode", "nulstil-to-faktor", "ophaev-spaerring", "log-ud-overalt"]
)
def test_every_action_asks_for_a_fresh_code_then_a_confirmation(client, sysadmin, cmm_worker, action):
    url = f"{USERS}{cmm_worker.pk}/{action}/"
    cmm_worker.email = "karen@example.org"
    cmm_worker.save()
    login(client, sysadmin)

    first = client.get(url)
    assert first.status_code == 302 and first["Location"].startswith(f"{STEP_UP}?next=")
    refused = client.post(url, {"confirmed": "yes"})
    assert refused.status_code == 302 and refused["Location"].startswith(STEP_UP)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN).exists()

    device = otp_device(sysadmin)
    back = client.post(first["Location"], {"code": otp_code(device)})
    assert back.status_code == 302 and back["Location"] == url
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECURITY, what="step_up", actor=sysadmin).exists()
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'value="yes"' in confirm.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN).exists()  # nothing done yet

    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN, actor=sysadmin).exists()


def test_the_fresh_code_lasts_five_minutes(client, sysadmin, cmm_worker):
    url = f"{USERS}{cmm_worker.pk}/log-ud-overalt/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        step_up(login(client, sysadmin))
        clock.shift(dt.timedelta(minutes=4, seconds=59))
        assert client.get(url).status_code == 200
        clock.shift(dt.timedelta(seconds=2))
        assert client.get(url)["Location"].startswith(STEP_UP)


@pytest.mark.parametrize(
    "action", ["deaktiver", "nulstil-adgangskode", "nulstil-to-faktor", "ophaev-spaerring", "log-ud-overalt"]
)
def test_the_administrator_takes_no_action_on_their_own_account(client, sysadmin, action):
    step_up(login(client, sysadmin))

    client.post(f"{USERS}{sysadmin.pk}/{action}/", {"confirmed": "yes"})

    sysadmin.refresh_from_db()
    assert sysadmin.is_active and sysadmin.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN).exists()


def test_only_the_administrator_reaches_the_user_pages(client, coordinator, cmm_worker):
    step_up(login(client, coordinator))

    assert client.get(USERS).status_code == 403
    assert client.get(f"{USERS}{cmm_worker.pk}/").status_code == 403
    assert client.post(f"{USERS}{cmm_worker.pk}/deaktiver/", {"confirmed": "yes"}).status_code == 403
    cmm_worker.refresh_from_db()
    assert cmm_worker.is_active


def test_a_team_is_created_audited(client, sysadmin):
    step_up(login(client, sysadmin))

    client.post(f"{USERS}teams/ny/", {"agency": Agency.NGO, "name": "Reden Aarhus", "confirmed": "yes"})

    assert AuditEvent.objects.get(what="team_created").detail["agency"] == Agency.NGO


# External roles see the agency, not who it was.


def test_external_roles_see_the_agency_not_the_staff_member(cmm_worker, police, dis_worker):
    assert cmm_worker.shown_to(police) == "Center mod Menneskehandel"
    assert cmm_worker.shown_to(dis_worker) == str(cmm_worker)
    assert police.shown_to(police) == str(police)


def test_the_first_administrator_is_created_on_the_command_line_audited(capsys):
    from django.core.management import call_command

    call_command("user_create", "forste.admin", "--role", Role.SYSTEM_ADMIN, "--email", "it@example.org")

    user = User.objects.get(username="forste.admin")
    assert user.role == Role.SYSTEM_ADMIN and not user.has_usable_password()
    assert "/konto/adgangskode/" in capsys.readouterr().out
    event = admin_events("user_created")[0]
    assert event.actor_id is None and event.detail["via"] == "command_line"


def test_templates_show_staff_to_external_roles_by_agency(cmm_worker, police):
    from django.template import Context, Template

    rendered = Template("{% load staff %}{{ member|shown_to:viewer }}").render(
        Context({"member": cmm_worker, "viewer": police})
    )

    assert rendered == "Center mod Menneskehandel"
    assert cmm_worker.username not in rendered


def test_the_coordinator_sees_where_the_link_went_before_approving(client, sysadmin, coordinator):
    role_request = services.user_create(
        actor=sysadmin, base_url="http://testserver", **{**new_user_data(email="nina.ny@example.org"), "team": None}
    )
    step_up(login(client, coordinator))

    page = client.get(f"/rolleanmodninger/{role_request.pk}/").content.decode()

    assert "nina.ny@example.org" in page and "ny.kontakt" in page


def test_a_deactivated_users_link_no_longer_works(sysadmin):
    from django.test import Client

    role_request = services.user_create(
        actor=sysadmin, base_url="http://testserver", **{**new_user_data(), "team": None}
    )
    link = set_password_link()

    services.user_deactivate(user=role_request.user, actor=sysadmin)

    assert "Linket virker ikke" in Client().get(link, follow=True).content.decode()


def test_the_administrator_withdraws_a_pending_role_change_audited(client, sysadmin, police):
    services.user_role_request(user=police, agency=Agency.CMM, role=Role.CMM_COORDINATOR, actor=sysadmin)
    step_up(login(client, sysadmin))
    assert "annuller-rolleanmodning" in client.get(f"{USERS}{police.pk}/").content.decode()

    client.post(f"{USERS}{police.pk}/annuller-rolleanmodning/", {"confirmed": "yes"})

    assert RoleRequest.objects.get().status == RoleRequest.Status.CANCELLED
    assert admin_events("role_change_cancelled")[0].detail == {"user": police.username}
    assert "annuller-rolleanmodning" not in client.get(f"{USERS}{police.pk}/").content.decode()
