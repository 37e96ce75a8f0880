"""Issue 13, "Your data": each per-signal switch really changes what the homepage is built
from, is recorded as an event and refreshes the profile's candidates at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.browse.models import MyListEntry
from apps.playback.models import TitleProgress
from apps.ratings.models import Rating
from apps.recommendations.services import recommender_train
from apps.tracking.models import Event
from apps.tracking.services import your_data
from tests.factories import signed_in, watch

pytestmark = pytest.mark.django_db


def changed(capture, **kwargs):
    """Run a "Your data" service the way a request does: its refresh runs after commit."""
    service = kwargs.pop("service")
    with capture(execute=True):
        return service(**kwargs)


def test_dont_use_my_viewing_history_takes_its_rows_off_the_homepage(
    viewer_client, world, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    watch(profile, world["Horror"][:4])
    recommender_train()
    assert "Because you watched Horror" in viewer_client.get("/").content.decode()

    changed(
        django_capture_on_commit_callbacks,
        service=your_data.data_use_set,
        profile=profile,
        signal="viewing_history",
        in_use=False,
    )
    html = viewer_client.get("/").content.decode()
    assert "Because you watched" not in html
    assert "starts from what is popular" in html
    assert Event.objects.filter(
        profile=profile, name="data_use_changed", properties__signal="viewing_history"
    ).exists()

    changed(
        django_capture_on_commit_callbacks,
        service=your_data.data_use_set,
        profile=profile,
        signal="viewing_history",
        in_use=True,
    )
    assert "Because you watched Horror" in viewer_client.get("/").content.decode()


def test_the_switch_holds_through_a_full_retraining(viewer_client, world):
    profile = viewer_client.profile
    watch(profile, world["Horror"][:4])
    your_data.data_use_set(profile=profile, signal="viewing_history", in_use=False)
    recommender_train()
    assert "Because you watched" not in viewer_client.get("/").content.decode()


def test_dont_use_my_ratings_stops_thumbs_feeding_the_homepage(
    viewer_client, world, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    watch(profile, world["Comedy"][:4], name="rating", value=2)
    recommender_train()
    assert "Because you liked Comedy" in viewer_client.get("/").content.decode()

    changed(
        django_capture_on_commit_callbacks,
        service=your_data.data_use_set,
        profile=profile,
        signal="ratings",
        in_use=False,
    )
    html = viewer_client.get("/").content.decode()
    assert "Because you liked" not in html
    assert "starts from what is popular" in html


def test_forget_this_title_erases_its_signals_and_its_row(
    viewer_client, world, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    forgotten = world["Horror"][0]
    watch(profile, [forgotten])
    watch(profile, [forgotten], name="rating", value=1)
    TitleProgress.objects.create(
        profile=profile,
        title=forgotten,
        position_seconds=60,
        duration_seconds=5700,
        watched_at=timezone.now(),
    )
    Rating.objects.create(profile=profile, title=forgotten, value=1, updated_at=timezone.now())
    MyListEntry.objects.create(profile=profile, title=forgotten, added_at=timezone.now())
    recommender_train()
    assert f"Because you watched {forgotten.name}" in viewer_client.get("/").content.decode()

    changed(
        django_capture_on_commit_callbacks,
        service=your_data.title_forget,
        profile=profile,
        title_id=forgotten.pk,
    )
    html = viewer_client.get("/").content.decode()
    assert f"Because you watched {forgotten.name}" not in html
    assert not Event.objects.filter(profile=profile, properties__title_id=forgotten.pk).exists()
    assert not TitleProgress.objects.filter(profile=profile, title=forgotten).exists()
    assert not Rating.objects.filter(profile=profile, title=forgotten).exists()
    assert not MyListEntry.objects.filter(profile=profile, title=forgotten).exists()
    # The action is on record, without naming the title it forgot.
    record = Event.objects.get(profile=profile, name="data_use_changed")
    assert record.properties == {"signal": "title", "in_use": False}


def test_clear_my_onboarding_picks_ends_the_picked_for_you_row(
    viewer_client, world, django_capture_on_commit_callbacks
):
    profile = viewer_client.profile
    watch(profile, world["Sci-Fi"][:3], name="onboarding_pick")
    recommender_train()
    assert "Picked for you from your favourites" in viewer_client.get("/").content.decode()

    changed(
        django_capture_on_commit_callbacks,
        service=your_data.onboarding_picks_clear,
        profile=profile,
    )
    html = viewer_client.get("/").content.decode()
    assert "Picked for you from your favourites" not in html
    assert not Event.objects.filter(profile=profile, name="onboarding_pick").exists()


def test_another_profiles_history_is_untouched(viewer_client, world):
    from tests.factories import ProfileFactory

    other = ProfileFactory(account=viewer_client.profile.account)
    watch(other, world["Horror"][:2])
    your_data.title_forget(profile=viewer_client.profile, title_id=world["Horror"][0].pk)
    assert Event.objects.filter(profile=other, name="play_completed").count() == 2


def _headings(client) -> list[str]:
    import re

    html = client.get("/").content.decode()
    return re.findall(r'<h2 id="row-[^"]+-heading">([^<]+)</h2>', html)


def test_without_viewing_history_continue_watching_stays_but_because_you_finished_goes(
    viewer_client, world, django_capture_on_commit_callbacks
):
    """Decision: Continue watching is the viewer's place in a title (a bookmark), so it stays;
    "Because you finished X" is a recommendation drawn from history, so it goes."""
    from apps.core import clock
    from apps.playback import services as playback

    profile = viewer_client.profile
    recommender_train()
    finished, started = world["Horror"][3], world["Drama"][2]
    for n, (title, position) in enumerate(((finished, 95 * 60), (started, 20 * 60)), start=1):
        playback.progress_report(
            profile=profile,
            title=title,
            episode=None,
            position=position,
            report_id=f"report-000{n}",
            seq=1,
            explicit_seek=False,
            at=clock.now() - timedelta(hours=1),
        )
    headings = _headings(viewer_client)
    assert headings[0] == f"Because you finished {finished.name}"
    assert any(h.startswith("Continue watching") for h in headings)

    changed(
        django_capture_on_commit_callbacks,
        service=your_data.data_use_set,
        profile=profile,
        signal="viewing_history",
        in_use=False,
    )
    headings = _headings(viewer_client)
    assert not any(h.startswith("Because you finished") for h in headings)
    assert any(h.startswith("Continue watching") for h in headings)


@pytest.mark.django_db
def test_forgetting_a_title_also_erases_its_pages_opened_and_a_missing_title_is_a_404(client):
    from apps.tracking.models import Event
    from apps.tracking.services import track
    from tests.factories import ProfileFactory, TitleFactory

    profile = ProfileFactory()
    title = TitleFactory()
    other = TitleFactory()
    for path in (title.get_absolute_url(), f"/watch/title/{title.pk}/", other.get_absolute_url()):
        track(name="page_view", profile=profile, properties={"path": path, "title": "x"})
    signed_in(profile, client)
    assert client.post("/account/data/forget/999999/").status_code == 404
    assert Event.objects.filter(name="page_view").count() == 3  # nothing erased
    assert not Event.objects.filter(name="data_use_changed").exists()  # nor recorded
    client.post(f"/account/data/forget/{title.pk}/")
    left = set(
        Event.objects.filter(name="page_view", profile=profile).values_list(
            "properties__path", flat=True
        )
    )
    assert left == {other.get_absolute_url()}


@pytest.mark.django_db
def test_clearing_picks_when_there_are_none_says_so_and_records_nothing(client):
    from apps.tracking.models import Event
    from tests.factories import ProfileFactory

    profile = ProfileFactory()
    signed_in(profile, client)
    response = client.post("/account/data/picks/clear/", follow=True)
    assert "You had no onboarding picks to clear." in response.content.decode()
    assert not Event.objects.filter(name="data_use_changed").exists()
