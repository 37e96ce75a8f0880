"""The demo's farewell message titles ("Thank You", "Merci", ...) were seeded published, so they
showed without a poster in "New this week", search and the Drama row. Only the farewell row
shows them now (apps/demo/farewell.py); an already seeded database is brought in line here."""

from django.db import migrations


def unpublish(apps, schema_editor):
    Title = apps.get_model("catalogue", "Title")
    Title.objects.filter(external_id__startswith="demo:farewell:", is_published=True).update(
        is_published=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("demo", "0001_outbox_runs_job_marks"),
        ("catalogue", "0006_farewell_collections"),
    ]

    operations = [migrations.RunPython(unpublish, migrations.RunPython.noop)]
