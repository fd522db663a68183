"""The second factors move to accounts' own device models: the app's key encrypted, recovery codes as hashes.

django-otp's tables kept both in clear. Confirmed apps are copied with their key encrypted (the model field
encrypts it on the way in) and their state (time step, drift, back-off); recovery codes are copied as their
keyed hashes. Unconfirmed apps are not copied: an enrolment in progress now lives in its session only. Then
django-otp's tables are emptied with TRUNCATE, which writes new, empty files instead of leaving deleted rows
on disk. Sessions verified with an old device ask for a code again.
"""

import accounts.devices
import django.db.models.deletion
import privacy.fields
from django.conf import settings
from django.db import migrations, models

from privacy import crypto

APP_STATE = ["name", "step", "t0", "digits", "tolerance", "drift", "last_t", "last_used_at"]
THROTTLING = ["throttling_failure_timestamp", "throttling_failure_count"]


def move_second_factors(apps, schema_editor):
    OldApp = apps.get_model("otp_totp", "TOTPDevice")
    OldRecovery = apps.get_model("otp_static", "StaticDevice")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    for old in OldApp.objects.filter(confirmed=True).order_by("pk"):
        AuthenticatorDevice.objects.create(
            user_id=old.user_id, key=old.key, confirmed=True, **{f: getattr(old, f) for f in APP_STATE + THROTTLING}
        )
    for old in OldRecovery.objects.filter(confirmed=True).order_by("pk"):
        device = RecoveryCodeDevice.objects.create(
            user_id=old.user_id, name=old.name, confirmed=True, **{f: getattr(old, f) for f in THROTTLING}
        )
        hashes = {
            crypto.blind_index(token, kind="recovery_code") for token in old.token_set.values_list("token", flat=True)
        }
        RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=h) for h in hashes if h)
    tables = [
        OldApp._meta.db_table,
        OldRecovery._meta.db_table,
        apps.get_model("otp_static", "StaticToken")._meta.db_table,
    ]
    with schema_editor.connection.cursor() as cursor:
        # Foreign-key checks still pending in this transaction would make TRUNCATE refuse: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE " + ", ".join(schema_editor.connection.ops.quote_name(t) for t in tables))


def move_apps_back(apps, schema_editor):
    """Back to django-otp's model, the key in clear again; recovery codes cannot be (only their hashes are kept)."""
    OldApp = apps.get_model("otp_totp", "TOTPDevice")
    for device in apps.get_model("accounts", "AuthenticatorDevice").objects.filter(confirmed=True).order_by("pk"):
        OldApp.objects.create(
            user_id=device.user_id,
            key=device.key,
            confirmed=True,
            **{f: getattr(device, f) for f in APP_STATE + THROTTLING},
        )


def device_fields():
    """The fields of django-otp's Device and its mixins, new instances for each model."""
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("name", models.CharField(help_text="The human-readable name of this device.", max_length=64)),
        ("confirmed", models.BooleanField(default=True, help_text="Is this device ready for use?")),
        (
            "throttling_failure_timestamp",
            models.DateTimeField(
                blank=True,
                default=None,
                help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                null=True,
            ),
        ),
        (
            "throttling_failure_count",
            models.PositiveIntegerField(default=0, help_text="Number of successive failed attempts."),
        ),
        (
            "created_at",
            models.DateTimeField(
                auto_now_add=True,
                help_text="The date and time when this device was initially created in the system.",
                null=True,
            ),
        ),
        (
            "last_used_at",
            models.DateTimeField(
                blank=True, help_text="The most recent date and time this device was used.", null=True
            ),
        ),
    ]


def user_field():
    return (
        "user",
        models.ForeignKey(
            help_text="The user that this device belongs to.",
            on_delete=django.db.models.deletion.CASCADE,
            to=settings.AUTH_USER_MODEL,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_login_names_hashed"),
        ("otp_static", "0003_add_timestamps"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorDevice",
            fields=[
                *device_fields(),
                (
                    "key",
                    privacy.fields.EncryptedCharField(
                        default=accounts.devices.new_app_key, editable=False, max_length=80
                    ),
                ),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                user_field(),
            ],
            options={
                "verbose_name": "godkendelsesapp",
                "verbose_name_plural": "godkendelsesapps",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RecoveryCodeDevice",
            fields=[
                *device_fields(),
                user_field(),
            ],
            options={
                "verbose_name": "gendannelseskoder",
                "verbose_name_plural": "gendannelseskoder",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code_hash", models.CharField(editable=False, max_length=64)),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codes",
                        to="accounts.recoverycodedevice",
                    ),
                ),
            ],
            options={
                "verbose_name": "gendannelseskode",
                "verbose_name_plural": "gendannelseskoder",
                "constraints": [models.UniqueConstraint(fields=("device", "code_hash"), name="recovery_code_unique")],
            },
        ),
        migrations.RunPython(move_second_factors, move_apps_back),
    ]
