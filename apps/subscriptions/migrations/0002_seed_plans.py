"""Seed the starting plans (only the missing ones; the admin curates them afterwards)."""

from django.db import migrations

from apps.subscriptions.plan_catalogue import PLANS


def seed(apps, schema_editor):
    Plan = apps.get_model("subscriptions", "Plan")
    # Only the fields this migration's Plan has: later migrations add (and fill in) the rest.
    known = {f.name for f in Plan._meta.get_fields()}
    for spec in PLANS:
        code = spec["code"]
        defaults = {k: v for k, v in spec.items() if k != "code" and k in known}
        Plan.objects.get_or_create(code=code, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
