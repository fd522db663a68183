"""Search keys for every whole name part, folded: any part of a name in any order, accents or not, finds a person.

The keys are recomputed from the decrypted names and numbers (cases.services.person_search_keys), as
`manage.py rotate_field_keys --search-keys` does; anonymised people keep none.
"""

from types import SimpleNamespace

from django.db import migrations


def rebuild(apps, schema_editor):
    from cases.services import person_search_keys
    from privacy import crypto

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, given_name, family_name, aliases, cpr_number, document_number FROM cases_person"
            " WHERE anonymised_at IS NULL"
        )
        for person_id, *stored in cursor.fetchall():
            given, family, aliases, cpr, document = (crypto.decrypt(value) if value else "" for value in stored)
            plain = SimpleNamespace(
                given_name=given, family_name=family, aliases=aliases, cpr_number=cpr, document_number=document
            )
            cursor.execute(
                "UPDATE cases_person SET search_keys = %s WHERE id = %s", [person_search_keys(plain), person_id]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_deadline_legal_source_code"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
