from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    """Cast names on titles (search by cast), and on PostgreSQL the extensions search uses
    (pg_trgm for typo tolerance, unaccent for accents); both operations do nothing on SQLite."""

    dependencies = [
        ("catalogue", "0003_season_episode_available_from"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.AddField(
            model_name="title",
            name="cast",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Names of the leading cast, in billing order.",
                verbose_name="cast",
            ),
        ),
    ]
