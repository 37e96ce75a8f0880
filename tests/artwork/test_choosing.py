"""Artwork on real pages: stability, pins, inactive and kids variants, logging in bulk."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.artwork import bandit, services
from apps.artwork.models import Impression
from apps.catalogue import selectors as catalogue
from apps.catalogue.models import Title
from apps.core import clock
from tests.artwork.conftest import homepage_world, signed_in, title_with_variants
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db
SRC = re.compile(r'<img[^>]+src="/media/artwork/(\d+)/(\w+)/(?:card|hero)\.jpg"')


def cards_for(profile, titles):
    qs = Title.objects.filter(pk__in=[t.pk for t in titles]).order_by("pk")
    return list(catalogue.cards(qs, profile=profile, genres=False))


def test_a_title_shows_one_variant_everywhere_on_the_page_and_all_day(genres, settings):
    settings.ARTWORK_EXPLORATION = 0.3
    titles = [title_with_variants(genres["Horror"])[0] for _ in range(12)]
    for profile in ProfileFactory.create_batch(10):
        day = profile.created_at.date()
        first = cards_for(profile, titles)
        again = cards_for(profile, titles)  # the title in another row (its own object)
        placed = [("hero", 0, first[0])] + [("a", i, t) for i, t in enumerate(first)]
        placed += [("b", i, t) for i, t in enumerate(again)]
        shown = services.page_artwork_choose(profile=profile, day=day, placed=placed)
        by_title = {}
        for item in shown:
            assert by_title.setdefault(item.title_id, item.variant_id) == item.variant_id
        assert first[0].chosen_artwork.pk == by_title[first[0].pk]
        later = services.page_artwork_choose(
            profile=profile,
            day=day,
            placed=[("c", i, t) for i, t in enumerate(cards_for(profile, titles))],
        )
        assert {s.title_id: s.variant_id for s in later} == by_title


def test_a_pinned_variant_is_always_shown(genres, settings):
    settings.ARTWORK_EXPLORATION = 1.0  # every choice would be random, were it not pinned
    title, variants = title_with_variants(genres["Comedy"])
    services.title_pin_set(title=title, variant=variants[2])
    for profile in ProfileFactory.create_batch(25):
        (card,) = cards_for(profile, [title])
        (shown,) = services.page_artwork_choose(
            profile=profile, day=profile.created_at.date(), placed=[("", 0, card)]
        )
        assert (shown.variant_id, shown.how) == (variants[2].pk, bandit.PINNED)
        assert card.chosen_artwork == variants[2]


def test_unpinning_brings_personalization_back(genres, settings):
    settings.ARTWORK_EXPLORATION = 1.0
    title, variants = title_with_variants(genres["Comedy"])
    services.title_pin_set(title=title, variant=variants[2])
    services.title_pin_set(title=title, variant=None)
    profile = ProfileFactory()
    (card,) = cards_for(profile, [title])
    (shown,) = services.page_artwork_choose(
        profile=profile, day=profile.created_at.date(), placed=[("", 0, card)]
    )
    assert shown.how == bandit.RANDOM


def test_a_deactivated_variant_is_never_shown(genres, settings):
    settings.ARTWORK_EXPLORATION = 0.5
    title, variants = title_with_variants(genres["Horror"])
    services.title_pin_set(title=title, variant=variants[0])
    variants[0].is_active = False
    variants[0].save()
    shown = set()
    for profile in ProfileFactory.create_batch(60):
        (card,) = cards_for(profile, [title])
        (item,) = services.page_artwork_choose(
            profile=profile, day=profile.created_at.date(), placed=[("", 0, card)]
        )
        shown.add(item.variant_id)
    assert variants[0].pk not in shown
    assert shown == {variants[1].pk, variants[2].pk}


def test_a_kids_profile_only_sees_variants_suitable_for_kids(genres, settings):
    settings.ARTWORK_EXPLORATION = 0.5
    title, variants = title_with_variants(genres["Comedy"], maturity="7")
    variants[0].kids_suitable = False
    variants[0].save()
    kids, adults = set(), set()
    for _ in range(60):
        for is_kids, seen in ((True, kids), (False, adults)):
            profile = ProfileFactory(is_kids=is_kids)
            (card,) = cards_for(profile, [title])
            (item,) = services.page_artwork_choose(
                profile=profile, day=profile.created_at.date(), placed=[("", 0, card)]
            )
            seen.add(item.variant_id)
    assert variants[0].pk not in kids and kids == {variants[1].pk, variants[2].pk}
    assert variants[0].pk in adults


def test_a_pinned_variant_unsuitable_for_kids_is_shown_to_adults_only(genres, settings):
    settings.ARTWORK_EXPLORATION = 0.5
    title, variants = title_with_variants(genres["Comedy"], maturity="7")
    variants[0].kids_suitable = False
    variants[0].save()
    services.title_pin_set(title=title, variant=variants[0])
    kids, adults = set(), set()
    for _ in range(40):
        for is_kids, seen in ((True, kids), (False, adults)):
            profile = ProfileFactory(is_kids=is_kids)
            (card,) = cards_for(profile, [title])
            (item,) = services.page_artwork_choose(
                profile=profile, day=profile.created_at.date(), placed=[("", 0, card)]
            )
            seen.add((item.variant_id, item.how))
    assert adults == {(variants[0].pk, bandit.PINNED)}
    assert {v for v, _how in kids} == {variants[1].pk, variants[2].pk}
    assert bandit.PINNED not in {how for _v, how in kids}


def test_logging_a_page_is_one_insert_whatever_its_size(genres, viewer):
    titles = [title_with_variants(genres["Drama"])[0] for _ in range(40)]
    shown = services.page_artwork_choose(
        profile=viewer,
        day=viewer.created_at.date(),
        placed=[("row", i, t) for i, t in enumerate(cards_for(viewer, titles))],
    )
    clock.now()  # the demo clock's offset is cached after its first read
    with CaptureQueriesContext(connection) as ctx:
        services.impressions_log(profile=viewer, page="home", shown=shown)
    # One read of the page's profile (a profile deleted since is left out, QA17), one INSERT.
    assert len(ctx.captured_queries) == 2
    assert 'INSERT INTO "artwork_impression"' in ctx.captured_queries[-1]["sql"]
    assert Impression.objects.filter(profile=viewer).count() == 40


def test_a_repeated_batch_counts_once(genres, viewer):
    titles = [title_with_variants(genres["Drama"])[0] for _ in range(5)]
    shown = services.page_artwork_choose(
        profile=viewer,
        day=viewer.created_at.date(),
        placed=[("row", i, t) for i, t in enumerate(cards_for(viewer, titles))],
    )
    for _ in range(3):  # a retried request or a duplicated beacon
        services.impressions_log(profile=viewer, page="home", shown=shown, batch_id="beacon-1")
    assert Impression.objects.count() == 5
    services.impressions_log(profile=viewer, page="home", shown=shown)  # a new page view
    assert Impression.objects.count() == 10


def shown_variants(html: str) -> list[tuple[int, str]]:
    """(title id, tone) of every card and hero image on a page, in page order."""
    return [(int(t), tone) for t, tone in SRC.findall(html)]


def test_the_title_page_shows_and_logs_the_homepages_variant(db, client):
    homepage_world()
    profile = ProfileFactory()
    signed_in(client, profile)
    on_home = dict(shown_variants(client.get("/").content.decode()))
    for title in Title.objects.filter(pk__in=list(on_home)[:5]):
        html = client.get(title.get_absolute_url()).content.decode()
        assert f"/media/artwork/{title.pk}/{on_home[title.pk]}/card.jpg" in html
        logged = Impression.objects.filter(page="title", title=title).get()
        assert logged.variant.label == on_home[title.pk]


def test_impressions_keep_the_viewers_segment_and_prediction(genres, viewer):
    services.profile_taste_refresh(profile_id=viewer.pk)
    title, _ = title_with_variants(genres["Horror"])
    from apps.tracking.services import track

    track(
        name="play_completed",
        profile=viewer,
        properties={"title_id": title.pk},
        at=viewer.created_at - timedelta(days=1),
    )
    services.profile_taste_refresh(profile_id=viewer.pk)
    (card,) = cards_for(viewer, [title])
    (shown,) = services.page_artwork_choose(
        profile=viewer, day=viewer.created_at.date(), placed=[("", 0, card)]
    )
    assert shown.segment == genres["Horror"].pk
    assert 0 < shown.expected < 1


def test_a_title_without_artwork_is_not_logged(genres, viewer):
    from tests.factories import TitleFactory

    title = title_with_variants(genres["Drama"])[0]
    plain = TitleFactory(genres=[genres["Drama"]])
    shown = services.page_artwork_choose(
        profile=viewer,
        day=viewer.created_at.date(),
        placed=[("r", 0, c) for c in cards_for(viewer, [title, plain])],
    )
    assert [s.title_id for s in shown] == [title.pk]


def test_genre_and_search_pages_show_the_same_variant_as_the_homepage(db, client):
    homepage_world()
    profile = ProfileFactory()
    signed_in(client, profile)
    on_home = dict(shown_variants(client.get("/").content.decode()))
    for url in ("/genre/horror/", "/search/?q=horror"):
        on_page = shown_variants(client.get(url).content.decode())
        assert len(on_page) == 15
        assert all(on_home.get(t, tone) == tone for t, tone in on_page)
