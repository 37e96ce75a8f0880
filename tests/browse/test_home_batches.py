"""Lazy homepage batches carry the rows already shown (apps/browse/batches.py): a plan that
changes between two batches repeats no row and skips none, and a no-JS card action on a batch
page comes back to the page that holds its row."""

import html as htmllib
import re

import pytest

from apps.recommendations.services import recommender_train
from tests.factories import watch


def _rows(html: str) -> list[str]:
    return re.findall(r'<section class="row"[^>]* id="row-([\w-]+)"', html)


def _more(html: str) -> str | None:
    """The "More rows" address the page's lazy loader asks for."""
    found = re.search(r'hx-get="(/\?batch=[^"]+)"', html)
    return htmllib.unescape(found.group(1)) if found else None


def _scroll(client, url: str | None) -> list[str]:
    """The rows each lazy batch adds as the viewer scrolls, following the page's own links."""
    rows: list[str] = []
    while url:
        response = client.get(url, HTTP_HX_REQUEST="true")
        if response.status_code == 404:  # nothing left
            break
        fragment = response.content.decode()
        rows += _rows(fragment)
        url = _more(fragment)
    return rows


def _whole_page(client) -> list[str]:
    first = client.get("/").content.decode()
    return _rows(first) + _scroll(client, _more(first))


@pytest.mark.django_db
def test_a_plan_that_changes_while_scrolling_shows_no_row_twice_and_skips_none(
    world, viewer_client, django_capture_on_commit_callbacks
):
    watch(viewer_client.profile, world["Drama"][:3])
    recommender_train()
    first = viewer_client.get("/").content.decode()
    on_top = _rows(first)
    # In another tab the viewer saves a title: My list is pinned near the top, so every row
    # after it moves one place down.
    title_id = re.search(r'action="/my-list/(\d+)/', first).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post(f"/my-list/{title_id}/", {"action": "add"})
    assert "list" in _rows(viewer_client.get("/").content.decode())
    # Sliced by position (as before), the next batch would show the top's last row again.
    bare = viewer_client.get("/?batch=1", HTTP_HX_REQUEST="true").content.decode()
    assert on_top[-1] in _rows(bare)

    seen = on_top + _scroll(viewer_client, _more(first))

    assert len(seen) == len(set(seen)), seen
    assert set(_whole_page(viewer_client)) <= set(seen), "every row of the page is reached"
    assert "list" in seen, "the row that appeared above comes in a later batch"


@pytest.mark.django_db
def test_without_javascript_a_like_that_adds_a_row_above_comes_back_to_the_cards_row(
    world, viewer_client, django_capture_on_commit_callbacks
):
    watch(viewer_client.profile, world["Drama"][:3])
    recommender_train()
    # The viewer follows "More rows" to the first batch page showing a genre row.
    url = _more(viewer_client.get("/").content.decode())
    while True:
        page = viewer_client.get(url).content.decode()
        genre_rows = [row for row in _rows(page) if row.startswith("genre-")]
        if genre_rows:
            break
        url = _more(page)
    row = genre_rows[-1]
    title_id = re.search(rf'formaction="/ratings/(\d+)/\?back_to=row-{row}"', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(
            f"/ratings/{title_id}/?back_to=row-{row}", {"value": "like", "next": url}
        )

    # The like put a "Because you liked" row above: the rows after it moved down a place...
    plan = _whole_page(viewer_client)
    assert plan.index(f"because-{title_id}") < plan.index(row)
    # ...but the viewer comes back to the batch page holding the row, at the row.
    assert response["Location"] == f"{url}#row-{row}"
    back = viewer_client.get(url).content.decode()
    assert row in _rows(back) and "I like this" in back
    # The new row is not lost: it comes with the next batch, and nothing shown comes again.
    later = _scroll(viewer_client, _more(back))
    assert f"because-{title_id}" in later
    assert not set(later) & set(_rows(back))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["shown=<b>&rows=new", "shown=picks&rows=new;drop", "shown=" + ",".join(["new"] * 41)],
)
def test_a_bad_list_of_rows_is_refused_with_a_clear_message(world, viewer_client, query):
    page = viewer_client.get(f"/?batch=1&{query}")
    assert page.status_code == 400
    assert "row names separated by commas" in page.content.decode()
    fragment = viewer_client.get(f"/?batch=1&{query}", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400 and "<html" not in fragment.content.decode()


@pytest.mark.django_db
def test_a_batch_whose_rows_are_all_gone_holds_the_next_rows_instead(world, viewer_client):
    watch(viewer_client.profile, world["Drama"][:3])
    recommender_train()
    plan = _whole_page(viewer_client)
    page = viewer_client.get(f"/?batch=1&shown={plan[0]}&rows=because-999999").content.decode()
    assert _rows(page) == plan[1:3]


@pytest.mark.django_db
def test_a_last_batch_page_whose_rows_are_all_gone_says_so(world, viewer_client):
    """A no-JS card action came back to the last batch page and its only row is gone: the page
    says why it is empty and links to the top; the lazy loader just gets nothing more."""
    watch(viewer_client.profile, world["Drama"][:3])
    recommender_train()
    plan = _whole_page(viewer_client)
    url = f"/?batch=5&shown={','.join(plan)}&rows=because-999999"
    page = viewer_client.get(url)
    assert page.status_code == 200 and not _rows(page.content.decode())
    assert "The rows that were on this page are gone" in page.content.decode()
    assert viewer_client.get(url, HTTP_HX_REQUEST="true").status_code == 404
