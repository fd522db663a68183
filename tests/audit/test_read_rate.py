"""Mass reads: distinct case files read within an hour raise an alert past the threshold, 429 past the hard limit.

The counting is the access log's (audit/read_rate.py): a case page, form page or API read of one case
counts once per distinct case; list pages do not. None of it uses Redis or a cache.
"""

import datetime as dt
import json

import pytest
from django.core.cache.backends.base import BaseCache
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent, ReadAlert
from audit.read_rate import read_usage
from audit.services import audit_record
from cases.models import Case, CaseEvent
from tests.audit.helpers import dated
from tests.factories import UserFactory, login, make_case, person_data, referral_data

pytestmark = pytest.mark.django_db


class NoCache(BaseCache):
    """A cache that fails whoever uses it: the read-rate path must not (it must work with Redis down)."""

    def __init__(self, *args, **kwargs):
        super().__init__({})

    def _refuse(self, *args, **kwargs):
        raise AssertionError("the read-rate path used a cache")

    add = get = set = touch = delete = clear = get_many = set_many = delete_many = incr = decr = has_key = _refuse


def read_earlier(user, case_ids, *, what="case_page", action=AuditEvent.Action.READ):
    """Access-log rows of reads `user` made a moment ago, one per case, as the case page writes them."""
    for case_id in case_ids:
        audit_record(actor=user, action=action, what=what, case=case_id)


def denied_rows(user, what):
    return AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.DENIED, what=what)


# Small limits, so that a test reaches them with a few cases: an alert past 2, refused past 4.
small_limits = override_settings(
    READ_ALERT_DISTINCT_CASES_PER_HOUR=2, READ_HARD_LIMIT_PER_HOUR=4, READ_LIMIT_COOLOFF_MINUTES=15
)


@pytest.fixture
def at_the_limit(cmm_worker):
    """The reader has read four distinct cases within the hour: the small hard limit."""
    read_earlier(cmm_worker, range(10_000, 10_004))


@pytest.fixture
def cases(cmm_worker):
    return [make_case(cmm_worker) for _ in range(3)]


@pytest.fixture
def reader(client, cmm_worker):
    login(client, cmm_worker)
    return client


def test_51_distinct_cases_within_an_hour_raise_exactly_one_alert(reader, cmm_worker):
    cases = [make_case(cmm_worker) for _ in range(52)]
    for case in cases[:50]:
        assert reader.get(f"/sager/{case.number}/").status_code == 200
    assert not ReadAlert.objects.exists()

    assert reader.get(f"/api/v1/cases/{cases[50].number}/").status_code == 200  # the 51st
    for case in cases[51:]:  # and past it: still the one alert
        assert reader.get(f"/sager/{case.number}/").status_code == 200

    alert = ReadAlert.objects.get()
    assert (alert.user, alert.distinct_cases, alert.limited_at, alert.reviewed_at) == (cmm_worker, 51, None, None)
    assert alert.raised_at - alert.window_start == dt.timedelta(hours=1)
    raised = AuditEvent.objects.get(actor=cmm_worker, what="read_alert_raised")
    assert raised.action == AuditEvent.Action.SECURITY
    assert raised.detail == {"read_alert": alert.pk, "distinct": 51, "limited": False}


def test_50_distinct_cases_raise_no_alert(reader, cmm_worker, cases):
    read_earlier(cmm_worker, range(10_000, 10_049))

    assert reader.get(f"/sager/{cases[0].number}/").status_code == 200  # the 50th

    assert not ReadAlert.objects.exists()


def test_reading_one_case_100_times_raises_no_alert(reader, cmm_worker, cases):
    read_earlier(cmm_worker, [cases[0].pk] * 80)
    for _ in range(20):
        assert reader.get(f"/api/v1/cases/{cases[0].number}/").status_code == 200

    assert not ReadAlert.objects.exists()
    assert read_usage(cmm_worker, cases[0].pk, now=timezone.now()).distinct == 1


def test_a_list_page_is_not_a_read_of_the_files_it_shows(reader, cmm_worker, cases):
    # Five list pages of 50 rows each: 250 cases named, none of their files opened.
    for page in range(5):
        audit_record(
            actor=cmm_worker, action=AuditEvent.Action.LIST, what="case_list", cases=range(page * 50, page * 50 + 50)
        )

    assert reader.get(f"/sager/{cases[0].number}/").status_code == 200

    assert not ReadAlert.objects.exists()
    assert read_usage(cmm_worker, cases[1].pk, now=timezone.now()).distinct == 1


def test_form_pages_and_api_events_count_as_reads_of_the_case(reader, cmm_worker, cases):
    reader.get(f"/api/v1/cases/{cases[0].number}/events/")
    reader.get(f"/sager/{cases[1].number}/deling/")

    usage = read_usage(cmm_worker, cases[2].pk, now=timezone.now())
    assert (usage.distinct, usage.seen) == (2, False)


