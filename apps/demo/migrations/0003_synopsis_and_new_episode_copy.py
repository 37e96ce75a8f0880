"""Two fixes of the demo's copy on an already seeded database.

The catalogue generator wrote "…in a villa with a twist with a twist every episode." (the
situation and the turn both said "with a twist"); it now takes the next turn instead
(apps/demo/world/titles.py). An already seeded database gets the synopsis the generator
writes now, so a reseed and an old copy read the same.

The new-episode journey's variants said "Season 3, episode 4 is out now." (still there a month
later) and pointed at the newest episode: they now count the new episodes of the series, give
the date the latest came out and play the viewer's next episode (apps/demo/engagement.py).
Only variants still holding the shipped subject are rewritten (an admin's edit stays)."""

from django.db import migrations

SHIPPED_SUBJECTS = {
    "Nouvel épisode": (
        "Nouvel épisode de {{ event.title | default: 'une série que vous regardez' }}"
    ),
    "New episode": "New episode of {{ event.title | default: 'a series you watch' }}",
}
NEW_EPISODE_COPY = {
    "Nouvel épisode": {
        "subject": (
            "{% assign n = event.new_episodes | default: 1 %}{% if n > 1 %}{{ n }} "
            "nouveaux épisodes {% else %}Nouvel épisode {% endif %}{% assign initial = "
            "event.title | default: 'une' | slice: 0 | downcase %}{% if "
            "'aeiouàâäéèêëîïôöùûü' contains initial %}d’{% else %}de {% endif %}{{ "
            "event.title | default: 'une série que vous regardez' }}"
        ),
        "body": (
            "{% assign n = event.new_episodes | default: 1 %}<p>{% if n > 1 %}Le "
            "dernier, l’épisode {{ event.number }} de la saison {{ event.season }},{% "
            "else %}L’épisode {{ event.number }} de la saison {{ event.season }}{% endif "
            "%} {% if event.released_at %}est sorti le {{ event.released_at | long_date "
            "}}{% else %}est disponible{% endif %}.{% if event.next_episode_id and "
            "event.next_episode_id != event.episode_id %} Votre prochain épisode\xa0: "
            "saison {{ event.next_season }}, épisode {{ event.next_number }}.{% endif "
            "%}</p>"
        ),
        "cta_label": (
            "{% if event.next_episode_id and event.next_episode_id != event.episode_id "
            "%}Reprendre{% else %}Regarder{% endif %}"
        ),
        "cta_url": "/watch/episode/{{ event.next_episode_id | default: event.episode_id }}/",
    },
    "New episode": {
        "subject": (
            "{% assign n = event.new_episodes | default: 1 %}{% if n > 1 %}{{ n }} new "
            "episodes of {% else %}New episode of {% endif %}{{ event.title | default: "
            "'a series you watch' }}"
        ),
        "body": (
            "{% assign n = event.new_episodes | default: 1 %}<p>{% if n > 1 %}The "
            "latest, season {{ event.season }}, episode {{ event.number }},{% else "
            "%}Season {{ event.season }}, episode {{ event.number }}{% endif %} {% if "
            "event.released_at %}came out on {{ event.released_at | long_date }}{% else "
            "%}is out{% endif %}.{% if event.next_episode_id and event.next_episode_id "
            "!= event.episode_id %} Your next episode: season {{ event.next_season }}, "
            "episode {{ event.next_number }}.{% endif %}</p>"
        ),
        "cta_label": (
            "{% if event.next_episode_id and event.next_episode_id != event.episode_id "
            "%}Continue watching{% else %}Watch now{% endif %}"
        ),
        "cta_url": "/watch/episode/{{ event.next_episode_id | default: event.episode_id }}/",
    },
}

REPEATED = "in a villa with a twist with a twist every episode."
FIXED = "in a villa with a twist and only one can win."


def fix(apps, schema_editor):
    Title = apps.get_model("catalogue", "Title")
    for title in Title.objects.filter(
        external_id__startswith="demo:", synopsis__contains=REPEATED
    ).only("pk", "synopsis"):
        title.synopsis = title.synopsis.replace(REPEATED, FIXED)
        title.save(update_fields=["synopsis"])


def new_episode_copy(apps, schema_editor):
    Variant = apps.get_model("engagement", "Variant")
    for name, subject in SHIPPED_SUBJECTS.items():
        Variant.objects.filter(campaign__key="new-episode", name=name, subject=subject).update(
            **NEW_EPISODE_COPY[name]
        )


def forwards(apps, schema_editor):
    fix(apps, schema_editor)
    new_episode_copy(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("demo", "0002_unpublish_farewell_titles"),
        ("catalogue", "0006_farewell_collections"),
        ("engagement", "0003_variant_template_lengths"),  # the templates need the room
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
