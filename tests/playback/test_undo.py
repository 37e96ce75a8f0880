"""Undo after "Remove from Continue watching": the title is back, exactly as it was."""

import pytest

from apps.playback import selectors
from apps.playback.models import TitleProgress
from tests.factories import ProfileFactory, signed_in

pytestmark = pytest.mark.django_db


def _token(html: str) -> str:
    return html.split('name="token" value="')[1].split('"')[0]


def test_undo_puts_the_title_back_in_continue_watching(viewer_client, film, report):
    report(film, 1200, who=viewer_client.profile)
    before = TitleProgress.objects.values().get()
    response = viewer_client.post(
        f"/watch/continue/{film.pk}/remove/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Removed “Harbour Lights” from Continue watching." in html and ">Undo<" in html
    assert selectors.continue_watching(profile=viewer_client.profile) == []

    undone = viewer_client.post(
        "/watch/continue/undo/", {"token": _token(html)}, headers={"HX-Request": "true"}
    )
    assert undone.status_code == 200 and undone["HX-Refresh"] == "true"
    assert TitleProgress.objects.values().get() == before  # the exact prior state
    items = selectors.continue_watching(profile=viewer_client.profile)
    assert [i.title_id for i in items] == [film.pk]
    assert 'id="row-continue"' in viewer_client.get("/").content.decode()


def test_undo_without_javascript_and_refusals(viewer_client, film, report):
    report(film, 1200, who=viewer_client.profile)
    html = viewer_client.post(
        f"/watch/continue/{film.pk}/remove/", headers={"HX-Request": "true"}
    ).content.decode()
    token = _token(html)
    other = signed_in(ProfileFactory())
    refused = other.post("/watch/continue/undo/", {"token": token}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert TitleProgress.objects.get().hidden_at is not None
    assert viewer_client.post("/watch/continue/undo/", {"token": "nonsense"}).status_code == 302
    assert TitleProgress.objects.get().hidden_at is not None
    done = viewer_client.post("/watch/continue/undo/", {"token": token})
    assert done.status_code == 302
    assert TitleProgress.objects.get().hidden_at is None


def test_undo_does_not_unhide_a_later_removal(viewer_client, film, report):
    """A token names the hiding it undoes: after watching again and removing again, the old
    Undo is stale and changes nothing."""
    report(film, 1200, who=viewer_client.profile)
    url = f"/watch/continue/{film.pk}/remove/"
    old = _token(viewer_client.post(url, headers={"HX-Request": "true"}).content.decode())
    report(film, 1300, who=viewer_client.profile)
    viewer_client.post(url, headers={"HX-Request": "true"})
    viewer_client.post("/watch/continue/undo/", {"token": old}, headers={"HX-Request": "true"})
    assert TitleProgress.objects.get().hidden_at is not None


def test_undo_after_thirty_seconds_says_it_is_too_late_and_keeps_it_hidden(
    viewer_client, film, report, undo_tokens_aged
):
    report(film, 1200, who=viewer_client.profile)
    undo_tokens_aged(31)
    html = viewer_client.post(
        f"/watch/continue/{film.pk}/remove/", headers={"HX-Request": "true"}
    ).content.decode()
    late = viewer_client.post(
        "/watch/continue/undo/", {"token": _token(html)}, headers={"HX-Request": "true"}
    )
    assert late.status_code == 400
    said = (
        "Too late to undo: it has been more than 30 seconds. "
        "To bring it back, play it again: it returns to Continue watching."
    )
    assert f"{said}</div>" in late.content.decode()
    assert TitleProgress.objects.get().hidden_at is not None
    assert selectors.continue_watching(profile=viewer_client.profile) == []
    # Someone else's old token is not "too late" for them: it was never theirs.
    other = signed_in(ProfileFactory())
    refused = other.post(
        "/watch/continue/undo/", {"token": _token(html)}, headers={"HX-Request": "true"}
    )
    assert "This can no longer be undone." in refused.content.decode()
