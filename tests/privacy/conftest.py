import pytest
from cryptography.fernet import Fernet
from django.db import connection

from privacy import crypto

# Every column that holds identifying data or free text about the person: (table, primary key, column).
IDENTIFYING_COLUMNS = [
    ("cases_person", "id", "given_name"),
    ("cases_person", "id", "family_name"),
    ("cases_person", "id", "aliases"),
    ("cases_person", "id", "date_of_birth"),
    ("cases_person", "id", "cpr_number"),
    ("cases_person", "id", "document_number"),
    ("cases_person", "id", "phone"),
    ("cases_person", "id", "address"),
    ("cases_person", "id", "notes"),
    ("cases_referral", "case_id", "circumstances"),
    ("cases_caseevent", "id", "reason"),
    ("identification_assessment", "case_id", "reasons"),
    ("identification_periodextension", "id", "exceptional_circumstances"),
    ("grants_emergencyaccess", "id", "reason"),
    ("grants_handover", "id", "reason"),
    ("grants_handover", "id", "decision_reason"),
    ("cases_case", "id", "exit_note"),
    ("cases_representative", "id", "name"),
    ("cases_representative", "id", "phone"),
    ("support_supportservice", "id", "note"),
    ("support_actionplanversion", "id", "content"),
    ("repatriation_repatriation", "case_id", "reasons"),
    ("repatriation_repatriation", "case_id", "reintegration_plan"),
    ("repatriation_reintegrationsupport", "id", "family_member_reason"),
    ("repatriation_reintegrationsupport", "id", "note"),
    ("repatriation_followupreport", "id", "text"),
    ("repatriation_followupattachment", "id", "content"),
    ("intake_report", "id", "what_seen"),
    ("intake_report", "id", "municipality"),
    ("intake_report", "id", "seen_when"),
    ("intake_report", "id", "contact"),
    ("intake_report", "id", "follow_up"),
    ("intake_message", "id", "text"),
]
# Columns that hold a secret rather than data about a person: encrypted too, but not the retention job's.
SECRET_COLUMNS = [
    ("accounts_authenticatordevice", "id", "key"),
    # About no one: a known text that proves the field keys belong to the data (privacy/canary.py).
    ("privacy_keycanary", "id", "value"),
]


def raw_values(table: str, column: str) -> list[str]:
    """The stored text of a column, straight from the database."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')  # noqa: S608
        return [value for (value,) in cursor.fetchall()]


def raw_rows(table: str) -> str:
    """Every row of a table as its text, all columns included."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608
        return "\n".join(row for (row,) in cursor.fetchall())


@pytest.fixture
def new_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def keyid():
    return crypto.key_id
