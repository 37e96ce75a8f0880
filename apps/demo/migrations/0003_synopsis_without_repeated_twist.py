"""The catalogue generator wrote "…in a villa with a twist with a twist every episode." (the
situation and the turn both said "with a twist"); it now takes the next turn instead
(apps/demo/world/titles.py). An already seeded database gets the synopsis the generator
writes now, so a reseed and an old copy read the same."""

from django.db import migrations

REPEATED = "in a villa with a twist with a twist every episode."
FIXED = "in a villa with a twist and only one can win."


def fix(apps, schema_editor):
    Title = apps.get_model("catalogue", "Title")
    for title in Title.objects.filter(
        external_id__startswith="demo:", synopsis__contains=REPEATED
    ).only("pk", "synopsis"):
        title.synopsis = title.synopsis.replace(REPEATED, FIXED)
        title.save(update_fields=["synopsis"])


class Migration(migrations.Migration):
    dependencies = [
        ("demo", "0002_unpublish_farewell_titles"),
        ("catalogue", "0006_farewell_collections"),
    ]

    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
