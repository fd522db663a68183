"""Input that cannot poison: plausible dates, clean texts, bounded lists, and a clear 4xx for what no view can use."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Agency, Role
from cases.models import Case, Person, Referral
from cmm import validators as checks
from grants.models import EmergencyAccess, Share
from identification.models import Period
from tests.cases.test_api import as_user, assert_validation_error, post_json, referral_input
from tests.cases.test_views import referral_post
from tests.factories import TeamFactory, UserFactory, login, make_case
from tests.html import Page
from tests.states import assessed, case_ready_for, identified_case, valid_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(db):
    return UserFactory(username="revisor", agency="", role=Role.DP_AUDITOR, team=None)


def register_api(client, user, *, person=None, **referral):
    body = referral_input(**referral)
    body["person"].update(person or {})
    return post_json(as_user(client, user), "/api/v1/cases/", body)


# --- dates have a plausible range -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("received_at", "0001-01-01T12:00:00Z", "date_too_early"),
        ("received_at", "1999-12-31T12:00:00+01:00", "date_too_early"),
        ("received_at", "9999-12-31T23:59:00+01:00", "date_in_future"),
        ("detained_at", "0001-01-01T00:00:00Z", "date_too_early"),
    ],
)
def test_the_api_refuses_a_referral_dated_outside_the_plausible_range(client, cmm_worker, field, value, code):
    extra = {"detained": True} if field == "detained_at" else {}

    response = register_api(client, cmm_worker, **{field: value, **extra})

    assert assert_validation_error(response, f"referral.{field}")["code"] == code
    assert not Case.objects.exists()


def test_the_referral_form_refuses_year_1_with_a_clear_message_and_the_case_list_still_works(client, cmm_worker):
    make_case(cmm_worker)
    login(client, cmm_worker)

    response = client.post("/sager/ny/", referral_post(received_at="0001-01-01T00:00"))

    assert response.status_code == 400
    assert Page(response).field_errors("received_at") == ["Datoen kan ikke ligge før 1. januar 2000."]
    assert Case.objects.count() == 1
    assert client.get("/sager/").status_code == 200


@pytest.mark.parametrize(("born", "code"), [("1899-12-31", "date_too_early"), ("2999-01-01", "date_in_future")])
def test_a_date_of_birth_is_from_1900_and_not_in_the_future(client, cmm_worker, born, code):
    response = register_api(client, cmm_worker, person={"date_of_birth": born})

    assert assert_validation_error(response, "person.date_of_birth")["code"] == code


def test_a_date_of_birth_in_1900_is_taken(client, cmm_worker):
    response = register_api(client, cmm_worker, person={"date_of_birth": "1900-01-01"})

    assert response.status_code == 201, response.content


def test_the_database_refuses_a_referral_dated_year_1_written_around_the_forms(cmm_worker):
    case = make_case(cmm_worker)
    year_1 = dt.datetime(1, 1, 2, tzinfo=dt.UTC)

    with pytest.raises(IntegrityError, match="referral_received_in_range"):
        Referral.objects.filter(pk=case.pk).update(received_at=year_1)


def test_the_database_refuses_a_period_and_a_consent_outside_their_range(cmm_worker, dis_worker):
    case = identified_case(cmm_worker, dis_worker)
    Period.objects.create(
        case=case, kind="reflection", starts_on=dt.date(2026, 1, 1), days_total=30, granted_by=dis_worker
    )
    share = Share.objects.create(
        case=case,
        team=TeamFactory(agency=Agency.NGO, name="Reden"),
        scope=Share.Scope.SUPPORT,
        consent_given_on=dt.date(2026, 1, 1),
        expires_on=dt.date(2026, 6, 1),
        recorded_by=cmm_worker,
    )

    with pytest.raises(IntegrityError, match="period_starts_in_range"), transaction.atomic():
        Period.objects.filter(case=case).update(starts_on=dt.date(9999, 12, 31))
    with pytest.raises(IntegrityError, match="share_consent_at_most_two_years"), transaction.atomic():
        Share.objects.filter(pk=share.pk).update(expires_on=dt.date(2028, 1, 3))


def test_model_validation_names_the_range(cmm_worker):
    person = Person(given_name="Ada", date_of_birth=dt.date(1850, 5, 1))

    with pytest.raises(ValidationError, match="1. januar 1900"):
        person.full_clean(exclude=["search_keys"])


@pytest.mark.parametrize("way", ["form", "api"])
def test_a_period_starting_9999_12_31_is_a_clear_400(client, cmm_worker, dis_worker, way):
    case = case_ready_for("period", cmm_worker, dis_worker)
    data = {**valid_input("period", case), "starts_on": "9999-12-31"}

    if way == "form":
        response = login(client, dis_worker).post(f"/sager/{case.number}/periode/", data)
        assert response.status_code == 400
        assert Page(response).field_errors("starts_on")
    else:
        response = post_json(as_user(client, dis_worker), f"/api/v1/cases/{case.number}/period/", data)
        assert assert_validation_error(response, "starts_on")["code"] == "date_too_late"
    assert not Period.objects.filter(case=case).exists()


def test_a_period_starts_within_a_year_of_the_decision(client, cmm_worker, dis_worker):
    long_ago = timezone.now() - dt.timedelta(days=300)
    case = assessed(make_case(cmm_worker, received_at=long_ago), dis_worker, decided_on=timezone.localdate(long_ago))
    later = checks.years_after(case.assessment.decided_on, 1) + dt.timedelta(days=1)
    data = {**valid_input("period", case), "starts_on": later.isoformat()}

    response = post_json(as_user(client, dis_worker), f"/api/v1/cases/{case.number}/period/", data)

    latest = date_format(checks.years_after(case.assessment.decided_on, 1), "j. F Y")
    assert (
        assert_validation_error(response, "starts_on")["detail"]
        == f"Perioden skal begynde senest et år efter afgørelsen, det vil sige senest {latest}."
    )


@pytest.fixture
def reden(db):
    return TeamFactory(agency=Agency.NGO, name="Reden")


def share_post(client, user, case, team, **dates):
    today = timezone.localdate()
    data = {
        "version": case.version,
        "team": team.pk,
        "scope": Share.Scope.SUPPORT,
        "consent_given_on": today.isoformat(),
        "expires_on": (today + dt.timedelta(days=30)).isoformat(),
        **dates,
    }
    return login(client, user).post(f"/sager/{case.number}/deling/", data)


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"expires_on": "9999-12-31"}, "expires_on"),
        ({"consent_given_on": "0001-01-01"}, "consent_given_on"),
    ],
)
def test_a_share_dated_9999_or_year_1_is_a_clear_400(client, cmm_worker, reden, dates, field):
    case = make_case(cmm_worker)

    response = share_post(client, cmm_worker, case, reden, **dates)

    assert response.status_code == 400
    assert Page(response).field_errors(field)
    assert not Share.objects.exists()


def test_a_consent_lasts_at_most_two_years_from_when_it_was_given(client, cmm_worker, reden):
    case = make_case(cmm_worker)
    given = timezone.localdate() - dt.timedelta(days=100)
    too_late = checks.years_after(given, 2) + dt.timedelta(days=1)

    response = share_post(
        client, cmm_worker, case, reden, consent_given_on=given.isoformat(), expires_on=too_late.isoformat()
    )

    assert response.status_code == 400
    latest = date_format(checks.years_after(given, 2), "j. F Y")
    assert Page(response).field_errors("expires_on") == [
        f"Et samtykke kan højst gælde i to år fra det blev givet, det vil sige til og med {latest}."
    ]


def test_an_audit_search_to_9999_12_31_is_a_clear_400(client, auditor):
    response = login(client, auditor).post("/revision/", {"date_from": "2026-01-01", "date_to": "9999-12-31"})

    assert response.status_code == 400
    assert "Datoen kan ikke ligge efter 31. december 2099." in response.content.decode()


# --- what answered 500 answers a clear 4xx ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/sager/CMM-2026%00/", "/api/v1/cases/CMM-2026%00/", "/sager/?q=%00"])
def test_a_nul_byte_in_the_url_is_a_400(client, cmm_worker, path):
    response = login(client, cmm_worker).get(path)

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["errors"][0]["code"] == "parse_error"


def test_a_version_written_in_superscript_digits_is_a_400_not_a_500(client, cmm_worker, dis_worker):
    case = case_ready_for("assessment", cmm_worker, dis_worker)

    response = login(client, dis_worker).post(
        f"/sager/{case.number}/vurdering/", {**valid_input("assessment", case), "version": "²"}
    )

    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_emergency_id_in_superscript_digits_is_a_404_not_a_500(client, coordinator, dis_worker, auditor):
    from grants import services as grants

    grants.emergency_access_open(
        actor=coordinator, number=make_case(dis_worker).number, reason="Akut fare for personen, nu."
    )

    response = login(client, auditor).post("/noedadgang/gennemgang/", {"emergency": "²"})

    assert response.status_code == 404
    assert EmergencyAccess.objects.get().reviewed_at is None


def test_an_api_body_over_the_size_limit_is_a_413(client, cmm_worker, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = referral_input()
    body["person"]["notes"] = "x" * 20_000

    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/", body)

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "request_too_large"
    assert not Case.objects.exists()


def test_json_nested_5000_levels_is_a_400(client, cmm_worker):
    response = as_user(client, cmm_worker).post(
        "/api/v1/cases/search/", "[" * 5000 + "]" * 5000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_json_nested_a_little_too_deep_is_a_400_too(client, cmm_worker):
    deep = {"q": "x"}
    for _ in range(40):
        deep = {"q": deep}

    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/search/", deep)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


@pytest.mark.parametrize("path", ["/sager/?page=100000000000000000000", "/sager/?page=²"])
def test_a_page_number_no_list_has_is_a_400(client, cmm_worker, path):
    assert login(client, cmm_worker).get(path).status_code == 400


def test_an_api_offset_no_list_has_is_a_400(client, cmm_worker):
    response = as_user(client, cmm_worker).get(f"/api/v1/cases/?offset={10**20}")

    assert assert_validation_error(response, "offset")


def test_an_access_report_page_no_list_has_is_a_400(client, cmm_worker, auditor):
    case = make_case(cmm_worker)

    response = login(client, auditor).get(f"/revision/person/{case.number}/?page={10**20}")

    assert response.status_code == 400


# --- names, identity numbers, free texts and lists --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Ada\x07", "\x1b[31mAda\x1b[0m", "Ada\u202egnirts", "Ada\nOkoro", "Ada\u2066x\u2069", "Ada\x00"],
    ids=["bel", "ansi", "rlo", "newline", "isolate", "nul"],
)
def test_a_name_with_control_characters_is_refused(client, cmm_worker, name):
    response = register_api(client, cmm_worker, person={"given_name": name})

    error = assert_validation_error(response, "person.given_name")
    assert error["code"] in {"control_character", "null_characters_not_allowed"}
    assert not Case.objects.exists()


def test_a_name_with_control_characters_is_refused_by_the_form_too(client, cmm_worker):
    response = login(client, cmm_worker).post("/sager/ny/", referral_post(family_name="Okoro\x1b[2J"))

    assert response.status_code == 400
    assert Page(response).field_errors("family_name") == [
        "Teksten må ikke indeholde styretegn eller linjeskift (fundet: U+001B)."
    ]


@pytest.mark.parametrize("name", ["Zahra\u200cMohammadi", "Nguyễn Thị Minh Khai", "Ṣọlá", "Ольга", "ሰላም", "محمد"])
def test_names_in_any_script_are_taken(client, cmm_worker, name):
    response = register_api(client, cmm_worker, person={"given_name": name})

    assert response.status_code == 201, response.content
    assert Case.objects.get().person.given_name == name


@pytest.mark.parametrize("cpr", ["٠١٠١٩٠-١٢٣٤", "０１０１９０-１２３４", "010190-12³4"])
def test_a_cpr_number_takes_ascii_digits_only(client, cmm_worker, cpr):
    response = register_api(client, cmm_worker, person={"cpr_number": cpr})

    assert assert_validation_error(response, "person.cpr_number")["code"] == "cpr_format"


@pytest.mark.parametrize("number", ["NG А1234567", "AB\u200b123", "AB_123", "ＡＢ123"])
def test_a_document_number_takes_ascii_letters_and_digits_only(client, cmm_worker, number):
    response = register_api(client, cmm_worker, person={"document_number": number})

    assert assert_validation_error(response, "person.document_number")["code"] == "document_number_format"


def test_a_document_number_in_groups_is_taken(client, cmm_worker):
    response = register_api(client, cmm_worker, person={"document_number": "NG A1234567"})

    assert response.status_code == 201, response.content


def test_free_text_keeps_line_breaks_but_has_a_length_limit(client, cmm_worker):
    kept = register_api(client, cmm_worker, circumstances="Mødt ved\npolitiaktion.\tNotat.")
    too_long = register_api(client, cmm_worker, circumstances="x" * (checks.TEXT_MAX_LENGTH + 1))

    assert kept.status_code == 201, kept.content
    assert assert_validation_error(too_long, "referral.circumstances")["code"] == "max_length"


def test_free_text_refuses_other_control_characters(client, cmm_worker):
    response = register_api(client, cmm_worker, circumstances="Mødt\x1b[2J ved politiaktion.")

    assert assert_validation_error(response, "referral.circumstances")["code"] == "control_character"


@pytest.mark.parametrize(
    ("part", "field", "value", "code"),
    [
        ("person", "nationalities", ["NG", "NG"], "duplicate"),
        ("person", "nationalities", ["NG", "GH", "TG", "BJ", "CM", "SN", "ML", "NE", "TD", "SD", "ER"], "max_length"),
        ("referral", "exploitation_forms", ["SexualExploitation", "SexualExploitation"], "duplicate"),
        ("referral", "exploitation_forms", ["SexualExploitation"] * 5000, "max_length"),
    ],
)
def test_lists_refuse_duplicates_and_absurd_lengths(client, cmm_worker, part, field, value, code):
    body = referral_input()
    body[part][field] = value

    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/", body)

    assert assert_validation_error(response, f"{part}.{field}")["code"] == code


def test_the_referral_form_refuses_a_nationality_chosen_twice(client, cmm_worker):
    response = login(client, cmm_worker).post("/sager/ny/", referral_post(nationalities=["NG", "NG"]))

    assert response.status_code == 400
    assert Page(response).field_errors("nationalities") == ["NG er valgt mere end én gang."]


# --- the same form posted twice creates one case ----------------------------------------------------------------


def test_the_referral_form_posted_twice_creates_one_case(client, cmm_worker):
    posted = referral_post()
    login(client, cmm_worker)

    first = client.post("/sager/ny/", posted)
    again = client.post("/sager/ny/", posted, follow=True)

    case = Case.objects.get()
    assert first["Location"] == f"/sager/{case.number}/"
    assert again.redirect_chain[-1][0] == f"/sager/{case.number}/"
    assert "Formularen var allerede sendt" in again.content.decode()


def test_a_referral_form_without_its_token_is_refused_with_the_input_kept(client, cmm_worker):
    posted = referral_post(form_token=None)

    response = login(client, cmm_worker).post("/sager/ny/", posted)

    assert response.status_code == 400
    assert "Hent siden igen" in Page(response).error_summary()
    assert not Case.objects.exists()


def test_the_referral_form_page_carries_a_fresh_token(client, cmm_worker):
    login(client, cmm_worker)

    tokens = {Page(client.get("/sager/ny/")).value("form_token") for _ in range(2)}

    assert len(tokens) == 2 and None not in tokens


def test_an_api_referral_repeated_with_its_idempotency_key_answers_the_first_case(client, cmm_worker):
    as_user(client, cmm_worker)
    body = referral_input()

    first = client.post("/api/v1/cases/", body, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    again = client.post("/api/v1/cases/", body, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    other = client.post("/api/v1/cases/", body, content_type="application/json", headers={"Idempotency-Key": "k-2"})

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 201)
    assert first.json()["number"] == again.json()["number"] != other.json()["number"]
    assert Case.objects.count() == 2


def test_an_idempotency_key_sent_again_with_other_input_is_a_409(client, cmm_worker):
    as_user(client, cmm_worker)
    headers = {"Idempotency-Key": "k-1"}
    client.post("/api/v1/cases/", referral_input(), content_type="application/json", headers=headers)

    response = client.post(
        "/api/v1/cases/", referral_input(channel="hotline"), content_type="application/json", headers=headers
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_another_users_idempotency_key_is_their_own(client, cmm_worker, cmm_colleague):
    headers = {"Idempotency-Key": "same"}
    for user in (cmm_worker, cmm_colleague):
        as_user(client, user).post("/api/v1/cases/", referral_input(), content_type="application/json", headers=headers)

    assert Case.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 101, "ключ"])
def test_a_malformed_idempotency_key_is_a_400(client, cmm_worker, key):
    response = as_user(client, cmm_worker).post(
        "/api/v1/cases/", referral_input(), content_type="application/json", headers={"Idempotency-Key": key}
    )

    assert_validation_error(response, "Idempotency-Key")
    assert not Case.objects.exists()


# --- the constraint migration reports rows outside the range ----------------------------------------------------


def constraint_validated(name: str) -> bool | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT convalidated FROM pg_constraint WHERE conname = %s", [name])
        row = cursor.fetchone()
    return None if row is None else row[0]


def test_the_range_constraints_are_validated_on_a_clean_database():
    for name in ["referral_received_in_range", "assessment_decided_in_range", "share_consent_at_most_two_years"]:
        assert constraint_validated(name) is True, name


@pytest.mark.django_db(transaction=True)
def test_the_migration_reports_rows_outside_the_range_by_table_and_id_and_checks_new_rows(cmm_worker, caplog):
    from django.db.migrations.executor import MigrationExecutor

    case = make_case(cmm_worker)
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0004_person_encryption")])
    with connection.cursor() as cursor:  # as the referral form used to let through
        cursor.execute(
            "UPDATE cases_referral SET received_at = '0001-01-01 00:00+00:50:20' WHERE case_id = %s", [case.pk]
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    with caplog.at_level("WARNING", logger="cmm.migrations"):
        executor.migrate(executor.loader.graph.leaf_nodes())

    [report] = [record.getMessage() for record in caplog.records if "referral_received_in_range" in record.getMessage()]
    assert f"cases_referral: 1 row(s) outside referral_received_in_range, ids {case.pk}." in report
    assert "Okoro" not in report and "Ada" not in report
    assert constraint_validated("referral_received_in_range") is False  # NOT VALID: the old row is left for a person
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_referral SET detained_at = '0001-01-01 00:00Z', detained = true")
    with connection.cursor() as cursor:  # mended by hand, as the report says; then validated
        cursor.execute("UPDATE cases_referral SET received_at = now() WHERE case_id = %s", [case.pk])
        cursor.execute("ALTER TABLE cases_referral VALIDATE CONSTRAINT referral_received_in_range")
    assert constraint_validated("referral_received_in_range") is True


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "0001-01-01"])
def test_a_time_before_the_time_zones_first_rule_is_refused_not_a_server_error(client, cmm_worker, value):
    """Year 1 in Copenhagen time falls before the zone's first rule; the zone check itself overflowed (500)."""
    body = referral_input()
    body["referral"]["received_at"] = value

    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/", body)

    assert response.status_code == 400
    assert not Case.objects.exists()


def test_an_error_on_a_list_item_is_named_as_the_schema_documents_it(client, cmm_worker):
    import re

    from drf_spectacular.generators import SchemaGenerator

    body = referral_input()
    body["person"]["nationalities"] = ["ZZ"]
    response = post_json(as_user(client, cmm_worker), "/api/v1/cases/", body)
    [error] = response.json()["errors"]
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    patterns = [
        schema["properties"]["attr"]["pattern"]
        for schema in components.values()
        if "pattern" in schema.get("properties", {}).get("attr", {})
    ]

    assert error["attr"] == "person.nationalities.0"
    assert any(re.fullmatch(pattern, error["attr"]) for pattern in patterns)
