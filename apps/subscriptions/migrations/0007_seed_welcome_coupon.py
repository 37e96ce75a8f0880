"""Seed the sign-up offer's coupon (only if missing; the admin curates it afterwards)."""

from django.db import migrations

from apps.subscriptions.plan_catalogue import WELCOME_COUPON


def seed(apps, schema_editor):
    Coupon = apps.get_model("subscriptions", "Coupon")
    spec = dict(WELCOME_COUPON)
    Coupon.objects.get_or_create(code=spec.pop("code"), defaults=spec)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0006_coupon_interval_and_newsletter")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
