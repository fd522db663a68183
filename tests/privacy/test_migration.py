"""The data migrations encrypt what was stored in clear before the fields were encrypted, and index it."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from cases.models import Person, Referral
from cases.services import person_search_keys
from identification.models import Assessment
from privacy import crypto
from tests.factories import make_case
from tests.states import assessed

from .conftest import raw_values

pytestmark = pytest.mark.django_db

cases_migration = importlib.import_module("cases.migrations.0004_person_encryption")
# The search keys' last rebuild in the migrations (with the date of birth among them, for the duplicate check).
keys_migration = importlib.import_module("cases.migrations.0016_duplicate_match")
identification_migration = importlib.import_module("identification.migrations.0002_encrypted_texts")
EDITOR = SimpleNamespace(connection=connection)


@pytest.fixture
def plaintext_rows(cmm_worker, dis_worker):
    """A case as it was stored before encryption: every identifying column in clear, no search keys."""
    case = assessed(
        make_case(
            cmm_worker,
            person={"given_name": "Klartekst", "family_name": "Fra Før", "date_of_birth": dt.date(2001, 3, 4)},
            circumstances="Gammel tekst",
        ),
        dis_worker,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_person SET given_name = 'Klartekst', family_name = 'Fra Før', aliases = '',"
            " date_of_birth = '2001-03-04', search_keys = '{}' WHERE id = %s",
            [case.person_id],
        )
        cursor.execute(
            "UPDATE cases_referral SET circumstances = 'Gammel tekst', age_band = '' WHERE case_id = %s", [case.pk]
        )
        cursor.execute(
            "UPDATE cases_caseevent SET reason = 'Gammel begrundelse' WHERE case_id = %s AND reason <> ''", [case.pk]
        )
        cursor.execute(
            "UPDATE identification_assessment SET reasons = 'Gammel begrundelse' WHERE case_id = %s", [case.pk]
        )
    return case


def test_the_migrations_encrypt_plaintext_and_build_the_search_keys(plaintext_rows):
    cases_migration.encrypt_existing(None, EDITOR)
    identification_migration.encrypt_existing(None, EDITOR)
    keys_migration.rebuild(None, EDITOR)

    for table, column in [
        ("cases_person", "given_name"),
        ("cases_person", "family_name"),
        ("cases_person", "date_of_birth"),
        ("cases_referral", "circumstances"),
        ("identification_assessment", "reasons"),
    ]:
        assert all(crypto.is_token(value) for value in raw_values(table, column) if value), (table, column)
    person = Person.objects.get(pk=plaintext_rows.person_id)
    assert (person.given_name, person.family_name, person.date_of_birth) == (
        "Klartekst",
        "Fra Før",
        dt.date(2001, 3, 4),
    )
    assert person.search_keys == person_search_keys(person) != []
    assert Referral.objects.get(pk=plaintext_rows.pk).age_band != ""
    assert Assessment.objects.get(pk=plaintext_rows.pk).reasons == "Gammel begrundelse"


def test_running_the_migration_step_again_changes_nothing(plaintext_rows):
    cases_migration.encrypt_existing(None, EDITOR)
    stored = raw_values("cases_person", "given_name")

    cases_migration.encrypt_existing(None, EDITOR)

    assert raw_values("cases_person", "given_name") == stored


def test_the_reverse_migration_step_decrypts(plaintext_rows):
    cases_migration.encrypt_existing(None, EDITOR)

    cases_migration.decrypt_existing(None, EDITOR)

    assert raw_values("cases_person", "given_name") == ["Klartekst"]
    assert raw_values("cases_person", "date_of_birth") == ["2001-03-04"]
