"""Message.topic: new episodes of one series make one card in the inbox (the newest replaces
the older ones). The new-episode messages already delivered get their series' topic, so a pile
of one card per episode becomes one card per series on an existing database too."""

from django.db import migrations, models


def topics_for_delivered(apps, schema_editor):
    Message = apps.get_model("engagement", "Message")
    rows = Message.objects.filter(
        category="new_episodes", channel="in_app", topic="", send__isnull=False
    ).values_list("pk", "send__context")
    by_topic: dict[str, list[int]] = {}
    for pk, context in rows.iterator():
        title_id = str((context or {}).get("title_id") or "")
        if title_id.isdigit():
            by_topic.setdefault(f"series-{title_id}", []).append(pk)
    for topic, pks in by_topic.items():
        Message.objects.filter(pk__in=pks).update(topic=topic)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="topic",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.RunPython(topics_for_delivered, migrations.RunPython.noop),
    ]
