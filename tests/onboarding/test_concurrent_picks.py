"""Two picks at once (two tabs, a fast double click on two favourites) both land, and the same
pick sent twice counts once (QA: picks lived in the session, read and written whole by each
request, so the later of two simultaneous picks dropped the other)."""

import pytest
from django.test import Client

from apps.onboarding import selectors, services
from apps.onboarding.models import PendingPick
from tests.concurrency import raised, run_at_once
from tests.factories import ProfileFactory, TitleFactory
from tests.onboarding.test_views import PICK, PICKS, htmx_pick


@pytest.mark.django_db
def test_a_pick_from_another_tab_in_the_middle_of_a_pick_is_kept(newcomer_client, monkeypatch):
    """Tab B's pick lands while tab A's is on its way (after A read the picks, before it wrote
    them): both are picked, as the page then says."""
    first, second = TitleFactory.create_batch(2)
    tab_b = Client()
    tab_b.cookies = newcomer_client.cookies  # the same browser: one session
    real = selectors.titles_by_id
    interleaved = []

    def titles_by_id(**kwargs):
        if not interleaved:
            interleaved.append(True)
            assert htmx_pick(tab_b, second.pk).status_code == 200
        return real(**kwargs)

    monkeypatch.setattr(selectors, "titles_by_id", titles_by_id)
    assert htmx_pick(newcomer_client, first.pk).status_code == 200
    assert interleaved
    html = newcomer_client.get(PICKS).content.decode()
    assert "2 of 3" in html
    assert html.count('aria-pressed="true"') == 2


@pytest.mark.django_db
def test_a_pick_sent_twice_counts_once(newcomer_client):
    """A double click on a card sends "pick" twice: still picked, not picked then dropped."""
    title = TitleFactory()
    for _ in range(2):
        response = newcomer_client.post(
            PICK,
            {"title_id": title.pk, "want": "pick"},
            HTTP_HX_TARGET=f"onb-card-{title.pk}",
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
    html = newcomer_client.get(PICKS).content.decode()
    assert "1 of 3" in html and 'aria-pressed="true"' in html
    newcomer_client.post(PICK, {"title_id": title.pk, "want": "drop"}, HTTP_HX_REQUEST="true")
    newcomer_client.post(PICK, {"title_id": title.pk, "want": "drop"}, HTTP_HX_REQUEST="true")
    assert "0 of 3" in newcomer_client.get(PICKS).content.decode()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_picks_on_two_threads_all_land_once():
    """Four requests at once: two favourites, each sent twice. Two rows, no error."""
    profile = ProfileFactory(onboarded_at=None)
    first, second = TitleFactory.create_batch(2)
    asks = [first.pk, second.pk, first.pk, second.pk]

    def pick(i: int) -> None:
        services.pick_change(profile=profile, title_id=asks[i], want=True)

    assert raised(run_at_once(pick, n=len(asks))) == []
    picked = PendingPick.objects.filter(profile=profile).values_list("title_id", flat=True)
    assert sorted(picked) == sorted([first.pk, second.pk])
    assert sorted(services.pending_picks(profile=profile)) == sorted([first.pk, second.pk])
