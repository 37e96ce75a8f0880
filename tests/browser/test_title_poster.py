"""A title page's poster keeps its shape on a phone: it is drawn narrower than its width
attribute there (150 px of 300), and its height stayed 450 px, a poster squeezed to a third of
its width, on every title page and on a coming title's page."""

import pytest

from apps.catalogue.models import Genre
from tests.artwork.conftest import with_variants
from tests.factories import TitleFactory

pytest.importorskip("playwright.sync_api")


@pytest.mark.django_db(transaction=True)
def test_the_poster_keeps_its_two_by_three_shape_at_every_width(page):
    genre = Genre.objects.create(name="Drama", slug="drama")
    title = TitleFactory(name="Shapely", genres=[genre])
    with_variants([title], genre)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(title.get_absolute_url())
        box = page.locator(".title-page__poster img").bounding_box()
        assert box and abs(box["height"] / box["width"] - 1.5) < 0.02, (width, box)
    # The renditions are not drawn here (no files): only the shape the page gives them.
    page.problems[:] = [p for p in page.problems if "status of 404" not in p]
