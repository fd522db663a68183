"""A change of residence status is a recorded transition; the status at referral is kept for the statistics."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_name_part_search_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="event_type",
            field=models.CharField(
                choices=[
                    ("referral_registered", "Henvisning registreret"),
                    ("assessment_recorded", "Vurdering registreret"),
                    ("period_granted", "Periode givet"),
                    ("period_extended", "Periode forlænget"),
                    ("notification_recorded", "Politi og Udlændingestyrelsen underrettet"),
                    ("deadline_missed", "Frist overskredet"),
                    ("shared", "Delt med organisation"),
                    ("share_withdrawn", "Deling tilbagekaldt"),
                    ("handover_requested", "Overdragelse anmodet"),
                    ("handover_accepted", "Overdragelse accepteret"),
                    ("handover_rejected", "Overdragelse afvist"),
                    ("residence_status_changed", "Opholdsgrundlag ændret"),
                ],
                max_length=32,
            ),
        ),
        # Added with a default to fill existing rows, then filled from the only status they ever had.
        migrations.AddField(
            model_name="referral",
            name="residence_status_at_referral",
            field=models.CharField(
                choices=[
                    ("asylum_seeker", "Asylansøger"),
                    ("no_legal_residence", "Ulovligt ophold"),
                    ("legal_residence", "Lovligt ophold"),
                    ("legal_residence_expulsion", "Lovligt ophold, mulig administrativ udvisning"),
                ],
                default="",
                editable=False,
                max_length=32,
                verbose_name="opholdsgrundlag ved henvisning",
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE cases_referral SET residence_status_at_referral = residence_status",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
