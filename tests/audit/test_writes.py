"""Every write writes its audit row in its own transaction: both are saved, or neither is."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import AuditUnavailable
from cases import services
from cases.codes import ResidenceStatus
from cases.models import Case, CaseEvent, Deadline, Person
from identification import services as identification
from identification.models import Assessment
from tests.factories import login, make_case, person_data, referral_data
from tests.states import assessed

from .helpers import audit_log_unavailable, last_seq, new_rows

pytestmark = pytest.mark.django_db

LEGAL = {"residence_status": ResidenceStatus.LEGAL_RESIDENCE}


def test_registering_a_referral_writes_one_create_row_with_field_names_only(cmm_worker):
    since = last_seq()

    case = make_case(cmm_worker, person={"given_name": "Zenobia"})

    [row] = new_rows(since)
    assert (row.action, row.what, row.case_ids, row.actor) == (
        AuditEvent.Action.CREATE,
        "referral_register",
        [case.pk],
        cmm_worker,
    )
    assert "person.given_name" in row.detail["fields"] and "referral.residence_status" in row.detail["fields"]
    assert "Zenobia" not in str(row.detail)


@pytest.mark.parametrize(
    ("write", "what", "fields"),
    [
        pytest.param(
            lambda case, actor: assessed(case, actor), "assessment_record", "assessment.decision", id="assess"
        ),
        pytest.param(
            lambda case, actor: identification.period_grant(
                case=assessed(case, actor), actor=actor, expected_version=case.version, starts_on=timezone.localdate()
            ),
            "period_grant",
            "period.starts_on",
            id="grant",
        ),
        pytest.param(
            lambda case, actor: identification.period_extend(
                case=identification.period_grant(
                    case=assessed(case, actor),
                    actor=actor,
                    expected_version=case.version,
                    starts_on=timezone.localdate(),
                ),
                actor=actor,
                expected_version=case.version,
                days=10,
                exceptional_circumstances="Indlagt",
                cooperates_on_repatriation=True,
            ),
            "period_extend",
            "period.days_total",
            id="extend",
        ),
        pytest.param(
            lambda case, actor: services.notification_record(
                case=assessed(case, actor, "not_victim"),
                actor=actor,
                expected_version=case.version,
                notified_at=timezone.now(),
            ),
            "notification_record",
            "deadline.closed_at",
            id="notify",
        ),
    ],
)
def test_each_case_write_ends_with_one_update_row_naming_the_fields_it_changed(cmm_worker, write, what, fields):
    case = make_case(cmm_worker, **LEGAL)

    write(case, cmm_worker)

    last = AuditEvent.objects.order_by("-seq").first()
    assert (last.action, last.what, last.case_ids, last.actor) == (
        AuditEvent.Action.UPDATE,
        what,
        [case.pk],
        cmm_worker,
    )
    assert fields in last.detail["fields"]
    assert AuditEvent.objects.filter(case_ids__contains=[case.pk]).count() == len(
        CaseEvent.objects.filter(case=case)
    ), "one audit row per write, as one timeline event per write"


def test_marking_missed_deadlines_writes_one_system_row_for_the_batch(cmm_worker):
    detained = timezone.now() - dt.timedelta(hours=80)
    overdue = [make_case(cmm_worker, detained=True, detained_at=detained) for _ in range(3)]
    since = last_seq()

    assert services.deadlines_mark_missed() == 3
    assert services.deadlines_mark_missed() == 0  # nothing changed: nothing recorded

    [row] = new_rows(since)
    assert (row.action, row.purpose, row.actor, row.what) == (
        AuditEvent.Action.UPDATE,
        AuditEvent.Purpose.SYSTEM,
        None,
        "deadlines_mark_missed",
    )
    assert sorted(row.case_ids) == sorted(case.pk for case in overdue)
    assert row.detail["fields"] == ["deadline.status"]


def test_a_page_write_writes_one_row_not_a_read_row_as_well(client, cmm_worker):
    case = make_case(cmm_worker, **LEGAL)
    since = last_seq()

    response = login(client, cmm_worker).post(
        f"/sager/{case.number}/vurdering/",
        {
            "version": case.version,
            "decision": "victim",
            "decided_on": timezone.localdate(),
            "decided_time": timezone.localtime().strftime("%H:%M"),
            "reasons": "Samtale",
        },
    )

    assert response.status_code == 302
    assert [(row.action, row.what) for row in new_rows(since)] == [(AuditEvent.Action.UPDATE, "assessment_record")]


def test_an_api_write_writes_one_row(client, cmm_worker):
    case = make_case(cmm_worker, **LEGAL)
    since = last_seq()

    response = login(client, cmm_worker).post(
        f"/api/v1/cases/{case.number}/assessment/",
        {"version": case.version, "decision": "victim", "decided_on": str(timezone.localdate()), "reasons": "Samtale"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert [(row.action, row.what) for row in new_rows(since)] == [(AuditEvent.Action.UPDATE, "assessment_record")]


def test_a_refused_form_shows_the_case_again_and_that_read_is_recorded(client, cmm_worker):
    case = make_case(cmm_worker, **LEGAL)
    since = last_seq()

    response = login(client, cmm_worker).post(f"/sager/{case.number}/vurdering/", {"version": case.version})

    assert response.status_code == 400
    [row] = new_rows(since)
    assert (row.action, row.what, row.detail) == (AuditEvent.Action.READ, "assess_form", {"status": 400})


def test_a_write_rolled_back_takes_its_audit_row_with_it(cmm_worker):
    since = last_seq()

    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(cmm_worker)
        raise RuntimeError("the caller's transaction fails after the write")

    assert new_rows(since) == []
    assert not Case.objects.exists()


class TestWhenTheAuditRowCannotBeWritten:
    """The write fails with it: nothing is saved, and the user is told to try again (503)."""

    def test_a_service_write_raises_and_saves_nothing(self, cmm_worker):
        case = make_case(cmm_worker, **LEGAL)
        since = last_seq()

        with audit_log_unavailable(), pytest.raises(AuditUnavailable):
            assessed(case, cmm_worker)

        case.refresh_from_db()
        assert case.status == Case.Status.REFERRED
        assert not Assessment.objects.filter(case=case).exists()
        assert list(CaseEvent.objects.filter(case=case).values_list("event_type", flat=True)) == ["referral_registered"]
        assert new_rows(since) == []

    def test_a_form_post_answers_503_and_saves_nothing(self, client, cmm_worker):
        case = make_case(cmm_worker, **LEGAL)
        login(client, cmm_worker)
        since = last_seq()

        with audit_log_unavailable():
            response = client.post(
                f"/sager/{case.number}/vurdering/",
                {
                    "version": case.version,
                    "decision": "victim",
                    "decided_on": timezone.localdate(),
                    "decided_time": timezone.localtime().strftime("%H:%M"),
                    "reasons": "S",
                },
            )

        assert response.status_code == 503
        assert response["X-Request-ID"] in response.content.decode()
        case.refresh_from_db()
        assert (case.status, case.version) == (Case.Status.REFERRED, 1)
        assert not Assessment.objects.filter(case=case).exists()
        assert new_rows(since) == []

    def test_an_api_write_answers_503_and_saves_nothing(self, client, cmm_worker):
        case = make_case(cmm_worker, **LEGAL)
        login(client, cmm_worker)
        client.raise_request_exception = False  # a 5xx is reported (got_request_exception), as it should be
        cases_before, since = Case.objects.count(), last_seq()

        with audit_log_unavailable():
            assessment = client.post(
                f"/api/v1/cases/{case.number}/assessment/",
                {"version": 1, "decision": "victim", "decided_on": str(timezone.localdate()), "reasons": "S"},
                content_type="application/json",
            )
            referral = client.post(
                "/api/v1/cases/",
                {"person": person_data(), "referral": {**referral_data(), "received_at": timezone.now().isoformat()}},
                content_type="application/json",
            )

        assert assessment.status_code == referral.status_code == 503
        assert assessment.json()["errors"][0]["code"] == "audit_unavailable"
        case.refresh_from_db()
        assert case.status == Case.Status.REFERRED
        assert (Case.objects.count(), Person.objects.count()) == (cases_before, cases_before)
        assert not Deadline.objects.filter(case__in=Case.objects.exclude(pk=case.pk)).exists()
        assert new_rows(since) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/sager/{number}/", "/sager/", "/", "/api/v1/cases/{number}/", "/api/v1/cases/"])
def test_a_read_answers_503_and_shows_nothing_when_its_row_cannot_be_written(client, cmm_worker, url):
    """Reads run in autocommit here, as in production: the failed INSERT is its own failed transaction."""
    case = make_case(cmm_worker, person={"given_name": "Zenobia"})
    login(client, cmm_worker)
    client.raise_request_exception = False  # the API reports a 5xx (got_request_exception), as it should
    since = last_seq()

    with audit_log_unavailable():
        response = client.get(url.format(number=case.number))

    assert response.status_code == 503
    body = response.content.decode()
    assert case.number not in body and "Zenobia" not in body
    assert new_rows(since) == []
    assert client.get(url.format(number=case.number)).status_code == 200  # and the log works again
