"""The public report form and the follow-up with a receipt code: no login, no address kept, the text kept on
every refusal, a limit per address, and no way to tell a wrong code from any other failed one."""

import logging
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from audit.models import AuditEvent
from intake import receipts
from intake.models import Message, RateCount, Report

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
AGENT = "Canary-Browser/9.9 (fingerprint-canary)"
FORM = {
    "what_seen": "Seks mænd sover i en container på byggepladsen og får ingen løn.",
    "municipality": "Køge",
    "place_kind": "workplace",
    "seen_when": "Flere gange i november",
    "exploitation_forms": ["ForcedLabour"],
    "reporter_role": "private",
    "contact": "",
    "homepage": "",
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def public():
    return Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)


def submit(client, **changes) -> tuple[int, str]:
    response = client.post("/indberet/", {**FORM, **changes})
    return response.status_code, response.content.decode()


def receipt_in(body: str) -> str:
    return re.search(r'data-testid="receipt-code"><strong>([0-9A-Z-]+)</strong>', body).group(1)


def test_a_report_is_stored_encrypted_and_its_receipt_only_as_a_hash(public):
    status, body = submit(public)

    assert status == 200
    code = receipt_in(body)
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}", code)
    report = Report.objects.get()
    assert report.what_seen == FORM["what_seen"] and report.exploitation_forms == ["ForcedLabour"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT what_seen, municipality, seen_when, receipt_hash FROM intake_report")
        what_seen, municipality, seen_when, stored_hash = cursor.fetchone()
    assert what_seen.startswith("f1:") and municipality.startswith("f1:") and seen_when.startswith("f1:")
    assert "container" not in what_seen
    assert code.replace("-", "") not in stored_hash and stored_hash == receipts.receipt_hash(code)
    # The form sets no cookie but the CSRF token it needs; no session.
    assert set(public.cookies) == {"csrftoken"}


def test_no_address_or_user_agent_reaches_the_database_or_the_logs(public, caplog):
    caplog.set_level(logging.DEBUG)
    public.get("/indberet/")
    _status, body = submit(public)
    submit(public, what_seen="")  # a refusal is logged by Django (400)
    code = receipt_in(body)
    public.post("/indberet/opfoelgning/", {"code": code})
    public.post("/indberet/opfoelgning/", {"code": code, "text": "Der kom en bil mere i går."})
    public.post("/indberet/opfoelgning/", {"code": "0000000000000000000000000"})
    Client(REMOTE_ADDR=ADDRESS, enforce_csrf_checks=True).post("/indberet/", FORM)  # a CSRF refusal, audited

    assert AuditEvent.objects.filter(what__startswith="intake_").count() == 2
    assert AuditEvent.objects.filter(what="csrf_failed").exists()
    dumped = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f'SELECT t::text FROM "{model._meta.db_table}" t')  # noqa: S608 (table names, not input)
            dumped += [row[0] for row in cursor.fetchall()]
    everything = "\n".join(dumped)
    assert ADDRESS not in everything and "fingerprint-canary" not in everything
    for record in caplog.records:
        line = f"{record.getMessage()} {record.args} {record.__dict__.get('status_code', '')}"
        assert ADDRESS not in line and "fingerprint-canary" not in line


def test_bad_input_keeps_the_text_and_says_what_is_wrong(public):
    status, body = submit(public, reporter_role="", what_seen="Det jeg så " + "x" * 5000)

    assert status == 400
    assert "Vælg om du skriver som privatperson" in body
    assert "Det jeg så xxxx" in body  # the text stays in the form
    assert not Report.objects.exists()


def test_the_honeypot_refuses_without_storing_and_keeps_the_text(public):
    status, body = submit(public, homepage="http://spam.example")

    assert status == 400 and "Seks mænd sover" in body
    assert not Report.objects.exists()


def test_the_rate_limit_holds_per_address_and_keeps_no_address(public, settings):
    settings.INTAKE_REPORTS_PER_HOUR = 2
    assert [submit(public)[0] for _ in range(3)] == [200, 200, 429]
    status, body = submit(public)

    assert status == 429 and "Prøv igen om en time" in body and "Seks mænd sover" in body
    assert Report.objects.count() == 2
    # Another address is counted on its own.
    assert submit(Client(REMOTE_ADDR="198.51.100.9"))[0] == 200
    keys = list(RateCount.objects.values_list("key", flat=True))
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)


