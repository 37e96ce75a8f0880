"""My List page: newest first, film/series filter, removal with an Undo that restores the entry's
old place; a kids profile sees only its titles; one profile never sees another's list."""

from datetime import timedelta

import pytest

from apps.browse.models import MyListEntry
from apps.core import clock
from apps.tracking.models import Event
from tests.factories import ArtworkVariantFactory, ProfileFactory, TitleFactory, signed_in


def _add(profile, title, minutes_ago):
    return MyListEntry.objects.create(
        profile=profile, title=title, added_at=clock.now() - timedelta(minutes=minutes_ago)
    )


def _names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


@pytest.mark.django_db
def test_newest_addition_first_and_filter_by_kind(viewer_client):
    profile = viewer_client.profile
    old = TitleFactory(name="Old Harbour Film")
    new = TitleFactory(name="New Quarry Film")
    series = TitleFactory(name="Middle Lantern Series", kind="series")
    _add(profile, old, 300)
    _add(profile, series, 200)
    _add(profile, new, 100)
    names = ["Old Harbour Film", "New Quarry Film", "Middle Lantern Series"]

    html = viewer_client.get("/my-list/").content.decode()
    assert _names_in_order(html, names) == [
        "New Quarry Film",
        "Middle Lantern Series",
        "Old Harbour Film",
    ]

    films = viewer_client.get("/my-list/?kind=film").content.decode()
    assert _names_in_order(films, names) == ["New Quarry Film", "Old Harbour Film"]
    shows = viewer_client.get(
        "/my-list/?kind=series", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="my-list-results"
    )
    assert _names_in_order(shows.content.decode(), names) == ["Middle Lantern Series"]
    assert "<header" not in shows.content.decode()  # the htmx answer is the list only


@pytest.mark.django_db
def test_bad_filter_is_a_clear_400(viewer_client):
    response = viewer_client.get("/my-list/?kind=podcast")
    assert response.status_code == 400
    assert "There is no such filter" in response.content.decode()


@pytest.mark.django_db
def test_another_profile_list_is_never_shown(viewer_client):
    other = ProfileFactory()
    _add(other, TitleFactory(name="Someone Else's Pick"), 5)
    html = viewer_client.get("/my-list/").content.decode()
    assert "Someone Else&#x27;s Pick" not in html and "Someone Else's Pick" not in html
    assert "Your list is empty" in html


@pytest.mark.django_db
def test_kids_profile_sees_only_titles_rated_for_it():
    kid = ProfileFactory(is_kids=True)
    _add(kid, TitleFactory(name="Gentle Meadow", maturity="all"), 10)
    _add(kid, TitleFactory(name="Grim Cellar", maturity="18"), 5)
    html = signed_in(kid).get("/my-list/").content.decode()
    assert "Gentle Meadow" in html and "Grim Cellar" not in html


@pytest.mark.django_db
def test_the_kids_header_leads_to_my_list_in_both_languages():
    """QA16 #12: kids add titles with + but their header had no way to the list."""
    kid = ProfileFactory(is_kids=True)
    client = signed_in(kid)
    header = client.get("/search/").content.decode().split("</header>")[0]
    assert '<a href="/my-list/">My List</a>' in header
    french = client.get("/search/", headers={"Accept-Language": "fr"}).content.decode()
    assert '<a href="/my-list/">Ma liste</a>' in french.split("</header>")[0]


