"""The whole policy, walked: every role × every page and endpoint × a case in and out of its scope.

The expected answer comes from the policy tables in access/policy.py (the same tables that generate
docs/access-policy.md); the actual answer from the running system. A URL without a policy entry fails.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from access import policy
from access.policy import Action
from accounts import services as accounts
from accounts.models import Agency, Role, RoleRequest, User
from cases.codes import ResidenceStatus
from grants import services as grants
from grants.models import Share
from support.models import ActionPlan, ActionPlanVersion
from tests.factories import TeamFactory, UserFactory, login, make_case

pytestmark = pytest.mark.django_db

AGENCY_OF = {
    Role.CMM_CONTACT_PERSON: Agency.CMM,
    Role.CMM_COORDINATOR: Agency.CMM,
    Role.DIS_CASEWORKER: Agency.DIS,
    Role.DIS_COORDINATOR: Agency.DIS,
    Role.POLICE_LIAISON: Agency.POLICE,
    Role.REFERRING_AUTHORITY: Agency.SKAT,
    Role.NGO_WORKER: Agency.NGO,
    Role.IOM_OFFICER: Agency.IOM,
    Role.IMG_MEMBER: Agency.IMG,
    Role.DP_AUDITOR: "",
    Role.SYSTEM_ADMIN: "",
}

# Case routes answer POST only where they have no page; the walk sends what each route takes.
POST_ONLY = {
    "support-service-update",
    "case-assessment",
    "case-period",
    "case-period-extensions",
    "case-notification",
    "case-residence-status",
    "case-search",
    "case-shares",
    "case-share-withdraw",
    "case-handover",
    "case-handover-decision",
    "case-contact-person",
    "case-representative",
    "case-close",
    "case-dublin",
    "case-repatriation-offer",
    "case-repatriation-decision",
    "case-repatriation-plan",
    "case-repatriation-support",
    "case-repatriation-return",
    "reminders:acknowledge",
    "reminders:resend",
}
# Routes to one row of a case that the walk's world does not have: through the policy, the look-up answers 404.
# (intake: a report, not a case; outreach: an operation notice.)
NO_ROW = {"repatriation:attachment", "intake:report", "intake:referral", "outreach:operation_detail"}
# Routes about one of the user's own rows (a notification): the walk names a row of nobody's (pk 0), so a role
# that may use the route gets 404, as for another user's row.
OWN_ROWS = {
    "reminders:detail",
    "reminders:acknowledge",
    "reminders:resend",
    "reporting:detail",
    "reporting:progress",
    "reporting:pdf",
    "reporting:csv",
}


def url_names(resolver=None, namespace=""):
    """Every named URL pattern of the project, with its namespace."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_policy_entry():
    names = set(url_names())

    unlisted = sorted(name for name in names if policy.route_for(name) is None)
    stale = sorted(name for name in policy.ROUTES if name not in names)

    assert unlisted == [], "add these URLs to access.policy.ROUTES"
    assert stale == [], "these policy entries name no URL"


def test_the_written_policy_table_matches_the_code():
    call_command("access_policy", "--check")


def test_a_url_without_a_policy_entry_is_refused(client, cmm_worker, monkeypatch):
    login(client, cmm_worker)
    monkeypatch.delitem(policy.ROUTES, "cases:list")

    assert client.get("/sager/").status_code == 404


