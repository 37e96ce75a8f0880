"""Move each title's pin from artwork's TitleArtwork onto the variant (catalogue's flag)."""

from django.db import migrations
from django.db.models import F


def pins_to_flags(apps, schema_editor):
    TitleArtwork = apps.get_model("artwork", "TitleArtwork")
    ArtworkVariant = apps.get_model("catalogue", "ArtworkVariant")
    # A pin on another title's variant was never honoured (clean refused it): not copied.
    pinned = TitleArtwork.objects.filter(
        pinned_variant__isnull=False, pinned_variant__title_id=F("title_id")
    ).values_list("pinned_variant_id", flat=True)
    ArtworkVariant.objects.filter(pk__in=list(pinned)).update(pinned=True)


def flags_to_pins(apps, schema_editor):
    TitleArtwork = apps.get_model("artwork", "TitleArtwork")
    ArtworkVariant = apps.get_model("catalogue", "ArtworkVariant")
    TitleArtwork.objects.bulk_create(
        TitleArtwork(title_id=title_id, pinned_variant_id=variant_id)
        for variant_id, title_id in ArtworkVariant.objects.filter(pinned=True).values_list(
            "pk", "title_id"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("artwork", "0001_initial"),
        ("catalogue", "0002_artworkvariant_pinned"),
    ]

    operations = [migrations.RunPython(pins_to_flags, flags_to_pins)]
