"""Every answer denies the browser features no page uses, and the CSP's violations are reported to us and counted."""

import json

import pytest
from django.test import Client, override_settings

from accounts.models import Role
from audit.csp_reports import blocked_host
from audit.models import AuditEvent, CspReport
from tests.factories import UserFactory, login, make_case

pytestmark = pytest.mark.django_db

DENIED = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics", "interest-cohort", "fullscreen")


def report_uri_body(**overrides) -> dict:
    """What a browser posts to the CSP's report-uri."""
    report = {
        "document-uri": "https://cmm.example.org/sager/CMM-2026-0001/?q=Amina+Okafor",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; report-uri /csp-report/",
        "disposition": "enforce",
        "blocked-uri": "https://evil.example.com:8443/steal.js?name=Amina+Okafor",
        "status-code": 200,
    }
    return {"csp-report": {**report, **overrides}}


def report_to_body(*bodies) -> list:
    """What a browser posts to the Reporting-Endpoints entry the CSP's report-to names."""
    return [
        {"type": "csp-violation", "age": 10, "url": "https://cmm.example.org/", "user_agent": "Chromium", "body": body}
        for body in bodies
    ]


def post_report(data, content_type="application/csp-report", **extra):
    client = Client(enforce_csrf_checks=True)  # a browser's report carries no CSRF token
    return client.post("/csp-report/", json.dumps(data), content_type=content_type, **extra)


@pytest.mark.parametrize("who", ["anonymous", "caseworker"])
@pytest.mark.parametrize("url", ["/login/", "/", "/sager/{number}/", "/api/v1/cases/", "/ingen-side/"])
def test_every_answer_carries_the_permissions_policy_and_the_report_endpoints(client, cmm_worker, who, url):
    case = make_case(cmm_worker)
    if who == "caseworker":
        login(client, cmm_worker)

    response = client.get(url.format(number=case.number))

    policy = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    assert all(policy[feature] == "()" for feature in DENIED)
    assert set(policy.values()) == {"()"}
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'
    csp = response["Content-Security-Policy"]
    assert "report-uri /csp-report/" in csp and "report-to csp" in csp


def test_a_report_uri_report_is_counted_with_its_directive_and_host_only():
    response = post_report(report_uri_body())
    again = post_report(report_uri_body(**{"blocked-uri": "https://evil.example.com:8443/other.js"}))

    assert (response.status_code, again.status_code) == (204, 204)
    report = CspReport.objects.get()
    assert (report.directive, report.blocked, report.disposition, report.count) == (
        "script-src-elem",
        "evil.example.com:8443",
        "enforce",
        2,
    )
    stored = json.dumps(list(CspReport.objects.values()), default=str)
    assert "Amina" not in stored and "steal.js" not in stored and "CMM-2026" not in stored
    assert not AuditEvent.objects.exists()  # the public endpoint writes nothing to the access log


def test_a_report_to_batch_is_counted_per_violation():
    inline = {"effectiveDirective": "style-src-attr", "blockedURL": "inline", "disposition": "enforce"}
    image = {"effectiveDirective": "img-src", "blockedURL": "data:image/png;base64,AAAA", "disposition": "report"}
    batch = [*report_to_body(inline, image), {"type": "deprecation", "body": {"id": "x"}}]

    response = post_report(batch, content_type="application/reports+json")

    assert response.status_code == 204
    rows = set(CspReport.objects.values_list("directive", "blocked", "disposition", "count"))
    assert rows == {("style-src-attr", "inline", "enforce", 1), ("img-src", "data:", "report", 1)}


@override_settings(CSP_REPORT_MAX_BYTES=2048)
def test_an_oversized_report_is_refused_and_not_counted():
    padded = report_uri_body(**{"script-sample": "x" * 4096})

    response = post_report(padded)

    assert response.status_code == 413
    assert not CspReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/csp-report", 400),
        ('{"csp-report": {}}', "text/plain", 415),
        ('{"csp-report": {}}', "application/x-www-form-urlencoded", 415),
    ],
)
def test_a_malformed_report_is_refused(body, content_type, status):
    response = Client().post("/csp-report/", body, content_type=content_type)

    assert response.status_code == status
    assert not CspReport.objects.exists()


def test_the_endpoint_takes_posts_only():
    assert Client().get("/csp-report/").status_code == 405


@override_settings(CSP_REPORT_KINDS_PER_DAY=2)
def test_past_the_daily_cap_new_kinds_are_dropped_and_known_kinds_still_counted():
    for host in ("a.example", "b.example", "c.example", "a.example"):
        assert post_report(report_uri_body(**{"blocked-uri": f"https://{host}/x.js"})).status_code == 204

    assert dict(CspReport.objects.values_list("blocked", "count")) == {"a.example": 2, "b.example": 1}


@pytest.mark.parametrize(
    ("blocked", "kept"),
    [
        ("https://cdn.example.com/a.js?user=ada", "cdn.example.com"),
        ("wss://socket.example.com:444/chat", "socket.example.com:444"),
        ("eval", "eval"),
        ("", ""),
        ("blob:https://cmm.example.org/3f2a", "blob:"),
        ("chrome-extension://abcdefghijklmnop/inject.js", "chrome-extension:"),
        ("https://[::1", "other"),
    ],
)
def test_only_the_blocked_host_scheme_or_keyword_is_kept(blocked, kept):
    assert blocked_host(blocked) == kept


def test_the_system_administrator_reads_the_counts_on_a_page_of_their_own(client):
    post_report(report_uri_body())
    admin_user = UserFactory(agency="", role=Role.SYSTEM_ADMIN, team=None, is_staff=True)
    login(client, admin_user)

    listing = client.get("/sikkerhed/csp-rapporter/")

    assert listing.status_code == 200 and "evil.example.com:8443" in listing.content.decode()
    assert client.post("/sikkerhed/csp-rapporter/", {"delete": "1"}).status_code == 405
    assert CspReport.objects.filter(count=1).exists()


@pytest.mark.parametrize("role", [Role.CMM_COORDINATOR, Role.DP_AUDITOR, Role.NGO_WORKER])
def test_other_roles_do_not_read_the_csp_counts(client, role):
    login(client, UserFactory(role=role, team=None))

    assert client.get("/sikkerhed/csp-rapporter/").status_code == 403
