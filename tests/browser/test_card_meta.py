"""A card's meta reads the same way across a row (qa15): its match on the first line, its year
and rating together on the next. When the match only took a line of its own where it did not
fit, at 1366 px an "All ages" card put "85% match" alone above "2009 All ages" while a "13+"
card beside it kept all three on one line; in French ("85 % pour vous") and on a phone every
card wrapped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalogue.models import Title
from apps.recommendations.services import recommender_train
from apps.tracking.services import EventData, track_many
from tests.factories import ProfileFactory, genre_catalogue, genre_history

expect = pytest.importorskip("playwright.sync_api").expect

# Per card with a match: where its match and its year sit, and which rating it shows.
METAS = """() => [...document.querySelectorAll('section.row .card')]
  .filter(card => card.querySelector('.card__sub .match'))
  .map(card => {
    const match = card.querySelector('.card__sub .match').getBoundingClientRect();
    const facts = card.querySelector('.card__facts').getBoundingClientRect();
    return {name: card.querySelector('.card__name').textContent,
            rating: card.querySelector('.badge').textContent,
            matchBottom: match.bottom, factsTop: facts.top, factsLeft: facts.left,
            matchLeft: match.left};
  })"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "all_ages"), [("en", "All ages"), ("fr", "Tous publics")])
def test_a_rows_cards_put_the_match_above_the_year_and_rating(
    page, sign_in, shot, language, all_ages
):
    catalogue = genre_catalogue(n_per_genre=20, genres=("Drama", "Comedy"))
    # Every other title is for all ages: the longer rating beside the shorter "13+".
    Title.objects.filter(pk__in=[t.pk for t in catalogue["Drama"][1::2]]).update(maturity="all")
    genre_history(catalogue, viewers_per_genre=10)
    profile = ProfileFactory(name="Quinn", account__language=language)
    start = timezone.now() - timedelta(days=2)
    track_many(
        EventData(
            name="play_completed",
            profile_id=profile.pk,
            occurred_at=start + timedelta(hours=i),
            properties={"title_id": title.pk},
        )
        for i, title in enumerate(catalogue["Drama"][:3])
    )
    recommender_train()
    sign_in(profile)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/")
        expect(page.locator("section.row .card__sub .match").first).to_be_visible()
        metas = page.evaluate(METAS)
        shot(page, f"card-meta-{width}-{language}")
        ratings = {meta["rating"] for meta in metas}
        assert {"13+", all_ages} <= ratings, ratings  # both kinds of card are on the page
        for meta in metas:
            # The year and rating start a line of their own under the match, at its left.
            assert meta["factsTop"] >= meta["matchBottom"] - 1, (width, meta)
            assert abs(meta["factsLeft"] - meta["matchLeft"]) <= 1, (width, meta)
