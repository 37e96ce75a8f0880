"""A campaign's control group rotates (qa12: the same 10 % of viewers were held back from an
always-on reminder for as long as it ran). Existing campaigns get the default, a new control
group every 30 days; their past sends keep the group they were decided in."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0005_account_journeys'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='control_rotation_days',
            field=models.PositiveSmallIntegerField(default=30, help_text='A new control group is drawn every this many days, so nobody is held back for ever: a profile held back in one period has the usual chance of being messaged in the next. 0: the same profiles are held back for the whole campaign (for a one-off message).', validators=[django.core.validators.MaxValueValidator(365)], verbose_name='control group rotates every (days)'),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='control_salt',
            field=models.CharField(blank=True, help_text='Changes which profiles fall in the control group (the split stays stable for a given salt and period). The demo sets it so that no persona is held back.', max_length=32, verbose_name='control group salt'),
        ),
    ]