@pytest.mark.django_db
def test_remove_then_undo_restores_the_exact_place(viewer_client):
    profile = viewer_client.profile
    first = TitleFactory(name="Undo Alpha")
    second = TitleFactory(name="Undo Beta")
    _add(profile, first, 60)
    kept = _add(profile, second, 30)
    original = MyListEntry.objects.get(profile=profile, title=first).added_at

    response = viewer_client.post(
        f"/my-list/{first.pk}/", {"action": "remove"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="undo-toast"' in html and "Undo" in html
    assert html.count("Removed “Undo Alpha” from My list.") == 2  # the notice, said once
    assert html.count('id="a11y-status"') == 1 and "aria-live" not in html
    assert not MyListEntry.objects.filter(profile=profile, title=first).exists()
    token = html.split('name="token" value="')[1].split('"')[0]

    undone = viewer_client.post("/my-list/undo/", {"token": token}, HTTP_HX_REQUEST="true")
    assert undone.status_code == 200 and undone["HX-Refresh"] == "true"
    restored = MyListEntry.objects.get(profile=profile, title=first)
    assert restored.added_at == original  # back at its old place, below the newer one
    page = viewer_client.get("/my-list/").content.decode()
    assert page.index("Undo Beta") < page.index("Undo Alpha")
    assert kept.pk  # the other entry was never touched
    # A second click on the same Undo changes nothing.
    viewer_client.post("/my-list/undo/", {"token": token}, HTTP_HX_REQUEST="true")
    assert MyListEntry.objects.filter(profile=profile).count() == 2
    assert Event.objects.filter(profile=profile, name="my_list_add").count() == 1


@pytest.mark.django_db
def test_undo_token_of_another_profile_or_forged_is_refused(viewer_client):
    title = TitleFactory(name="Shared Title")
    _add(viewer_client.profile, title, 10)
    html = viewer_client.post(
        f"/my-list/{title.pk}/", {"action": "remove"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    intruder = signed_in(ProfileFactory())
    assert (
        intruder.post("/my-list/undo/", {"token": token}, HTTP_HX_REQUEST="true").status_code == 400
    )
    assert not MyListEntry.objects.filter(title=title).exists()
    forged = viewer_client.post("/my-list/undo/", {"token": token + "x"}, HTTP_HX_REQUEST="true")
    assert forged.status_code == 400
    assert not MyListEntry.objects.filter(title=title).exists()


@pytest.mark.django_db
def test_my_list_page_queries_do_not_grow_with_the_list(
    viewer_client, django_assert_max_num_queries
):
    """Guards the N+1 of a card's title, genres and artwork per entry."""
    profile = viewer_client.profile
    for i in range(30):
        title = TitleFactory(name=f"Listed {i}", kind="series" if i % 2 else "film")
        ArtworkVariantFactory(title=title)
        _add(profile, title, i)
    viewer_client.get("/my-list/")  # the first request records the device and session
    with django_assert_max_num_queries(12):
        response = viewer_client.get("/my-list/")
    assert response.status_code == 200
    assert response.content.decode().count('class="my-list__item"') == 30


@pytest.mark.django_db
def test_undo_after_thirty_seconds_says_it_is_too_late_and_changes_nothing(
    viewer_client, undo_tokens_aged
):
    title = TitleFactory(name="Slow Pick")
    _add(viewer_client.profile, title, 10)
    undo_tokens_aged(31)
    html = viewer_client.post(
        f"/my-list/{title.pk}/", {"action": "remove"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    late = viewer_client.post("/my-list/undo/", {"token": token}, HTTP_HX_REQUEST="true")
    assert late.status_code == 400
    said = (
        "Too late to undo: it has been more than 30 seconds. "
        "To put it back, add it to My list again from its page."
    )
    answer = late.content.decode()
    assert f'<div id="a11y-status" hx-swap-oob="innerHTML">{said}</div>' in answer
    assert f'id="undo-toast-text">{said}</p>' in answer and "hx-post" not in answer
    assert not MyListEntry.objects.filter(title=title).exists()
    # Without JavaScript: the same words on the page it comes back to.
    page = viewer_client.post("/my-list/undo/", {"token": token}, follow=True).content.decode()
    assert said in page
    assert not MyListEntry.objects.filter(title=title).exists()


@pytest.mark.django_db
def test_undo_at_29_seconds_still_puts_the_title_back(viewer_client, undo_tokens_aged):
    title = TitleFactory(name="Just In Time")
    _add(viewer_client.profile, title, 10)
    undo_tokens_aged(29)
    html = viewer_client.post(
        f"/my-list/{title.pk}/", {"action": "remove"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    assert viewer_client.post("/my-list/undo/", {"token": token}).status_code == 302
    assert MyListEntry.objects.filter(title=title).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?kind=series"])
def test_an_empty_list_says_so_outside_the_list(viewer_client, query):
    """QA14 #3: the empty state sat inside role="list", a list with no item (axe critical)."""
    html = viewer_client.get("/my-list/" + query).content.decode()
    message = "Nothing of this kind" if query else "Your list is empty"
    assert message in html
    assert 'role="list"' not in html.split('id="my-list-results"')[1]


@pytest.mark.django_db
def test_a_list_with_titles_has_one_listitem_per_title(viewer_client):
    for minutes, name in enumerate(["First Pick", "Second Pick"]):
        _add(viewer_client.profile, TitleFactory(name=name), minutes)
    html = viewer_client.get("/my-list/").content.decode()
    grid = html.split('<div class="grid" role="list">')[1].split("</nav>")[0]
    assert grid.count('role="listitem"') == 2 and "Your list is empty" not in html


@pytest.mark.django_db
def test_a_saved_title_unpublished_since_is_hidden_and_the_page_says_so(viewer_client):
    """QA16: unpublished titles left My list with no word (the count dropped from 3 to 2).
    The entry is kept (it comes back if the title returns); the page says how many are
    hidden, and the counts and cards hold only what the profile can open."""
    profile = viewer_client.profile
    kept = TitleFactory(name="Still Here Film")
    gone = TitleFactory(name="Pulled Film")
    _add(profile, kept, 20)
    _add(profile, gone, 10)
    _add(ProfileFactory(), TitleFactory(name="Other Pulled", is_published=False), 5)
    assert "no longer available" not in viewer_client.get("/my-list/").content.decode()
    gone.is_published = False
    gone.save()
    html = viewer_client.get("/my-list/").content.decode()
    assert "Still Here Film" in html and "Pulled Film" not in html
    assert "1 title you saved is no longer available on this profile" in html
    assert MyListEntry.objects.filter(profile=profile, title=gone).exists()
    gone.is_published = True
    gone.save()
    html = viewer_client.get("/my-list/").content.decode()
    assert "Pulled Film" in html and "no longer available" not in html
