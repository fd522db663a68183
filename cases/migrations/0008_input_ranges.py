# Every date column gets the database's bounds (cmm.validators: from 2000-01-01 to before 2100): a year-1
# date read back as a BC timestamp broke every page that showed the row. Rows already outside are reported by
# table and id before the constraint is added, and the constraint never fails on them: see
# cmm.db_checks.add_check_reporting_rows for why they are mended by hand, not by a rule.

import cases.models
import cases.validators
import cmm.validators
import datetime
import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import privacy.fields
from django.conf import settings
from django.db import migrations, models

from cmm.db_checks import add_check_reporting_rows


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_residence_status_change'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='address',
            field=privacy.fields.EncryptedTextField(blank=True, validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(1000)], verbose_name='adresse'),
        ),
        migrations.AlterField(
            model_name='person',
            name='aliases',
            field=privacy.fields.EncryptedCharField(blank=True, max_length=500, validators=[cmm.validators.one_line_text], verbose_name='andre navne'),
        ),
        migrations.AlterField(
            model_name='person',
            name='cpr_number',
            field=privacy.fields.EncryptedCharField(blank=True, max_length=11, validators=[cases.validators.cpr_number_clean], verbose_name='CPR-nummer'),
        ),
        migrations.AlterField(
            model_name='person',
            name='date_of_birth',
            field=privacy.fields.EncryptedDateField(blank=True, null=True, validators=[cmm.validators.DateRange(datetime.date(1900, 1, 1), future_message='Fødselsdatoen kan ikke ligge i fremtiden.')], verbose_name='fødselsdato'),
        ),
        migrations.AlterField(
            model_name='person',
            name='document_number',
            field=privacy.fields.EncryptedCharField(blank=True, max_length=50, validators=[cases.validators.document_number_clean], verbose_name='pas- eller ID-nummer'),
        ),
        migrations.AlterField(
            model_name='person',
            name='family_name',
            field=privacy.fields.EncryptedCharField(blank=True, max_length=200, validators=[cmm.validators.one_line_text], verbose_name='efternavn'),
        ),
        migrations.AlterField(
            model_name='person',
            name='given_name',
            field=privacy.fields.EncryptedCharField(max_length=200, validators=[cmm.validators.one_line_text], verbose_name='fornavn(e)'),
        ),
        migrations.AlterField(
            model_name='person',
            name='nationalities',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=cases.models.country_choices, max_length=2), blank=True, default=list, size=10, validators=[cmm.validators.unique_items], verbose_name='statsborgerskab'),
        ),
        migrations.AlterField(
            model_name='person',
            name='notes',
            field=privacy.fields.EncryptedTextField(blank=True, validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='noter om personen'),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone',
            field=privacy.fields.EncryptedCharField(blank=True, max_length=40, validators=[cmm.validators.one_line_text], verbose_name='telefon'),
        ),
        migrations.AlterField(
            model_name='person',
            name='primary_language',
            field=models.CharField(blank=True, max_length=100, validators=[cmm.validators.one_line_text], verbose_name='sprog'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='circumstances',
            field=privacy.fields.EncryptedTextField(blank=True, validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='omstændigheder'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='detained_at',
            field=models.DateTimeField(blank=True, null=True, validators=[cmm.validators.DateRange(datetime.date(2000, 1, 1), future_message='Frihedsberøvelsen kan ikke ligge i fremtiden.')], verbose_name='frihedsberøvet siden'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='exploitation_forms',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('SexualExploitation', 'Prostitution / seksuel udnyttelse'), ('Pornography', 'Pornografiske optagelser eller forestillinger'), ('ForcedLabour', 'Tvangsarbejde'), ('Servitude', 'Slaveri eller slaverilignende forhold'), ('ForcedCriminality', 'Strafbare handlinger (tvungen kriminalitet)'), ('OrganRemoval', 'Fjernelse af organer'), ('Other', 'Andet')], max_length=32), default=list, size=7, validators=[cmm.validators.unique_items], verbose_name='formodede udnyttelsesformer'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='means_of_control',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('PhysicalThreats', 'Fysiske trusler'), ('ThreatsLawEnforcement', 'Trusler om politi eller myndigheder'), ('ThreatensChildrenFamily', 'Trusler mod børn eller familie'), ('DebtBondage', 'Gældsslaveri'), ('FalsePromises', 'Falske løfter'), ('PhysicalAbuse', 'Fysisk vold'), ('SexualAbuse', 'Seksuelle overgreb'), ('TakesEarnings', 'Tager indtjeningen'), ('RestrictsFinancialAccess', 'Begrænser adgang til penge'), ('RestrictsMedicalCare', 'Begrænser adgang til lægehjælp'), ('WithholdsNecessities', 'Tilbageholder fornødenheder'), ('PsychologicalAbuse', 'Psykisk vold'), ('PsychoactiveSubstance', 'Rusmidler'), ('ExcessiveWorkingHours', 'Urimeligt lange arbejdstider'), ('WithholdsDocuments', 'Tilbageholder dokumenter'), ('RestrictsMovement', 'Begrænser bevægelsesfrihed'), ('Other', 'Andet')], max_length=32), blank=True, default=list, size=17, validators=[cmm.validators.unique_items], verbose_name='kontrolmidler'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='received_at',
            field=models.DateTimeField(validators=[cmm.validators.DateRange(datetime.date(2000, 1, 1), future_message='Henvisningen kan ikke være modtaget i fremtiden.')], verbose_name='modtaget'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='referring_organisation',
            field=models.CharField(blank=True, max_length=200, validators=[cmm.validators.one_line_text], verbose_name='henvisende myndighed/organisation'),
        ),
        add_check_reporting_rows(
            'cases',
            'referral',
            models.CheckConstraint(condition=models.Q(('received_at__gte', datetime.datetime(1999, 12, 31, 23, 0, tzinfo=datetime.timezone.utc)), ('received_at__lt', datetime.datetime(2099, 12, 31, 23, 0, tzinfo=datetime.timezone.utc))), name='referral_received_in_range'),
        ),
        add_check_reporting_rows(
            'cases',
            'referral',
            models.CheckConstraint(condition=models.Q(('detained_at__isnull', True), models.Q(('detained_at__gte', datetime.datetime(1999, 12, 31, 23, 0, tzinfo=datetime.timezone.utc)), ('detained_at__lt', datetime.datetime(2099, 12, 31, 23, 0, tzinfo=datetime.timezone.utc))), _connector='OR'), name='referral_detained_in_range'),
        ),
    ]
