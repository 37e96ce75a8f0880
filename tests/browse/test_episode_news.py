"""Who hears about a new episode and what its notice says (apps/browse/episode_news.py)."""

from datetime import UTC, datetime, timedelta

from apps.browse.episode_news import News, Release, Viewer, news_for

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
DAY = timedelta(days=1)
# S1 (ids 1-8) out for a year; S2:E1-E3 (ids 9-11) out weekly; id 12 is the one out now.
SERIES = [Release(i, NOW - timedelta(days=365)) for i in range(1, 9)] + [
    Release(9, NOW - 21 * DAY),
    Release(10, NOW - 14 * DAY),
    Release(11, NOW - 7 * DAY),
    Release(12, NOW),
]


def news(viewer: Viewer, episode_id: int = 12) -> News | None:
    return news_for(viewer, episode_id=episode_id, releases=SERIES, now=NOW)


def test_a_viewer_far_behind_who_stopped_months_ago_is_not_told():
    """Jordan stopped at S1:E4 three months ago: S2:E4 is not news to him."""
    assert news(Viewer(watched_at=NOW - 90 * DAY, next_episode_id=4)) is None


def test_a_viewer_watching_lately_is_told_and_pointed_at_their_own_next_episode():
    """Sam is at S1:E7 and watched yesterday: told, and the button plays S1:E7, not S2:E4."""
    found = news(Viewer(watched_at=NOW - DAY, next_episode_id=7))
    assert found == News(new_episodes=1, next_episode_id=7)


def test_a_caught_up_viewer_who_paused_for_a_while_is_told_how_many_came_out():
    """Watched all of season 1 six weeks ago, before season 2 started: caught up, told that
    four episodes came out, and pointed at S2:E1."""
    found = news(Viewer(watched_at=NOW - 42 * DAY, next_episode_id=9))
    assert found == News(new_episodes=4, next_episode_id=9)


def test_episodes_count_from_the_last_time_the_viewer_watched():
    found = news(Viewer(watched_at=NOW - 10 * DAY, next_episode_id=11))
    assert found == News(new_episodes=2, next_episode_id=11)


def test_a_viewer_who_watched_everything_out_plays_the_new_episode():
    assert news(Viewer(watched_at=NOW - 2 * DAY, next_episode_id=None)) == News(1, 12)


def test_a_listed_series_never_started_is_told_and_starts_at_the_beginning():
    """No "4 new episodes" counted from 30 days back: nothing is new since a visit to the
    series that never happened, so the notice names the one episode out now."""
    found = news(Viewer(watched_at=None, next_episode_id=None))
    assert found == News(new_episodes=None, next_episode_id=1)
    reminded = news(Viewer(watched_at=None, next_episode_id=None, reminded=True), episode_id=11)
    assert reminded == News(new_episodes=None, next_episode_id=1)


def test_a_reminder_is_always_honoured():
    viewer = Viewer(watched_at=NOW - 90 * DAY, next_episode_id=4, reminded=True)
    assert news(viewer) is not None


def test_an_episode_not_out_is_not_news():
    assert news(Viewer(watched_at=NOW - DAY, next_episode_id=7), episode_id=99) is None