def aged(user, minutes: int) -> None:
    """Move the user's access-log rows and alerts `minutes` into the past, as time passing would.

    The database dates each row with its own clock, so time cannot be travelled; only a superuser can
    re-date a row (tests/audit/helpers.dated).
    """
    for row in AuditEvent.objects.filter(actor=user):
        dated(row, row.occurred_at - dt.timedelta(minutes=minutes))
    for alert in ReadAlert.objects.filter(user=user):
        alert.raised_at -= dt.timedelta(minutes=minutes)
        alert.window_start -= dt.timedelta(minutes=minutes)
        alert.save(update_fields=["raised_at", "window_start"])


def test_reads_older_than_an_hour_do_not_count_and_a_new_window_raises_a_new_alert(reader, cmm_worker, cases):
    read_earlier(cmm_worker, range(10_000, 10_050))
    assert reader.get(f"/sager/{cases[0].number}/").status_code == 200
    assert ReadAlert.objects.count() == 1

    aged(cmm_worker, 59)
    assert reader.get(f"/sager/{cases[1].number}/").status_code == 200  # 52 in the window: the alert stands
    assert ReadAlert.objects.count() == 1

    aged(cmm_worker, 2)  # the first 51 reads are now 61 minutes old, the 52nd two minutes
    assert read_usage(cmm_worker, cases[2].pk, now=timezone.now()).distinct == 1
    read_earlier(cmm_worker, range(20_000, 20_050))
    assert reader.get(f"/sager/{cases[2].number}/").status_code == 200

    assert ReadAlert.objects.count() == 2


@small_limits
def test_past_the_hard_limit_the_page_answers_429_and_the_refusal_is_audited(reader, cmm_worker, cases, at_the_limit):
    response = reader.get(f"/sager/{cases[0].number}/")

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    body = response.content.decode()
    assert "Adgangen til sager er spærret" in body and "spærret i 15 min" in body
    assert cases[0].person.full_name not in body
    refusal = denied_rows(cmm_worker, "read_limit_reached").get()
    assert refusal.case_ids == [cases[0].pk] and refusal.detail == {"distinct": 5, "limit": 4}
    assert not AuditEvent.objects.filter(what="case_page", case_ids=[cases[0].pk]).exists()
    alert = ReadAlert.objects.get()
    assert alert.limited_at is not None and alert.distinct_cases == 5


@small_limits
def test_past_the_hard_limit_the_api_answers_429_in_its_error_shape(reader, cases, at_the_limit):
    response = reader.get(f"/api/v1/cases/{cases[0].number}/")

    assert (response.status_code, response["Retry-After"]) == (429, str(15 * 60))
    body = response.json()
    assert body["type"] == "client_error"
    assert [(error["code"], error["attr"]) for error in body["errors"]] == [("throttled", None)]
    assert "spærret i 15 min" in body["errors"][0]["detail"]
    assert cases[0].number not in json.dumps(body)


@small_limits
def test_during_the_cool_off_every_case_is_refused_and_nothing_changes(reader, cmm_worker, dis_worker, cases):
    read_earlier(cmm_worker, [cases[0].pk, 10_001, 10_002, 10_003])
    assert reader.get(f"/sager/{cases[1].number}/").status_code == 429  # the 5th: the cool-off starts
    case = cases[0]  # read before the limit, and still refused during the cool-off
    version, events = case.version, CaseEvent.objects.filter(case=case).count()

    aged(cmm_worker, 10)
    page = reader.get(f"/sager/{case.number}/")
    api = reader.get(f"/api/v1/cases/{case.number}/events/")
    form = reader.post(f"/sager/{case.number}/overdragelse/", {"version": version, "reason": "Personen har fået asyl."})
    transition = reader.post(
        f"/api/v1/cases/{case.number}/assessment/",
        {"version": version, "decision": "victim", "decided_on": "2026-11-30", "reasons": "Indikatorer."},
        content_type="application/json",
    )

    assert [page.status_code, api.status_code, form.status_code, transition.status_code] == [429] * 4
    # Five of the fifteen minutes are left, give or take the seconds the requests took.
    assert 5 * 60 - 5 <= int(page["Retry-After"]) <= 5 * 60
    assert 5 * 60 - 5 <= int(api["Retry-After"]) <= 5 * 60
    assert Case.objects.get(pk=case.pk).version == version
    assert CaseEvent.objects.filter(case=case).count() == events
    assert denied_rows(cmm_worker, "read_limited").count() == 4
    assert denied_rows(cmm_worker, "read_limit_reached").count() == 1  # the refusals do not prolong it
    assert ReadAlert.objects.count() == 1

    aged(cmm_worker, 6)  # sixteen minutes after the refusal: the cool-off is over
    again = reader.get(f"/sager/{case.number}/")  # already counted: not a new case past the limit
    new = reader.get(f"/sager/{cases[2].number}/")  # a new one: refused, a new cool-off
    assert (again.status_code, new.status_code) == (200, 429)
    assert denied_rows(cmm_worker, "read_limit_reached").count() == 2


