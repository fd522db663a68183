"""The working group's member reaches the statistics and nothing else: every URL of the project, walked.

Every named URL pattern is resolved from the URLconf and called with real ids of the seeded world (a case with
a person's name, birth date and number, its share and action plan, a role request, the member's own report).
No answer may hold a person-level datum, and every page about a case answers 403 or 404.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from access import policy
from access.policy import Action
from accounts import services as accounts
from accounts.models import Agency, Role, RoleRequest
from reporting.models import ReportJob
from support.models import ActionPlan, ActionPlanVersion
from tests.factories import TeamFactory, UserFactory, login
from tests.states import shared

from .conftest import canaries
from .samples import published_2017

pytestmark = pytest.mark.django_db

# What the member may open: the start page, their notices, confirming their identity, and the statistics.
THEIRS = {Action.HOME, Action.NOTIFICATIONS, Action.STEP_UP, Action.STATISTICS}
# Addresses the walk does not call: logging out would end the walk's session.
NOT_CALLED = {"logout"}


def patterns(resolver=None, namespace=""):
    """Every named URL pattern of the project: its full name and the names of its arguments."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, arguments in patterns(pattern, inner):
                yield name, set(pattern.pattern.converters) | arguments
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {}) or {}
            groups = set(getattr(pattern.pattern.regex, "groupindex", {}))
            yield f"{namespace}{pattern.name}", set(converters) | groups


@pytest.fixture
def world(cmm_worker, coordinator, victims, img_member):
    """The seeded cases (victims), one shared with an NGO and with an action plan; a role request; the member's
    own finished report, made from published figures."""
    from reporting import charts, pdf

    case = victims[-1]  # referred by the CMM contact person, who is its contact person
    ngo = TeamFactory(agency=Agency.NGO, name="Reden")
    case = shared(case, ngo)
    plan = ActionPlan.objects.create(case=case)
    ActionPlanVersion.objects.create(
        plan=plan,
        number=1,
        made_on=case.created_at.date(),
        made_with_person=True,
        content={"goals": ["Mål"]},
        created_by=cmm_worker,
    )
    admin = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True)
    accounts.user_role_request(
        user=UserFactory(agency=Agency.CMM, role=Role.CMM_CONTACT_PERSON),
        agency=Agency.CMM,
        role=Role.CMM_COORDINATOR,
        team=None,
        actor=admin,
    )
    published = published_2017("da")
    job = ReportJob.objects.create(
        requested_by=img_member,
        start=published.start,
        end=published.end,
        language="da",
        parameters=ReportJob.parameters_of(published.start, published.end, "da"),
        status=ReportJob.Status.DONE,
        csv="table,code,count\nsex,female,86\n",
        pdf=pdf.report_pdf(published, charts=charts.report_charts(published), generated_at=case.created_at),
    )
    values = {
        "number": case.number,
        "share_id": case.shares.values_list("pk", flat=True).first(),
        "version": 1,
        "attachment_id": 0,
        "user_id": cmm_worker.pk,
        "request_id": RoleRequest.objects.values_list("pk", flat=True).first(),
        "uidb64": "MQ",
        "token": "set-password-token",
    }
    return case, job, values


def url_for(name: str, arguments: set[str], job, values) -> str:
    kwargs = {argument: values.get(argument, 0) for argument in arguments}
    if "pk" in kwargs:
        kwargs["pk"] = job.pk if name.startswith("reporting:") else 0
    return reverse(name, kwargs=kwargs)


def test_the_img_member_sees_no_person_on_any_address_and_no_case_page(client, world, img_member, victims):
    case, job, values = world
    login(client, img_member)
    data = canaries(victims)
    leaks, opened, wrong = [], set(), []
    for name, arguments in sorted(patterns()):
        if name in NOT_CALLED:
            continue
        url = url_for(name, arguments, job, values)
        route = policy.route_for(name)
        for method in ("get", "post"):
            response = getattr(client, method)(
                url, {}, **({"content_type": "application/json"} if "/api/" in url else {})
            )
            # The language switch carries the address asked for back to it: the walk's own, not a datum shown.
            body = response.content.decode(errors="replace").replace(f'value="{url}"', "")
            if name.startswith("reporting:") and response.get("Content-Type") == "application/pdf":
                from .test_jobs import pdf_text

                body = pdf_text(response.content)
            leaks += [(name, method, datum) for datum in data if datum in body]
            if response.status_code == 200:
                opened.add(name)
            theirs = route is not None and (route.public or route.action_for(method.upper()) in THEIRS)
            if not theirs and response.status_code not in (403, 404, 405):
                wrong.append((name, method, response.status_code))
            if "number" in arguments and response.status_code not in (403, 404, 405):
                wrong.append((name, method, response.status_code))

    assert leaks == [], leaks
    assert wrong == []
    assert {"reporting:list", "reporting:detail", "reporting:progress", "reporting:pdf", "reporting:csv"} <= opened
    assert all(policy.route_for(name).public or policy.route_for(name).action in THEIRS for name in opened), opened
