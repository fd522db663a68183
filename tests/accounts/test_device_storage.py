"""Second factors at rest: a database backup without the field keys reveals no app key and no recovery code."""

import importlib
import re
from base64 import b32encode
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.devices import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice
from privacy import crypto
from tests.factories import PASSWORD, otp_code, otp_code_for_secret

pytestmark = pytest.mark.django_db

ENROL = "/konto/to-faktor/opsaet/"
VERIFY = "/konto/to-faktor/"
migration = importlib.import_module("accounts.migrations.0004_encrypted_second_factor")
EDITOR = SimpleNamespace(connection=connection)


def raw_column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}"')  # noqa: S608 - our own table and column
        return [value for (value,) in cursor.fetchall()]


def every_table_as_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall()]
        rows = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - names from the catalogue
            rows += [row for (row,) in cursor.fetchall()]
    return "\n".join(rows).casefold()


def enrol_through_the_pages(client, user) -> tuple[str, list[str]]:
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', client.get(ENROL).content.decode()).group(1)
    enrolled = client.post(ENROL, {"code": otp_code_for_secret(secret), "next": "/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", enrolled.content.decode())
    assert len(codes) == 10
    return secret.replace(" ", ""), codes


def test_the_app_key_column_holds_only_a_token_under_the_field_key(client, cmm_worker):
    secret, _codes = enrol_through_the_pages(client, cmm_worker)
    device = AuthenticatorDevice.objects.get(user=cmm_worker)

    [stored] = raw_column(AuthenticatorDevice._meta.db_table, "key")

    assert stored.startswith(f"f1:{crypto.keyring().primary_id}:")
    assert device.key not in stored and secret not in stored
    assert crypto.decrypt(stored) == device.key  # the application reads it back


def test_no_table_holds_the_app_key_or_a_recovery_code(client, cmm_worker):
    secret, codes = enrol_through_the_pages(client, cmm_worker)
    hex_key = AuthenticatorDevice.objects.get(user=cmm_worker).key

    dump = every_table_as_text()

    leaks = [value for value in [secret, hex_key, *codes] if value.casefold() in dump]
    assert leaks == []
    assert sorted(raw_column(RecoveryCode._meta.db_table, "code_hash")) == sorted(
        crypto.blind_index(code, kind="recovery_code") for code in codes
    )


def test_the_migration_moves_django_otps_devices_over_encrypted_and_empties_its_tables(client, cmm_worker, coordinator):
    old_app = TOTPDevice.objects.create(user=cmm_worker, name="Godkendelsesapp", confirmed=True, drift=1, last_t=7)
    TOTPDevice.objects.create(user=coordinator, name="Godkendelsesapp", confirmed=False)  # an enrolment in progress
    old_codes = StaticDevice.objects.create(user=cmm_worker, name="Gendannelseskoder", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=old_codes, token=t) for t in ["abcdefgh", "ijklmnop"])

    migration.move_second_factors(apps, EDITOR)

    device = AuthenticatorDevice.objects.get(user=cmm_worker)
    assert (device.key, device.drift, device.last_t, device.confirmed) == (old_app.key, 1, 7, True)
    assert old_app.key not in raw_column(AuthenticatorDevice._meta.db_table, "key")[0]
    assert not AuthenticatorDevice.objects.filter(user=coordinator).exists()
    assert RecoveryCodeDevice.objects.get(user=cmm_worker).codes.count() == 2
    assert (TOTPDevice.objects.count(), StaticDevice.objects.count(), StaticToken.objects.count()) == (0, 0, 0)
    # The moved app and codes still log the user in, through django-otp's middleware as before.
    client.post("/login/", {"username": cmm_worker.username, "password": PASSWORD})
    assert client.post(VERIFY, {"code": otp_code(device), "next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 200
    other = client.__class__()
    other.post("/login/", {"username": cmm_worker.username, "password": PASSWORD})
    assert other.post(VERIFY, {"code": "ijklmnop", "next": "/"})["Location"] == "/"


def test_the_reverse_migration_gives_django_otp_the_app_back(cmm_worker):
    device = AuthenticatorDevice.objects.create(user=cmm_worker, name="Godkendelsesapp", confirmed=True)

    migration.move_apps_back(apps, EDITOR)

    assert TOTPDevice.objects.get(user=cmm_worker).key == device.key


def test_key_rotation_re_encrypts_the_app_key_and_the_app_still_works(settings, client, cmm_worker, new_key):
    secret, _codes = enrol_through_the_pages(client, cmm_worker)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]

    [stored] = raw_column(AuthenticatorDevice._meta.db_table, "key")
    assert crypto.token_key_id(stored) == crypto.key_id(new_key)
    device = AuthenticatorDevice.objects.get(user=cmm_worker)
    assert b32encode(device.bin_key).decode() == secret
    totp = TOTP(device.bin_key)
    assert totp.token() == int(otp_code_for_secret(secret))


@pytest.fixture
def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
