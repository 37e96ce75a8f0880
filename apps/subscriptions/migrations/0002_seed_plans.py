"""Seed the starting plans (only the missing ones; the admin curates them afterwards)."""

from django.db import migrations

from apps.subscriptions.plan_catalogue import PLANS


def seed(apps, schema_editor):
    Plan = apps.get_model("subscriptions", "Plan")
    for spec in PLANS:
        code = spec["code"]
        Plan.objects.get_or_create(code=code, defaults={k: v for k, v in spec.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