def test_a_ended_hour_s_counts_are_deleted_by_the_hourly_job(public, settings):
    import datetime as dt

    from django.utils import timezone

    from intake import ratelimit, tasks

    submit(public)
    RateCount.objects.update(window_start=ratelimit.window_start(timezone.now()) - dt.timedelta(hours=1))

    assert tasks.rate_counts_clear.delay().get() == 1
    assert not RateCount.objects.exists()


def test_the_receipt_code_opens_the_report_and_the_reporter_can_add_to_it(public):
    code = receipt_in(submit(public)[1])

    opened = public.post("/indberet/opfoelgning/", {"code": code.lower().replace("-", " ")})
    assert opened.status_code == 200 and "Seks mænd sover" in opened.content.decode()
    added = public.post("/indberet/opfoelgning/", {"code": code, "text": "Der kom en bil mere i går."})

    assert added.status_code == 200 and "Der kom en bil mere i går." in added.content.decode()
    assert Message.objects.get().author == Message.Author.REPORTER


def test_a_wrong_code_and_a_deleted_report_s_code_answer_alike(public):
    first = receipt_in(submit(public)[1])
    second = receipt_in(submit(public)[1])
    Report.objects.get(receipt_hash=receipts.receipt_hash(first)).delete()

    answers = []
    for code in (first, receipts.receipt_new(), "not a code"):
        response = public.post("/indberet/opfoelgning/", {"code": code, "text": "Mere"})
        answers.append((response.status_code, CSRF.sub("", response.content.decode()).replace(code, "")))

    assert len(set(answers)) == 1 and answers[0][0] == 400
    # The other report's own code opens that report only, never the first one's text or messages.
    other = public.post("/indberet/opfoelgning/", {"code": second}).content.decode()
    assert "Seks mænd sover" in other and Report.objects.count() == 1


def test_receipt_look_ups_are_rate_limited(public, settings):
    settings.INTAKE_LOOKUPS_PER_HOUR = 3
    code = receipt_in(submit(public)[1])
    statuses = [public.post("/indberet/opfoelgning/", {"code": receipts.receipt_new()}).status_code for _ in range(3)]
    refused = public.post("/indberet/opfoelgning/", {"code": code})

    assert statuses == [400, 400, 400] and refused.status_code == 429  # the right code too, once over the limit


def test_the_form_is_in_english_after_the_language_switch(public):
    public.post("/i18n/setlang/", {"language": "en", "next": "/indberet/"})
    body = public.get("/indberet/").content.decode()

    assert '<html lang="en">' in body and "What have you seen or heard?" in body
    status, body = submit(public)
    assert status == 200 and "Your receipt code" in body


def test_the_web_server_s_access_log_names_no_client():
    """gunicorn's default access log has the address (%(h)s), the referer (%(f)s) and the user agent (%(a)s);
    the deployed format has none of them, nor any request header (nginx's is tests/ops/test_proxy.py's)."""
    import shlex
    from pathlib import Path

    import yaml
    from django.conf import settings

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    command = shlex.split(compose["services"]["web"]["command"])
    log_format = command[command.index("--access-logformat") + 1]

    assert "--access-logfile" in command
    for token in ("%(h)s", "%(f)s", "%(a)s", "%(u)s", "%(q)s", "%(r)s", "}i)s", "}e)s"):
        assert token not in log_format


def test_a_failure_after_the_report_is_stored_loses_neither_the_report_nor_its_code(public, monkeypatch):
    from audit.services import AuditUnavailable
    from intake import services

    def audit_down(**kwargs):
        raise AuditUnavailable("audit row not written (OperationalError)")

    monkeypatch.setattr(services, "audit_record", audit_down)  # the access log cannot be written just then

    status, body = submit(public)

    assert status == 200
    report = Report.objects.get()
    assert receipts.receipt_matches(receipt_in(body), report.receipt_hash)


def test_the_same_form_sent_twice_is_one_report_and_its_code_is_not_shown_again(public):
    import uuid

    token = str(uuid.uuid4())
    _status, first = submit(public, form_token=token)
    status, again = submit(public, form_token=token)

    assert status == 200 and Report.objects.count() == 1
    assert receipt_in(first) not in again and 'data-testid="receipt-repeat"' in again
