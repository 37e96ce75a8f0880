"""Curators: per-variant performance on the title page, pinning, the report across titles."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.artwork import services
from apps.artwork.models import Impression
from apps.catalogue.models import ArtworkVariant
from apps.core import clock
from tests.artwork.conftest import title_with_variants
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def log(title, variant, *, n, takes, segment=None, how="chosen"):
    """n impressions of a variant (by n different viewers), the first `takes` of them taken."""
    at = clock.now() - timedelta(days=1)
    Impression.objects.bulk_create(
        Impression(
            batch_id=f"t{title.pk}-v{variant.pk}-s{segment}-{how}-{i}",
            slot=0,
            profile=profile,
            title=title,
            variant=variant,
            page="home",
            row="r",
            position=0,
            how=how,
            options=3,
            segment=segment,
            expected=0.1,
            shown_at=at,
            taken_at=at + timedelta(minutes=5) if i < takes else None,
        )
        for i, profile in enumerate(ProfileFactory.create_batch(n))
    )


def test_the_title_page_shows_each_variants_take_rate_with_its_interval(admin_client, genres):
    title, (dark, light, neutral) = title_with_variants(genres["Horror"], name="Night Harbor")
    log(title, dark, n=40, takes=10, segment=genres["Horror"].pk)
    log(title, light, n=40, takes=2, segment=genres["Comedy"].pk)
    html = admin_client.get(
        reverse("admin:catalogue_title_change", args=[title.pk])
    ).content.decode()
    assert "Artwork personalization" in html
    assert "25.0%" in html and "14.2% – 40.2%" in html  # 10/40 and its Wilson interval
    assert "5.0%" in html
    # All viewers, and two segments drawn compact.
    assert html.count('<svg class="artwork-chart"') + html.count("artwork-chart--compact") == 3
    assert "Horror: 40 impressions, 25.0%" in html and "Comedy: 40 impressions, 5.0%" in html
    assert 'class="chart-bar chart-bar--dark"' in html
    assert "style=" not in html.split('class="artwork-performance"')[1].split("</fieldset>")[0]


def test_the_french_title_page_names_the_segments_in_french(admin_client, genres):
    """QA6: the French admin read "Drama : 8 affichages" and "Light: 0,0 %"."""
    from django.utils import translation

    title, (dark, light, neutral) = title_with_variants(genres["Horror"], name="Night Harbor")
    log(title, dark, n=40, takes=10, segment=genres["Drama"].pk)
    with translation.override("fr"):
        html = admin_client.get(
            reverse("admin:catalogue_title_change", args=[title.pk]), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
    assert "Drame\u00a0: 40 affichages, 25,0\u00a0%" in html
    assert "dark\u00a0: 25,0\u00a0%" in html  # the legend under its chart


def test_a_curator_pins_and_unpins_a_variant(admin_client, genres, settings):
    title, (dark, light, neutral) = title_with_variants(genres["Comedy"])
    url = reverse("admin:catalogue_title_change", args=[title.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "genres"}
    data |= {"genres": [genres["Comedy"].pk], "tags": "[]", "pinned_variant": light.pk}
    for prefix in ("artwork",):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert pinned(title) == [light.pk]
    page = admin_client.get(url)
    assert page.context["adminform"].form.initial["pinned_variant"] == light.pk
    assert "Pinned: everyone sees" in page.content.decode()
    data["pinned_variant"] = ""
    assert admin_client.post(url, data).status_code == 302
    assert pinned(title) == []


def pinned(title) -> list[int]:
    return list(
        ArtworkVariant.objects.filter(title=title, pinned=True).values_list("pk", flat=True)
    )


def test_pinning_another_variant_unpins_the_first(genres):
    """One pinned variant per title: the new pin replaces the old one, in one step."""
    title, (dark, light, neutral) = title_with_variants(genres["Comedy"])
    other, (other_dark, *_rest) = title_with_variants(genres["Horror"])
    services.title_pin_set(title=other, variant=other_dark)
    services.title_pin_set(title=title, variant=dark)
    services.title_pin_set(title=title, variant=light)
    assert pinned(title) == [light.pk]
    services.title_pin_set(title=title, variant=light)  # again: nothing changes
    assert pinned(title) == [light.pk]
    assert pinned(other) == [other_dark.pk], "another title's pin is its own"
    services.title_pin_set(title=title, variant=None)
    assert pinned(title) == [] and pinned(other) == [other_dark.pk]


def test_two_pinned_variants_for_one_title_are_refused_by_the_database(genres):
    from django.db import IntegrityError, transaction

    title, (dark, light, neutral) = title_with_variants(genres["Comedy"])
    services.title_pin_set(title=title, variant=dark)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArtworkVariant.objects.filter(pk=light.pk).update(pinned=True)


def test_an_inactive_variant_cannot_be_pinned(genres):
    title, (dark, light, _neutral) = title_with_variants(genres["Comedy"])
    services.title_pin_set(title=title, variant=light)
    dark.is_active = False
    dark.save()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="inactive"):
        services.title_pin_set(title=title, variant=dark)
    assert pinned(title) == [light.pk]


def test_pinning_another_titles_variant_is_refused_and_changes_nothing(genres):
    from django.core.exceptions import ValidationError

    title, (dark, *_rest) = title_with_variants(genres["Comedy"], name="Sunny Days")
    other, (other_dark, *_) = title_with_variants(genres["Horror"], name="Night Harbor")
    services.title_pin_set(title=title, variant=dark)
    with pytest.raises(ValidationError) as refused:
        services.title_pin_set(title=title, variant=other_dark)
    assert refused.value.message_dict == {
        "pinned_variant": [
            f"“{other_dark}” belongs to another title: pin one of this title's own variants."
        ]
    }
    assert pinned(title) == [dark.pk] and pinned(other) == []


def test_a_pin_kept_on_a_deactivated_variant_does_not_block_saving_the_title(admin_client, genres):
    """Deactivating the pinned variant keeps the pin (the title is personalized meanwhile):
    saving the title again must not ask the curator to activate it first."""
    title, (dark, light, neutral) = title_with_variants(genres["Comedy"])
    services.title_pin_set(title=title, variant=light)
    light.is_active = False
    light.save()
    url = reverse("admin:catalogue_title_change", args=[title.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "genres"}
    data |= {"genres": [genres["Comedy"].pk], "tags": "[]", "synopsis": "Changed."}
    data |= {"artwork-TOTAL_FORMS": "0", "artwork-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert pinned(title) == [light.pk]


def test_the_report_lists_winners_losers_and_the_exploration_share(admin_client, genres):
    title, (dark, light, neutral) = title_with_variants(genres["Horror"], name="Grim Tide")
    log(title, dark, n=150, takes=45)  # 30%
    log(title, light, n=150, takes=6)  # 4%
    log(title, neutral, n=150, takes=20)
    log(title, neutral, n=24, takes=2, how="random")
    index = admin_client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:artwork_artworkreport_changelist")
    assert url in index
    with CaptureQueriesContext(connection) as ctx:
        html = admin_client.get(url).content.decode()
    assert len(ctx) < 15
    winners = html.split("<h2>Biggest winners</h2>")[1].split("<h2>Biggest losers</h2>")[0]
    losers = html.split("<h2>Biggest losers</h2>")[1].split("By audience segment")[0]
    assert "Grim Tide" in winners and "dark" in winners and "light" not in winners
    assert "Grim Tide" in losers and "light" in losers and "dark" not in losers
    assert "Exploration: 5.1% of the impressions where the policy had a choice" in html
    assert admin_client.get(url + "?days=7").status_code == 200


def test_the_report_draws_each_audience_segments_take_rate_in_its_language(admin_client, genres):
    """QA6: the segments were a 23-line table of percentages to compare by eye. A bar per
    segment now, longer for a higher take rate, named in the admin's language, with the
    average line; the table stays for the exact numbers."""
    import re

    from django.utils import translation

    title, (dark, *_rest) = title_with_variants(genres["Horror"], name="Grim Tide")
    log(title, dark, n=100, takes=40, segment=genres["Horror"].pk)  # 40%
    log(title, dark, n=100, takes=10, segment=genres["Comedy"].pk)  # 10%
    url = reverse("admin:artwork_artworkreport_changelist")
    with translation.override("fr"):
        html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    section = html.split('id="segments-heading"')[1]
    chart = section.split('<svg class="artwork-chart artwork-chart--rows"')[1].split("</svg>")[0]
    bars = dict(
        re.findall(r'>([^<>]+)</text>\s*<rect class="chart-bar[^"]*"[^>]*width="([\d.]+)"', chart)
    )
    assert set(bars) == {"Horreur", "Comédie"}
    assert float(bars["Horreur"]) > 3 * float(bars["Comédie"]) > 0
    assert 'class="chart-average"' in chart and "chart-whisker" in chart
    assert '<th scope="row">Horreur</th>' in section  # the table speaks French too


def test_the_report_writes_big_counts_with_the_languages_thousands_separator(admin_client, genres):
    """QA6: "114191 impressions" where the year page writes "2,531"."""
    from django.utils import translation

    title, (dark, *_rest) = title_with_variants(genres["Horror"], name="Grim Tide")
    profile = ProfileFactory()
    at = clock.now() - timedelta(days=1)
    Impression.objects.bulk_create(
        Impression(
            batch_id=f"big-{i}",
            slot=0,
            profile=profile,
            title=title,
            variant=dark,
            page="home",
            row="r",
            position=0,
            how="chosen",
            options=3,
            expected=0.1,
            shown_at=at,
            taken_at=at + timedelta(minutes=5) if i < 1001 else None,
        )
        for i in range(1204)
    )
    url = reverse("admin:artwork_artworkreport_changelist")
    html = admin_client.get(url).content.decode()
    assert "1,204 impressions, 1,001 takes" in html and "<td>1,204</td>" in html
    assert "1204" not in html
    with translation.override("fr"):
        html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1\u00a0204" in html and "1204" not in html


def test_the_raw_log_is_read_only(admin_client, genres):
    title, (dark, *_rest) = title_with_variants(genres["Horror"])
    log(title, dark, n=3, takes=1)
    url = reverse("admin:artwork_impression_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(reverse("admin:artwork_impression_add")).status_code == 403


def test_two_variants_with_the_same_label_can_be_told_apart_when_pinning(admin_client, genres):
    title, (dark, light, neutral) = title_with_variants(genres["Horror"])
    light.label = dark.label
    light.is_active = False
    light.save(update_fields=["label", "is_active"])
    url = reverse("admin:catalogue_title_change", args=[title.pk])
    field = admin_client.get(url).context["adminform"].form.fields["pinned_variant"]
    labels = [label for value, label in field.choices if value]
    assert len(set(labels)) == len(labels) == 3
    assert f"(variant #{light.pk}), inactive" in " ".join(labels)


def test_the_report_names_the_winning_style_for_each_favourite_genre(admin_client, genres):
    """QA9: the report ranked winners overall and rates per segment, but not which artwork
    wins for whom."""
    from django.utils import translation

    title, (dark, light, _neutral) = title_with_variants(genres["Horror"], name="Grim Tide")
    horror, comedy = genres["Horror"].pk, genres["Comedy"].pk
    log(title, dark, n=150, takes=60, segment=horror)  # horror fans take the dark one
    log(title, light, n=150, takes=9, segment=horror)
    log(title, dark, n=120, takes=6, segment=comedy)  # comedy fans the light one
    log(title, light, n=120, takes=36, segment=comedy)
    url = reverse("admin:artwork_artworkreport_changelist")
    html = admin_client.get(url).content.decode()
    table = html.split('id="segment-winners"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table))
    assert rows == {"Horror": "Dark · Character", "Comedy": "Light · Ensemble"}
    assert "<strong>Clear</strong>" in table
    with translation.override("fr"):
        html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    table = html.split('id="segment-winners"')[1].split("</table>")[0]
    assert '<th scope="row">Horreur</th><td>Sombre · Personnage</td>' in table


def test_after_the_clock_moves_past_the_period_the_report_says_when_viewers_last_browsed(
    admin_client, genres, monkeypatch, django_assert_num_queries
):
    """QA: a demo-clock jump of more than 30 days with nobody browsing showed a table of zeros
    for the last 30 days beside "the policy learned from N impressions of the last 90 days",
    which read as broken. The page says the period is empty and when the latest impression the
    policy learned from was, in one query."""
    from apps.artwork import selectors
    from apps.core import dates

    title, (dark, light, _neutral) = title_with_variants(genres["Horror"], name="Grim Tide")
    log(title, dark, n=150, takes=45)
    log(title, light, n=150, takes=6)
    services.policy_refresh()
    latest = Impression.objects.latest("shown_at").shown_at
    later = clock.now() + timedelta(days=45)
    monkeypatch.setattr(clock, "now", lambda: later)
    url = reverse("admin:artwork_artworkreport_changelist")

    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    day = dates.long_date(timezone.localtime(latest))
    assert "No impressions in the last 30 days: no viewer saw a card in this period" in html
    assert f"The latest impression the policy learned from was on {day}." in html
    assert "The policy learned from 300 impressions of the last" in html
    assert "Biggest winners" not in html and "Grim Tide" not in html
    assert "0 impressions, 0 takes" not in html and "How the variant was picked" not in html
    # The 90 days still hold them: that period shows the tables as before.
    wide = admin_client.get(url + "?days=90", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No impressions in the last" not in wide and "Grim Tide" in wide
    # The window's counts, the policy, the latest impression: the date costs one query.
    with django_assert_num_queries(3):
        assert selectors.report(days=30).latest_impression == latest
    french = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "No impressions" not in french
    assert "Aucun affichage sur les 30 derniers jours : aucun spectateur" in french


def test_each_report_table_scrolls_in_its_own_named_region(admin_client, genres):
    """QA14 #7: at 390 px the tables scrolled with nothing a keyboard could focus."""
    from tests.core.test_admin_table_scroll import wrapped_table_names

    title, (dark, light, neutral) = title_with_variants(genres["Horror"], name="Grim Tide")
    log(title, dark, n=150, takes=45)
    log(title, light, n=150, takes=6)
    html = admin_client.get(reverse("admin:artwork_artworkreport_changelist")).content.decode()
    names = wrapped_table_names(html)
    assert names[0] == "Traffic (table)" and "By audience segment (table)" in names
    assert len(names) == 5  # traffic, winners, losers, segments, segment winners
