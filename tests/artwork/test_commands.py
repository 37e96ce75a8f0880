"""The two offline commands: replay on logged random impressions, and the simulation."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.artwork import services
from apps.catalogue.models import Genre
from apps.demo.world.artwork_history import artwork_seed_history
from tests.artwork.conftest import with_variants
from tests.demo.test_artwork_history import fans
from tests.factories import genre_catalogue


@pytest.fixture
def replay_world():
    """Enough logged history for the replay to tell the policies apart whatever ids the world
    gets (with 5,000 impressions the personalized policy matched ~20 random impressions, and
    which 20 depended on the ids, so it won or lost by chance)."""
    world = genre_catalogue(n_per_genre=20, genres=("Horror", "Comedy", "Drama"))
    for name, titles in world.items():
        with_variants(titles, Genre.objects.get(name=name))
    fans(world["Horror"], 25)
    fans(world["Comedy"], 25)
    fans(world["Drama"], 10)
    return artwork_seed_history(seed=3, days=28, per_day=24)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_evaluate_artwork_replays_three_policies_on_logged_random_impressions(replay_world):
    output = run("evaluate_artwork")
    lines = output.strip().splitlines()
    assert lines[0].startswith("Replay on ")
    found = {}
    for line in lines[1:]:
        m = re.match(r"(.+?)\s+take rate (\d\.\d+) .*, (\d+) matched impressions", line)
        found[m[1]] = (float(m[2]), int(m[3]))
    assert list(found) == ["uniform random", "best single variant", "personalized policy"]
    uniform, best, personal = found.values()
    assert uniform[1] > best[1] > 0 and uniform[1] > personal[1] > 0
    assert personal[0] > uniform[0], output


@pytest.mark.django_db
def test_evaluate_artwork_without_random_impressions_says_so():
    with pytest.raises(CommandError, match="No logged random impressions"):
        run("evaluate_artwork")
    services.policy_refresh()  # an empty snapshot is fine too


def test_simulate_artwork_prints_the_four_rates_and_the_ratios_last():
    output = run("simulate_artwork", "--viewers", "60", "--impressions", "3000", "--seed", "3")
    for name in ("uniform random", "best single variant", "bandit", "oracle"):
        assert re.search(rf"^{name}\s+take rate 0\.\d{{4}}$", output, re.M), output
    assert re.fullmatch(r"bandit/oracle=\d\.\d\d bandit/random=\d\.\d\d", output.splitlines()[-1])
    assert re.search(r"^impressions are cards seen: 3000 of \d+ rendered", output, re.M)


def test_simulate_artwork_refuses_nonsense():
    with pytest.raises(CommandError):
        run("simulate_artwork", "--viewers", "0")
