"""The account notices billing relies on exist without the demo seed (a fresh production
database showed no "Your plan moved to Free" card: only the demo created its campaign)."""

from django.db import migrations


def create(apps, schema_editor):
    from apps.engagement.account_journeys import account_journeys_ensure

    account_journeys_ensure(apps.get_model("engagement", "Campaign"), apps.get_model("engagement", "Variant"))


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0004_admin_labels"),
    ]

    operations = [
        migrations.RunPython(create, migrations.RunPython.noop),
    ]
