"""Sessions are stored under the hash of their key (accounts.sessions.stored_key): the rows written before
hold the key itself, which a dump must not show. They are deleted; their users log in again."""

from django.db import migrations



def delete_unhashed(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    Session.objects.using(schema_editor.connection.alias).exclude(session_key__regex=r"^[0-9a-f]{40}$").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_merge_role_requests_and_second_factors"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(delete_unhashed, migrations.RunPython.noop, elidable=True)]
