"""CMM's triage: hotline calls logged, reports dismissed with a reason, linked to a case, or turned into a
referral filled in from them; every step audited; nobody outside CMM sees the queue; expiry deletes."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case
from intake import services, tasks
from intake.models import Message, Report
from tests.factories import login, make_case
from tests.html import Page

pytestmark = pytest.mark.django_db

HOTLINE = {
    "reporter_role": "business",
    "language": "Engelsk",
    "what_seen": "En kunde fortæller om tre kvinder, der bor i klinikkens baglokale.",
    "municipality": "Odense",
    "place_kind": "massage",
    "seen_when": "I aftes",
    "exploitation_forms": ["SexualExploitation"],
    "contact": "",
    "follow_up": "Ring tilbage i morgen.",
}


def web_report(**changes) -> Report:
    data = {
        "what_seen": "Seks mænd sover i en container på byggepladsen.",
        "municipality": "Køge",
        "place_kind": "workplace",
        "seen_when": "November",
        "exploitation_forms": ["ForcedLabour"],
        "reporter_role": "landlord",
        "contact": "",
        **changes,
    }
    report, _code = services.report_submit(data=data)
    return report


def audited(what: str) -> AuditEvent:
    return AuditEvent.objects.get(what=what)


def test_a_hotline_call_is_logged_encrypted_and_audited(client, cmm_worker):
    login(client, cmm_worker)

    response = client.post("/hotline/ny/", HOTLINE)

    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/visitation/{report.pk}/"
    assert report.channel == Report.Channel.HOTLINE and report.logged_by == cmm_worker
    assert report.follow_up == "Ring tilbage i morgen." and report.language == "Engelsk"
    assert audited("intake_hotline_call_logged").detail == {"intake_report": report.pk, "channel": "hotline"}


def test_a_hotline_call_without_what_was_said_keeps_the_rest_and_says_so(client, cmm_worker):
    login(client, cmm_worker)

    response = client.post("/hotline/ny/", {**HOTLINE, "what_seen": ""})

    assert response.status_code == 400
    assert "Skriv hvad opkalderen fortalte." in response.content.decode()
    assert "Ring tilbage i morgen." in response.content.decode()


@pytest.mark.parametrize("role_user", ["dis_worker", "police", "ngo_worker"])
def test_only_cmm_sees_the_queue_and_the_reports(client, role_user, request):
    report = web_report()
    login(client, request.getfixturevalue(role_user))

    assert client.get("/visitation/").status_code == 403
    assert client.get(f"/visitation/{report.pk}/").status_code == 403
    assert client.get("/hotline/ny/").status_code == 403


def test_the_queue_lists_new_reports_in_a_fixed_number_of_queries(client, coordinator, django_assert_num_queries):
    for _ in range(5):
        web_report()
    login(client, coordinator)
    client.get("/visitation/")  # the session's first request warms its caches

    with django_assert_num_queries(5):  # session, user, audit, the reports, the menu's count
        response = client.get("/visitation/")

    assert len(Page(response).main.find_all("tr", **{"data-testid": "intake-row"})) == 5
    assert AuditEvent.objects.filter(what="intake_queue").last().detail["intake_reports"] == sorted(
        Report.objects.values_list("pk", flat=True)
    )


def test_dismissing_needs_a_reason_and_happens_once(client, cmm_worker):
    report = web_report()
    login(client, cmm_worker)

    refused = client.post(f"/visitation/{report.pk}/", {"action": "dismiss"})
    done = client.post(f"/visitation/{report.pk}/", {"action": "dismiss", "dismiss-reason": "too_little"})
    again = client.post(f"/visitation/{report.pk}/", {"action": "dismiss", "dismiss-reason": "junk"})

    assert refused.status_code == 400 and "Vælg hvorfor indberetningen afsluttes uden sag." in refused.content.decode()
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED and report.dismiss_reason == "too_little"
    assert again.status_code == 400 and "allerede behandlet" in again.content.decode()
    assert audited("intake_report_dismissed").detail == {
        "intake_report": report.pk,
        "channel": "web",
        "reason": "too_little",
    }


def test_a_report_links_only_to_a_case_the_user_can_see(client, cmm_worker, cmm_outsider):
    report = web_report()
    own = make_case(cmm_worker)
    others = make_case(cmm_outsider)
    login(client, cmm_worker)

    hidden = client.post(f"/visitation/{report.pk}/", {"action": "link", "link-number": others.number})
    missing = client.post(f"/visitation/{report.pk}/", {"action": "link", "link-number": "CMM-1999-99999"})
    linked = client.post(f"/visitation/{report.pk}/", {"action": "link", "link-number": own.number})

    message = "Der er ingen sag med det nummer, som du har adgang til."
    assert hidden.status_code == missing.status_code == 400
    assert message in hidden.content.decode() and message in missing.content.decode()
    assert linked.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.LINKED and report.case == own
    assert audited("intake_report_linked").case_ids == [own.pk]


def test_a_reply_is_read_by_the_reporter_with_the_receipt_code(client, cmm_worker):
    report, code = services.report_submit(
        data={
            "what_seen": "Jeg så noget.",
            "municipality": "",
            "place_kind": "",
            "seen_when": "",
            "exploitation_forms": [],
            "reporter_role": "private",
            "contact": "",
        }
    )
    login(client, cmm_worker)
    client.post(f"/visitation/{report.pk}/", {"action": "reply", "reply-text": "Tak, vi ser på det."})
    client.logout()

    page = client.post("/indberet/opfoelgning/", {"code": code}).content.decode()

    assert "Svar fra CMM" in page and "Tak, vi ser på det." in page
    assert "Tak, vi ser på det." not in [m.text for m in Message.objects.filter(author="reporter")]
    assert audited("intake_reply_written").actor == cmm_worker


def test_a_report_becomes_a_referral_filled_in_from_it_and_then_a_case(client, cmm_worker):
    report = web_report()
    login(client, cmm_worker)

    form = Page(client.get(f"/visitation/{report.pk}/henvisning/"))
    assert form.value("channel") == ["anonymous_web"] and form.value("source") == ["OTHER"]
    assert form.value("exploitation_forms") == ["ForcedLabour"]
    assert "Seks mænd sover i en container" in form.value("circumstances")
    assert "Sted: Køge, Arbejdsplads" in form.value("circumstances")
    assert form.main.find("form").attrs["action"] == f"/visitation/{report.pk}/henvisning/"

    saved = client.post(
        f"/visitation/{report.pk}/henvisning/",
        {
            "given_name": "Ukendt",
            "gender": "Masculine",
            "received_at": timezone.localtime(report.received_at).strftime("%d.%m.%Y %H:%M"),
            "source": "OTHER",
            "channel": "anonymous_web",
            "residence_status": "no_legal_residence",
            "exploitation_forms": ["ForcedLabour"],
            "recruiter_relation": "Unknown",
            "circumstances": "Fra en anonym indberetning.",
            "form_token": str(uuid.uuid4()),
            "step": "save",
        },
    )

    assert saved.status_code == 302, Page(saved).error_summary()
    case = Case.objects.get()
    report.refresh_from_db()
    assert report.status == Report.Status.REFERRED and report.case == case
    assert audited("intake_report_referred").case_ids == [case.pk]
    # Linked to a case, the report is kept past its expiry.
    assert services.reports_expire(timezone.now() + dt.timedelta(days=365)) == 0


def test_expiry_deletes_old_reports_not_linked_to_a_case_and_logs_no_content(settings, cmm_worker):
    settings.INTAKE_RETENTION_DAYS = 90
    old = web_report(what_seen="Gammel indberetning med indhold")
    Message.objects.create(report=old, author=Message.Author.REPORTER, text="Mere indhold")
    recent = web_report()
    kept = web_report()
    Report.objects.filter(pk__in=[old.pk, kept.pk]).update(received_at=timezone.now() - dt.timedelta(days=91))
    Report.objects.filter(pk=kept.pk).update(status=Report.Status.LINKED, case=make_case(cmm_worker))

    assert tasks.reports_expire.delay().get() == 1

    assert set(Report.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert not Message.objects.exists()
    row = audited("intake_reports_expired")
    assert row.detail["intake_reports"] == [old.pk] and "indhold" not in str(row.detail)
