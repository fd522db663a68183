"""DP-02: the field keys are the system's own, can be rotated, and a missing or malformed one stops it."""

import secrets

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from cases.models import Case, Person
from privacy import crypto
from privacy.checks import field_keys_check
from tests.cases.test_celery_worker import database_url
from tests.factories import make_case
from tests.states import assessed
from tests.test_deploy import manage

from .conftest import IDENTIFYING_COLUMNS, raw_values

pytestmark = pytest.mark.django_db

PERSON = {
    "given_name": "Rotation",
    "family_name": "Testesen",
    "cpr_number": "010190-1234",
    "document_number": "RT778899",
    "notes": "Noter om rotation",
}


def key_ids_in_use() -> set[str]:
    return {
        crypto.token_key_id(value)
        for table, _pk, column in IDENTIFYING_COLUMNS
        for value in raw_values(table, column)
        if value
    }


def people() -> list[tuple]:
    return [
        (p.given_name, p.family_name, p.cpr_number, p.document_number, p.notes) for p in Person.objects.order_by("pk")
    ]


def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_then_go(
    settings, cmm_worker, dis_worker, new_key, capsys
):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    case = assessed(make_case(cmm_worker, person=PERSON, circumstances="Fundet ved kontrol"), dis_worker)
    make_case(cmm_worker, person={"given_name": "Anden"})
    before = people()
    assert key_ids_in_use() == {crypto.key_id(old_key)}

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert people() == before  # still readable while both keys are configured
    call_command("rotate_field_keys")
    output = capsys.readouterr().out

    assert key_ids_in_use() == {crypto.key_id(new_key)}
    assert "No value is left under an older key" in output
    assert old_key not in output and new_key not in output
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert people() == before
    case = Case.objects.select_related("referral", "assessment").get(pk=case.pk)
    assert (case.referral.circumstances, case.assessment.reasons) == ("Fundet ved kontrol", "Indikatorer og samtale.")


def test_rotation_twice_rewrites_nothing_the_second_time(settings, cmm_worker, new_key):
    make_case(cmm_worker, person=PERSON)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]

    from privacy.services import field_keys_rotate

    first = field_keys_rotate()
    second = field_keys_rotate()

    assert first["cases.Person.given_name"].rewritten == 1
    assert sum(count.rewritten for count in second.values()) == 0
    assert second["cases.Person.given_name"].unchanged == 1


def test_rotation_without_the_old_key_reports_unreadable_values_and_changes_nothing(settings, cmm_worker, new_key):
    make_case(cmm_worker, person=PERSON)
    stored = raw_values("cases_person", "given_name")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed too early

    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_field_keys")

    assert raw_values("cases_person", "given_name") == stored


def test_changing_the_secret_key_does_not_affect_decryption(settings, cmm_worker):
    make_case(cmm_worker, person=PERSON)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = secrets.token_urlsafe(50)

    person = Person.objects.get()

    assert (person.given_name, person.cpr_number) == (PERSON["given_name"], PERSON["cpr_number"])


def test_the_blind_index_uses_its_own_key_not_the_encryption_key_or_the_secret_key(settings):
    before = crypto.blind_index("Ada")
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert crypto.blind_index("Ada") == before

    settings.BLIND_INDEX_KEY = secrets.token_urlsafe(48)
    assert crypto.blind_index("Ada") != before
    assert settings.BLIND_INDEX_KEY not in settings.FIELD_ENCRYPTION_KEYS


@pytest.mark.parametrize(
    ("keys", "blind", "problem"),
    [
        ([], "b" * 40, "privacy.E001"),
        (["not-a-fernet-key"], "b" * 40, "privacy.E002"),
        ([Fernet.generate_key().decode()[:-2]], "b" * 40, "privacy.E002"),
        ([Fernet.generate_key().decode()], "", "privacy.E004"),
        ([Fernet.generate_key().decode()], "too-short", "privacy.E004"),
    ],
)
def test_a_missing_or_malformed_key_fails_the_system_check(settings, keys, blind, problem):
    settings.FIELD_ENCRYPTION_KEYS = keys
    settings.BLIND_INDEX_KEY = blind

    errors = field_keys_check()

    assert problem in {error.id for error in errors}
    assert all(error.level >= 40 for error in errors)  # checks.ERROR
    with pytest.raises(SystemCheckError, match=problem):
        call_command("check", tags=["security"])
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("Ada")


def test_the_same_key_twice_or_the_blind_index_key_as_a_field_key_is_refused(settings):
    key = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = [key, key], "b" * 40
    assert {error.id for error in field_keys_check()} == {"privacy.E003"}
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = [key], key
    assert {error.id for error in field_keys_check()} == {"privacy.E005"}


def test_the_configured_keys_pass_the_check():
    assert field_keys_check() == []


def test_nothing_is_written_in_clear_without_a_key(settings, cmm_worker):
    settings.FIELD_ENCRYPTION_KEYS = []

    with pytest.raises(ImproperlyConfigured):
        make_case(cmm_worker, person=PERSON)

    assert not Person.objects.exists()


def test_a_check_error_never_quotes_a_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["secret-looking-but-malformed-key-material"]

    messages = " ".join(error.msg for error in field_keys_check())

    assert "secret-looking" not in messages


# --- production: the process refuses to start -------------------------------------------------------------------


def production_env(**overrides) -> dict:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "cmm.example.org",
        "DATABASE_URL": database_url(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        **overrides,
    }


def test_production_starts_with_well_formed_keys(db):
    result = manage("check", **production_env())

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"])
def test_production_refuses_to_start_without_a_field_key(db, missing):
    env = production_env()
    del env[missing]

    result = manage("check", **env)

    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FIELD_ENCRYPTION_KEYS", "malformed-key-material-xyz"),
        ("BLIND_INDEX_KEY", "short"),
        ("FIELD_ENCRYPTION_KEYS", ""),
    ],
)
def test_production_refuses_to_start_with_a_malformed_key(db, name, value):
    result = manage("check", **production_env(**{name: value}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr
    if value:
        assert value not in result.stderr
