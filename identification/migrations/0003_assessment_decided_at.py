"""The moment of the decision, not only its day: deadlines are judged by it.

Decisions recorded before this had no time: one recorded on its decision day takes the time it was
recorded; an earlier one the end of its day (identification.services.decision_moment's rule).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations, models

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def fill_decided_at(apps, schema_editor):
    Assessment = apps.get_model("identification", "Assessment")
    for assessment in Assessment.objects.filter(decided_at__isnull=True).only("pk", "decided_on", "recorded_at"):
        if assessment.recorded_at.astimezone(COPENHAGEN).date() == assessment.decided_on:
            decided_at = assessment.recorded_at
        else:
            next_day = dt.datetime.combine(assessment.decided_on + dt.timedelta(days=1), dt.time(0), tzinfo=COPENHAGEN)
            decided_at = next_day - dt.timedelta(seconds=1)
        Assessment.objects.filter(pk=assessment.pk).update(decided_at=decided_at)


class Migration(migrations.Migration):
    dependencies = [
        ("identification", "0002_encrypted_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="decided_at",
            field=models.DateTimeField(null=True, verbose_name="afgjort"),
        ),
        migrations.RunPython(fill_decided_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="assessment",
            name="decided_at",
            field=models.DateTimeField(verbose_name="afgjort"),
        ),
    ]
