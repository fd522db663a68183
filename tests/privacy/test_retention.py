"""DP-04: cases closed longer ago than RETENTION_YEARS lose their identifying data; the statistics stay."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent, CspReport
from cases.models import Case, CaseEvent, Person, Submission
from identification.models import Assessment, PeriodExtension
from ops.jobs import schedule_words
from privacy import crypto
from privacy.fields import encrypted_fields
from privacy.models import RetentionRun
from privacy.services import ANONYMISED, FREE_TEXTS, retention_run
from privacy.tasks import retention_run as retention_task
from tests.factories import login, make_case
from tests.states import extended, not_victim_case, period_case

from .conftest import SECRET_COLUMNS, raw_rows

pytestmark = pytest.mark.django_db

OLD_PERSON = {
    "given_name": "Gammelsag",
    "family_name": "Lukketsen",
    "aliases": "Gamle",
    "date_of_birth": dt.date(1990, 5, 17),
    "cpr_number": "170590-2345",
    "document_number": "OLD445566",
    "phone": "+45 1234 5678",
    "address": "Lukkevej 1",
    "notes": "Noter om gammelsag",
    "gender": "Feminine",
    "nationalities": ["RO", "BG"],
}


def years_ago(years: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=365.25 * years)


def close(case: Case, closed_at: dt.datetime) -> Case:
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=closed_at)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def cases(cmm_worker, dis_worker):
    old = extended(
        period_case(cmm_worker, dis_worker, person=OLD_PERSON, circumstances="Fundet på fabrik"), dis_worker, 10
    )
    shared = not_victim_case(cmm_worker, dis_worker, person={"given_name": "Todelt"})
    still_open = make_case(cmm_worker, person={"given_name": "Todelt"})
    Case.objects.filter(pk=still_open.pk).update(person=shared.person)  # the same person, referred again
    return {
        "old": close(old, years_ago(6)),
        "shared": close(shared, years_ago(7)),
        "still_open": Case.objects.get(pk=still_open.pk),
        "recent": close(not_victim_case(cmm_worker, dis_worker, person={"given_name": "Nylig"}), years_ago(4.9)),
        "open": make_case(cmm_worker, person={"given_name": "Aaben"}),
    }


def database_text() -> str:
    return "\n".join(
        raw_rows(table)
        for table in [
            "cases_person",
            "cases_case",
            "cases_referral",
            "cases_caseevent",
            "identification_assessment",
            "identification_periodextension",
        ]
    )


def test_a_dry_run_lists_the_cases_and_changes_nothing(cases, capsys):
    before = database_text()

    call_command("retention_run", "--dry-run")
    output = capsys.readouterr().out

    assert database_text() == before
    assert cases["old"].number in output
    assert all(cases[name].number not in output for name in ["shared", "still_open", "recent", "open"])
    run = RetentionRun.objects.get()
    assert (run.dry_run, run.case_numbers, run.person_count) == (True, [cases["old"].number], 1)
    assert Person.objects.get(pk=cases["old"].person_id).given_name == "Gammelsag"


def test_the_run_anonymises_only_people_whose_cases_all_closed_long_ago(cases):
    run = retention_run(dry_run=False)

    old = Person.objects.get(pk=cases["old"].person_id)
    assert (run.dry_run, run.case_numbers, run.case_count, run.person_count) == (False, [cases["old"].number], 1, 1)
    assert old.given_name == ANONYMISED and old.anonymised_at is not None
    assert {
        field.name: getattr(old, field.name) for field in encrypted_fields(Person) if field.name != "given_name"
    } == {
        "family_name": "",
        "aliases": "",
        "date_of_birth": None,
        "cpr_number": "",
        "document_number": "",
        "phone": "",
        "address": "",
        "notes": "",
    }
    assert old.search_keys == []
    for name in ["shared", "still_open", "recent", "open"]:
        person = Person.objects.get(pk=cases[name].person_id)
        assert person.anonymised_at is None and person.given_name != ANONYMISED and person.search_keys


def test_what_the_statistics_need_is_kept(cases):
    old = Case.objects.select_related("person", "referral", "assessment", "period").get(pk=cases["old"].pk)
    event_types = sorted(CaseEvent.objects.filter(case=old).values_list("event_type", flat=True))

    retention_run(dry_run=False)

    after = Case.objects.select_related("person", "referral", "assessment", "period").get(pk=old.pk)
    assert (after.number, after.status, after.closed_at, after.competent_authority) == (
        old.number,
        old.status,
        old.closed_at,
        old.competent_authority,
    )
    assert (after.person.gender, after.person.nationalities) == ("Feminine", ["RO", "BG"])
    assert after.referral.age_band == old.referral.age_band != ""
    assert (after.referral.exploitation_forms, after.referral.received_at, after.referral.source) == (
        old.referral.exploitation_forms,
        old.referral.received_at,
        old.referral.source,
    )
    assert (after.assessment.decision, after.assessment.decided_on) == (
        old.assessment.decision,
        old.assessment.decided_on,
    )
    assert (after.period.starts_on, after.period.days_total) == (old.period.starts_on, old.period.days_total)
    assert sorted(CaseEvent.objects.filter(case=old).values_list("event_type", flat=True)) == event_types


def test_the_free_texts_about_the_person_are_cleared(cases):
    retention_run(dry_run=False)

    old = cases["old"]
    assert Case.objects.get(pk=old.pk).referral.circumstances == ""
    assert Assessment.objects.get(pk=old.pk).reasons == ANONYMISED
    assert {e.exceptional_circumstances for e in PeriodExtension.objects.filter(period__case=old)} == {ANONYMISED}
    assert {event.reason for event in CaseEvent.objects.filter(case=old)} == {""}
    assert Assessment.objects.get(pk=cases["recent"].pk).reasons == "Indikatorer og samtale."


def test_no_trace_of_the_person_is_left_in_the_database_or_the_search(cases):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.given_name, p.cpr_number, p.notes, r.circumstances FROM cases_person p"
            " JOIN cases_case c ON c.person_id = p.id JOIN cases_referral r ON r.case_id = c.id WHERE c.id = %s",
            [cases["old"].pk],
        )
        tokens = cursor.fetchone()
    assert all(crypto.is_token(token) for token in tokens)

    retention_run(dry_run=False)

    text = database_text()
    keys = {crypto.blind_index(OLD_PERSON["given_name"]), crypto.blind_index("OLD445566", kind=crypto.IDENTIFIER)}
    assert [token for token in tokens if token in text] == []
    assert not any(key in text for key in keys)
    assert not Person.objects.filter(search_keys__overlap=list(keys)).exists()


def test_each_run_is_logged_with_case_numbers_and_an_audit_row_but_no_person_data(cases):
    retention_run(dry_run=True)
    retention_run(dry_run=False)

    runs = list(RetentionRun.objects.order_by("id"))
    audits = list(
        AuditEvent.objects.filter(purpose=AuditEvent.Purpose.SYSTEM, what__startswith="retention").order_by("id")
    )
    assert [run.dry_run for run in runs] == [True, False]
    assert [(a.action, a.actor_id, a.case_ids) for a in audits] == [
        (AuditEvent.Action.READ, None, [cases["old"].pk]),
        (AuditEvent.Action.UPDATE, None, [cases["old"].pk]),
    ]
    assert runs[1].retention_years == settings.RETENTION_YEARS
    logged = str([(a.what, a.detail) for a in audits]) + str([(r.case_numbers, str(r)) for r in runs])
    assert "Gammelsag" not in logged and "170590" not in logged


def test_a_second_run_finds_nothing_to_do(cases):
    retention_run(dry_run=False)
    stored = database_text()

    second = retention_run(dry_run=False)

    assert (second.person_count, second.case_count, second.case_numbers) == (0, 0, [])
    assert database_text() == stored


def test_the_period_is_configurable(settings, cases):
    settings.RETENTION_YEARS = 4

    run = retention_run(dry_run=True)

    assert sorted(run.case_numbers) == sorted([cases["old"].number, cases["recent"].number])


def test_a_case_closed_just_inside_the_period_is_kept(cmm_worker, dis_worker):
    now = timezone.now()
    case = close(not_victim_case(cmm_worker, dis_worker), now.replace(year=now.year - 5) + dt.timedelta(minutes=1))

    assert retention_run(dry_run=False, now=now).case_numbers == []
    assert retention_run(dry_run=False, now=now + dt.timedelta(minutes=2)).case_numbers == [case.number]


def test_the_daily_task_runs_the_job_and_is_in_the_beat_schedule(cases):
    run_id = retention_task.delay().get()

    assert RetentionRun.objects.get(pk=run_id).case_numbers == [cases["old"].number]
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule_words(schedule["privacy.tasks.retention_run"]) == "Hver dag kl. 03:30 (dansk tid)"


def test_the_case_page_of_an_anonymised_case_still_opens(client, cases, coordinator):
    retention_run(dry_run=False)

    page = login(client, coordinator).get(f"/sager/{cases['old'].number}/")

    assert page.status_code == 200
    assert ANONYMISED in page.content.decode() and "Gammelsag" not in page.content.decode()


def test_every_encrypted_field_is_cleared_by_the_retention_job():
    """A new encrypted field must be on Person (cleared whole) or listed in privacy.services.FREE_TEXTS.

    Staff's second-factor secrets and the key canary (SECRET_COLUMNS) are about no person: not retention's.
    """
    from django.apps import apps

    encrypted = {(model, field.name) for model in apps.get_models() for field in encrypted_fields(model)}
    cleared = {(Person, field.name) for field in encrypted_fields(Person)} | {
        (model, field) for model, _path, field, _replacement in FREE_TEXTS
    }
    secret_columns = {(table, column) for table, _pk, column in SECRET_COLUMNS}
    secrets = {
        (model, field.name)
        for model in apps.get_models()
        for field in encrypted_fields(model)
        if (model._meta.db_table, field.column) in secret_columns
    }

    assert len(secrets) == len(secret_columns)
    assert encrypted == cleared | secrets


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_anonymise_each_person_once(cases):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run(_):
        try:
            return retention_run(dry_run=False).person_count
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = sorted(pool.map(run, range(2)))

    assert counts == [0, 1]
    assert AuditEvent.objects.filter(what="retention_anonymised").count() == 2


def test_the_run_deletes_old_referral_keys_and_csp_counts_and_keeps_recent_ones(settings, cmm_worker):
    now = timezone.now()
    case = make_case(cmm_worker)
    old_key = Submission.objects.create(actor=cmm_worker, key="form:old", case=case)
    Submission.objects.filter(pk=old_key.pk).update(created_at=now - dt.timedelta(days=31))
    recent_key = Submission.objects.create(actor=cmm_worker, key="form:recent", case=case)
    today = timezone.localdate(now)
    for days_ago in (91, 90, 0):
        CspReport.objects.create(day=today - dt.timedelta(days=days_ago), directive="script-src", blocked="inline")
    settings.JOB_BATCH_SIZE = 1  # several batches

    retention_run(dry_run=False, now=now)

    assert list(Submission.objects.values_list("pk", flat=True)) == [recent_key.pk]
    assert sorted(CspReport.objects.values_list("day", flat=True)) == [today - dt.timedelta(days=90), today]
    assert Case.objects.filter(pk=case.pk).exists()  # the case the key led to stays


def test_a_dry_run_deletes_no_referral_key_or_csp_count(cmm_worker):
    Submission.objects.create(actor=cmm_worker, key="form:old", created_at=timezone.now() - dt.timedelta(days=400))
    CspReport.objects.create(day=timezone.localdate() - dt.timedelta(days=400), directive="img-src")

    retention_run(dry_run=True)

    assert Submission.objects.count() == 1 and CspReport.objects.count() == 1
