import pytest

from tests.factories import genre_catalogue, genre_history


@pytest.fixture
def mix_world(db):
    """Eight genres (a weekly mix holds at most 5 of each, so 30 needs six or more)."""
    genres = ("Horror", "Comedy", "Drama", "Sci-Fi", "Romance", "Action", "Anime", "Western")
    catalogue = genre_catalogue(n_per_genre=12, genres=genres)
    genre_history(catalogue, viewers_per_genre=6)
    return catalogue
