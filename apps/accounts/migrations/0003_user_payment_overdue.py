from django.db import migrations, models


def mark_overdue_accounts(apps, schema_editor):
    """Accounts already in payment retries get the banner from the start."""
    User = apps.get_model("accounts", "User")
    Subscription = apps.get_model("subscriptions", "Subscription")
    overdue = Subscription.objects.filter(status="past_due").values("user_id")
    User.objects.filter(pk__in=overdue).update(payment_overdue=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_planned_devices"),
        ("subscriptions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="payment_overdue",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="last payment failed"
            ),
        ),
        migrations.RunPython(mark_overdue_accounts, migrations.RunPython.noop),
    ]
