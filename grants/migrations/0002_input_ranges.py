# Every date column gets the database's bounds (cmm.validators: from 2000-01-01 to before 2100): a year-1
# date read back as a BC timestamp broke every page that showed the row. Rows already outside are reported by
# table and id before the constraint is added, and the constraint never fails on them: see
# cmm.db_checks.add_check_reporting_rows for why they are mended by hand, not by a rule.

import cmm.validators
import datetime
import django.core.validators
import django.db.models.expressions
import privacy.fields
from django.conf import settings
from django.db import migrations, models

from cmm.db_checks import add_check_reporting_rows


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_team_group'),
        ('cases', '0004_person_encryption'),
        ('grants', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='emergencyaccess',
            name='reason',
            field=privacy.fields.EncryptedTextField(validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='begrundelse'),
        ),
        migrations.AlterField(
            model_name='handover',
            name='decision_reason',
            field=privacy.fields.EncryptedTextField(blank=True, validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='begrundelse for afgørelsen'),
        ),
        migrations.AlterField(
            model_name='handover',
            name='reason',
            field=privacy.fields.EncryptedTextField(validators=[cmm.validators.free_text, django.core.validators.MaxLengthValidator(10000)], verbose_name='begrundelse'),
        ),
        migrations.AlterField(
            model_name='share',
            name='consent_given_on',
            field=models.DateField(validators=[cmm.validators.DateRange(datetime.date(2000, 1, 1), future_message='Samtykket kan ikke være givet i fremtiden.')], verbose_name='samtykke givet'),
        ),
        migrations.AlterField(
            model_name='share',
            name='expires_on',
            field=models.DateField(validators=[cmm.validators.DateRange(datetime.date(2000, 1, 1), years_ahead=2)], verbose_name='samtykket udløber'),
        ),
        add_check_reporting_rows(
            'grants',
            'share',
            models.CheckConstraint(condition=models.Q(('consent_given_on__gte', datetime.date(2000, 1, 1)), ('consent_given_on__lt', datetime.date(2100, 1, 1))), name='share_consent_in_range'),
        ),
        add_check_reporting_rows(
            'grants',
            'share',
            models.CheckConstraint(condition=models.Q(('expires_on__lte', django.db.models.expressions.CombinedExpression(models.F('consent_given_on'), '+', models.Value(datetime.timedelta(days=731))))), name='share_consent_at_most_two_years'),
        ),
    ]
