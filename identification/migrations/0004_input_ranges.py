# Every date column gets the database's bounds (cmm.validators: from 2000-01-01 to before 2100): a year-1
# date read back as a BC timestamp broke every page that showed the row. Rows already outside are reported by
# table and id before the constraint is added, and the constraint never fails on them: see
# cmm.db_checks.add_check_reporting_rows for why they are mended by hand, not by a rule.

import cmm.validators
import datetime
import django.contrib.postgres.fields
import django.core.validators
import privacy.fields
from django.conf import settings
from django.db import migrations, models

from cmm.db_checks import add_check_reporting_rows


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_person_encryption'),
        ('identification', '0003_assessment_decided_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='assessment',
            name='decided_on',
            field=models.DateField(validators=[cmm.validators.DateRange(datetime.date(2000, 1, 1), future_message='Afgørelsesdatoen kan ikke ligge i fremtiden.')], verbose_name='afgørelsesdato'),
        ),
        migrations.AlterField(
            model_name='assessment',
            name='indicators',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('documents_withheld', 'Dokumenter tilbageholdt'), ('debt', 'Gæld til rekrutteringsperson'), ('no_pay', 'Ingen eller meget lav løn'), ('restricted_movement', 'Begrænset bevægelsesfrihed'), ('violence', 'Vold eller trusler om vold'), ('deception', 'Vildledt om arbejdet eller forholdene'), ('isolation', 'Isolation fra omverdenen'), ('controlled_housing', 'Bolig kontrolleret af arbejdsgiver'), ('other', 'Andet')], max_length=32), blank=True, default=list, size=9, validators=[cmm.validators.unique_items], verbose_name='indikatorer'),
        ),
        migrations.AlterField(
            model_name='assessment',
            name='interpreter_language',
            field=models.CharField(blank=True, max_length=100, validators=[cmm.validators.one_line_text], verbose_name='tolkesprog'),
        ),
        migrations.AlterField(
            model_name='assessment',
            name='interview_on',
            field=models.DateField(blank=True, null=True, validators=[cmm.validators.DateRange(datetime.date(2000, 1, 1), future_message='Samtalen kan ikke ligge i fremtiden.')], verbose_name='samtaledato'),
        ),
        migrations.AlterField(
            model_name='assessment',
            name='reasons',
            field=privacy.fields.EncryptedTextField(validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='begrundelse'),
        ),
        migrations.AlterField(
            model_name='period',
            name='starts_on',
            field=models.DateField(validators=[cmm.validators.DateRange(datetime.date(2000, 1, 1), years_ahead=1)], verbose_name='første dag'),
        ),
        migrations.AlterField(
            model_name='periodextension',
            name='exceptional_circumstances',
            field=privacy.fields.EncryptedTextField(validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='særlige omstændigheder'),
        ),
        add_check_reporting_rows(
            'identification',
            'assessment',
            models.CheckConstraint(condition=models.Q(('decided_on__gte', datetime.date(2000, 1, 1)), ('decided_on__lt', datetime.date(2100, 1, 1))), name='assessment_decided_in_range'),
        ),
        add_check_reporting_rows(
            'identification',
            'assessment',
            models.CheckConstraint(condition=models.Q(('interview_on__isnull', True), models.Q(('interview_on__gte', datetime.date(2000, 1, 1)), ('interview_on__lt', datetime.date(2100, 1, 1))), _connector='OR'), name='assessment_interview_in_range'),
        ),
        add_check_reporting_rows(
            'identification',
            'period',
            models.CheckConstraint(condition=models.Q(('starts_on__gte', datetime.date(2000, 1, 1)), ('starts_on__lt', datetime.date(2100, 1, 1))), name='period_starts_in_range'),
        ),
    ]