@pytest.fixture
def world(cmm_team):
    """One user per role, and for each a case inside and a case outside their scope."""
    users = {}
    for role in Role:
        agency = AGENCY_OF[role]
        if role in (Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR):
            team = cmm_team
        elif role in policy.SHARED_WITH_ROLES:
            team = TeamFactory(agency=agency, name=f"Organisation {role}")
        else:
            team = None
        users[role] = UserFactory(
            username=f"walk.{role}",
            agency=agency,
            role=role,
            team=team,
            is_staff=role == Role.SYSTEM_ADMIN,
            is_superuser=role == Role.SYSTEM_ADMIN,
        )
    contact = users[Role.CMM_CONTACT_PERSON]
    outsider = UserFactory(agency=Agency.CMM, role=Role.CMM_CONTACT_PERSON, team=TeamFactory(name="Team Vest"))
    cmm_case = make_case(contact, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    dis_case = make_case(users[Role.POLICE_LIAISON], residence_status=ResidenceStatus.ASYLUM_SEEKER)
    other_cmm = make_case(outsider, residence_status=ResidenceStatus.LEGAL_RESIDENCE)
    today = timezone.localdate()
    for role in policy.SHARED_WITH_ROLES:
        cmm_case.refresh_from_db()
        grants.share_create(
            case=cmm_case,
            actor=contact,
            expected_version=cmm_case.version,
            team=users[role].team,
            scope=Share.Scope.SUPPORT,
            consent_given_on=today,
            expires_on=today + dt.timedelta(days=30),
        )
    # A plan on every case, for the plan's pages and its PDF (written directly: the cases are still referred).
    for case in (cmm_case, dis_case, other_cmm):
        plan = ActionPlan.objects.create(case=case)
        ActionPlanVersion.objects.create(
            plan=plan, number=1, made_on=today, made_with_person=True, content={"goals": ["Mål"]}, created_by=contact
        )
    inside = {role: cmm_case for role in Role}
    inside[Role.DIS_CASEWORKER] = inside[Role.DIS_COORDINATOR] = dis_case
    # A role change waiting for a CMM coordinator, for the approval pages.
    accounts.user_role_request(
        user=outsider, agency=Agency.CMM, role=Role.CMM_COORDINATOR, team=None, actor=users[Role.SYSTEM_ADMIN]
    )
    outside = {role: other_cmm for role in Role}
    outside[Role.CMM_COORDINATOR] = dis_case  # DIS-only, no CMM team: outside the coordinator's scope
    return users, inside, outside


def expected_status(user, route, case, visible):
    rule = policy.POLICY[route.action]
    if not policy.role_may(user, route.action):
        return 404 if route.hidden else 403
    if not rule.on_case:
        return 302 if route.step_up else 200  # to the step-up page first: the walk's session has no fresh code
    if not visible:
        return 404
    return 200 if policy.can(user, route.action, case) else 403


def reverse_for(name, case) -> str:
    for kwargs in (
        {},
        {"number": case.number},
        {"number": case.number, "share_id": share_id(case)},
        {"number": case.number, "pk": 0},
        {"number": case.number, "version": 1},
        {"number": case.number, "attachment_id": 0},
        {"user_id": User.objects.order_by("pk").values_list("pk", flat=True).first()},
        {"request_id": RoleRequest.objects.values_list("pk", flat=True).first() or 0},
        {"pk": 0},
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"the walk does not know the arguments of {name}")


def answer(client, name, case):
    url = reverse_for(name, case)
    if name in POST_ONLY and url.startswith("/api/"):
        return client.post(url, {}, content_type="application/json").status_code
    if name in POST_ONLY:
        return client.post(url, {}).status_code
    return client.get(url).status_code


def share_id(case):
    # A live share, if one is left: the walk's API call may have stopped the first before the page asks.
    live = case.shares.filter(withdrawn_at__isnull=True).values_list("pk", flat=True).first()
    return live or case.shares.values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_what_the_policy_says_on_every_route(client, world, role):
    users, inside, outside = world
    user = users[role]
    login(client, user)
    mismatches = []
    names = set(url_names())
    for name, route in sorted(policy.ROUTES.items()):
        if route.public or name not in names:  # unknown names fail test_every_url_has_a_policy_entry
            continue
        for case in (inside[role], outside[role]):
            case.refresh_from_db()
            visible = policy.visible_cases(user).filter(pk=case.pk).exists()
            expected = expected_status(user, route, case, visible)
            actual = answer(client, name, case)
            if name in OWN_ROWS and expected == 200:
                expected = 404
            if name in POST_ONLY and expected == 200:
                expected = {200, 302, 400}  # through the policy: an empty POST is then judged on its input
            elif name in POST_ONLY and expected == 403 and policy.role_may(user, route.action) and ":" not in name:
                expected = 400  # the API answers a refused transition (wrong state) as 400 with the reason
            elif name in NO_ROW and expected == 200:
                expected = 404
            ok = actual in expected if isinstance(expected, set) else actual == expected
            if not ok:
                mismatches.append((name, case.number, "in" if case == inside[role] else "out", expected, actual))
    assert not mismatches, "\n".join(
        f"{route} {number} ({scope}): expected {want}, got {got}" for route, number, scope, want, got in mismatches
    )


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/accounts/user/", "/admin/cases/case/"])
def test_the_django_admin_serves_nobody(client, world, path):
    users, _inside, _outside = world
    assert client.get(path).status_code == 404
    for user in users.values():
        client.logout()
        login(client, user)
        assert client.get(path).status_code == 404, (user.role, path)


def test_break_the_glass_page_is_for_coordinators(client, world):
    users, _inside, outside = world
    login(client, users[Role.CMM_COORDINATOR])
    case = outside[Role.CMM_COORDINATOR]

    assert client.get(f"/sager/{case.number}/").status_code == 404
    response = client.post(
        "/noedadgang/", {"number": case.number, "reason": "Personen er i akut fare og skal have hjælp nu."}
    )

    assert response.status_code == 302
    assert client.get(f"/sager/{case.number}/").status_code == 200
    assert Action.BREAK_THE_GLASS in policy.POLICY