@small_limits
def test_the_limit_is_the_users_own(reader, cmm_worker, cmm_colleague, cases, at_the_limit):
    read_earlier(cmm_colleague, range(10_000, 10_004))
    login(reader, cmm_colleague)

    assert reader.get(f"/sager/{cases[0].number}/").status_code == 429
    login(reader, UserFactory(role=Role.CMM_CONTACT_PERSON, team=cmm_worker.team))
    assert reader.get(f"/sager/{cases[0].number}/").status_code == 200


@override_settings(
    CACHES={"default": {"BACKEND": "tests.audit.test_read_rate.NoCache"}},
    READ_ALERT_DISTINCT_CASES_PER_HOUR=2,
    READ_HARD_LIMIT_PER_HOUR=3,
    REDIS_URL="redis://127.0.0.1:1/0",
    CELERY_BROKER_URL="redis://127.0.0.1:1/0",
)
def test_alert_and_limit_use_no_cache_and_no_redis(reader, cmm_worker, cases):
    read_earlier(cmm_worker, [10_000])

    answers = [reader.get(f"/sager/{case.number}/").status_code for case in cases]

    assert answers == [200, 200, 429]  # the 2nd raised the alert, the 4th distinct case is past the limit
    assert ReadAlert.objects.get().limited_at is not None


def test_the_check_is_one_query(cmm_worker, cases, django_assert_num_queries):
    from audit.read_rate import read_rate_check

    read_earlier(cmm_worker, range(10_000, 10_030))
    with django_assert_num_queries(1):
        read_rate_check(cmm_worker, cases[0])


def test_the_auditor_sees_the_alert_beside_break_the_glass_and_reviews_it(client, cmm_worker, cases, auditor):
    read_earlier(cmm_worker, range(10_000, 10_050))
    login(client, cmm_worker)
    client.get(f"/sager/{cases[0].number}/")
    alert = ReadAlert.objects.get()
    login(client, auditor)

    queue = client.get("/noedadgang/gennemgang/")
    reviewed = client.post("/noedadgang/gennemgang/", {"read_alert": alert.pk})
    after = client.get("/noedadgang/gennemgang/")

    body = queue.content.decode()
    assert queue.status_code == 200 and cmm_worker.username in body and "Usædvanligt mange sager læst" in body
    assert AuditEvent.objects.filter(actor=auditor, what="emergency_review", detail__read_alerts=[alert.pk]).exists()
    assert reviewed.status_code == 302
    alert.refresh_from_db()
    assert alert.reviewed_by == auditor and alert.reviewed_at is not None
    review = AuditEvent.objects.get(actor=auditor, what="read_alert_review")
    assert review.purpose == AuditEvent.Purpose.AUDIT
    assert review.detail == {"read_alert": alert.pk, "user": cmm_worker.pk}
    assert "Ingen alarm om mange sager venter på gennemgang." in after.content.decode()


def test_a_reviewed_alert_cannot_be_reviewed_again_and_others_cannot_review(client, cmm_worker, coordinator, auditor):
    alert = ReadAlert.objects.create(
        user=cmm_worker, window_start=timezone.now() - dt.timedelta(hours=1), distinct_cases=51
    )
    login(client, coordinator)
    assert client.post("/noedadgang/gennemgang/", {"read_alert": alert.pk}).status_code == 403
    login(client, auditor)
    assert client.post("/noedadgang/gennemgang/", {"read_alert": "x"}).status_code == 404
    assert client.post("/noedadgang/gennemgang/", {"read_alert": alert.pk}).status_code == 302
    assert client.post("/noedadgang/gennemgang/", {"read_alert": alert.pk}).status_code == 404


@small_limits
def test_the_refusal_speaks_the_users_language(reader, cases, at_the_limit):
    reader.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = reader.get(f"/sager/{cases[0].number}/").content.decode()
    api = reader.get(f"/api/v1/cases/{cases[0].number}/").json()

    assert "Access to cases is blocked" in page and "blocked for 15 min" in page
    assert api["errors"][0]["detail"].startswith("You have opened unusually many cases within the last hour")


@small_limits
def test_a_referral_registered_past_the_limit_is_saved_and_answered_as_sent(reader, cmm_worker, at_the_limit):
    read_earlier(cmm_worker, [10_004])  # one past the limit: the cool-off has started
    audit_record(actor=cmm_worker, action=AuditEvent.Action.DENIED, what="read_limit_reached")
    data = {"person": person_data(), "referral": {**referral_data(), "received_at": "2026-11-30T10:00:00+01:00"}}

    response = reader.post("/api/v1/cases/", data, content_type="application/json")

    assert response.status_code == 201
    assert Case.objects.filter(number=response.json()["number"]).exists()
