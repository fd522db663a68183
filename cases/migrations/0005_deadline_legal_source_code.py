"""Deadlines keep their legal source as a code, translated when shown.

The text used to be saved in the language of whoever created the deadline. Each old text is mapped back
to its code by the deadline's kind; a period end of a legal resident's recovery period gets the action
plan's source, not the Aliens Act's departure deadline.
"""

from django.db import migrations, models

KIND_SOURCE = {
    "identification_72h": "action_plan_72h",
    "not_victim_notification": "action_plan_notify",
    "period_end": "aliens_act_33_14",
}


def to_codes(apps, schema_editor):
    Deadline = apps.get_model("cases", "Deadline")
    for kind, code in KIND_SOURCE.items():
        Deadline.objects.filter(kind=kind).update(legal_source=code)
    Deadline.objects.filter(kind="period_end", case__period__kind="recovery").update(
        legal_source="action_plan_recovery"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_person_encryption"),
        ("identification", "0003_assessment_decided_at"),
    ]

    operations = [
        migrations.RunPython(to_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deadline",
            name="legal_source",
            field=models.CharField(
                choices=[
                    ("action_plan_72h", "Handlingsplan 2019-2021: identifikation normalt inden for 72 timer"),
                    (
                        "action_plan_notify",
                        "Handlingsplan 2019-2021: politi og Udlændingestyrelsen underrettes straks (CMM-regel: 24 timer)",
                    ),
                    ("aliens_act_33_14", "Udlændingelovens § 33, stk. 14 (udvidet udrejsefrist); højst 120 dage"),
                    (
                        "action_plan_recovery",
                        "Handlingsplan 2019-2021: restitutionsperiode for personer med lovligt ophold (CMM-regel: 30 "
                        "dage, højst 120)",
                    ),
                ],
                max_length=32,
                verbose_name="hjemmel",
            ),
        ),
    ]
