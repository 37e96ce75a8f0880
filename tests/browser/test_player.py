"""The simulated player in headless Chromium: play, leave, resume, reach the end.

Reuses the browser harness of tests/browser (its `page` fixture fails the test on any JS
error, CSP violation or 5xx); screenshots go to test-output/browser/playback/.
"""

import mimetypes
import re
import time
from pathlib import Path

import pytest

from apps.catalogue.models import Title
from apps.demo.posters.pipeline import artwork_generate
from apps.playback.models import PlaybackPreference, Progress
from apps.tracking.models import Event
from tests.factories import EpisodeFactory, GenreFactory, ProfileFactory, SeasonFactory

expect = pytest.importorskip("playwright.sync_api").expect

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser" / "playback"


def _red_share(png: bytes) -> float:
    """How much of a progress bar's width is painted accent red (the watched part)."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB")
    row = [image.getpixel((x, image.height // 2)) for x in range(image.width)]
    return sum(1 for r, g, b in row if r > 150 and g < 80 and b < 80) / image.width


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def serve_media(page, root: Path) -> None:
    """The live server does not serve MEDIA_ROOT (DEBUG is off in tests); the browser does."""

    def handle(route):
        path = root / re.sub(r"^.*?/media/", "", route.request.url)
        if path.is_file():
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=path.read_bytes(), content_type=kind)
        else:
            route.fulfill(status=404, body="")

    page.route("**/media/**", handle)


def wait_for(predicate, timeout: float = 10.0):
    """Poll the database until `predicate()` is truthy, while the live server writes to it."""
    from django.db import OperationalError, connection

    if connection.vendor == "sqlite":
        # The in-memory test database is one shared cache: without this, a poll and a server
        # write lock each other out ("database table is locked") instead of waiting.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the server to record it")


LEAVE_AT_30_SECONDS = """() => new Promise((resolve) => {
  const seek = document.querySelector("[data-seek]");
  (function check() {
    const at = Number(seek.value);
    if (at < 30) return requestAnimationFrame(check);
    window.location.assign(document.querySelector(".player__back").href);
    resolve(at);
  })();
})"""


def seek_value(page) -> int:
    return int(float(page.locator("[data-seek]").input_value()))


@pytest.fixture
def show(settings, tmp_path):
    """A short series (6-minute episodes, so half a minute is resumable) with real artwork."""
    settings.MEDIA_ROOT = tmp_path
    title = Title.objects.create(
        kind=Title.Kind.SERIES,
        name="The Lighthouse Keepers",
        slug="the-lighthouse-keepers",
        year=2024,
        maturity="13",
        runtime_minutes=6,
        synopsis="A storm, a lamp that will not stay lit, and three keepers with secrets.",
        is_published=True,
    )
    title.genres.add(GenreFactory(name="Drama"))
    season = SeasonFactory(title=title, number=1)
    episodes = [
        EpisodeFactory(season=season, title=title, number=n, name=name, runtime_minutes=6)
        for n, name in enumerate(["The Lamp", "Undertow", "Low Tide"], start=1)
    ]
    artwork_generate(title_ids=[title.pk], variants_per_title=1, seed=7, processes=1)
    return title, episodes


def test_play_leave_resume_and_reach_the_next_episode(page, sign_in, show, tmp_path):
    title, episodes = show
    first = episodes[0]
    profile = ProfileFactory(name="Robin")
    sign_in(profile)
    serve_media(page, tmp_path)

    # Open an episode at 30x: it starts on its own. At half a minute, leave for the title page
    # (in the page itself, so the click does not lag behind a 30x clock).
    page.goto(f"/watch/episode/{first.pk}/?speed=30")
    expect(page.locator("#player")).to_have_class(re.compile(r"\bis-playing\b"))
    left_at = page.evaluate(LEAVE_AT_30_SECONDS)
    assert 30 <= left_at <= 40
    expect(page).to_have_url(re.compile(rf"/title/{title.slug}/$"))

    # The beacon sent on leaving saved the place.
    saved = wait_for(
        lambda: (
            Progress.objects.filter(profile=profile, episode=first)
            .values_list("position_seconds", flat=True)
            .first()
        )
    )
    # The clock runs on (at 30x) until the page is hidden: half a second is 15 s of content,
    # and on a loaded machine (CI's two cores running the suite) hiding took over a second:
    # 62 s saved for 30 s left. Within a minute and a half of content is "the place".
    assert left_at <= saved <= left_at + 90
    assert Event.objects.filter(profile=profile, name="play_started").count() == 1
    page.reload()  # the beacon may land after the page rendered
    expect(page.get_by_role("link", name=re.compile(r"Resume S1:E1"))).to_be_visible()
    shot(page, "02-title-page-resume")

    # The homepage shows it first, in Continue watching, with a bar of the right width.
    page.goto("/")
    first_row = page.locator("section.row").first
    expect(first_row.locator("h2")).to_contain_text("Continue watching")
    bar = first_row.get_by_role("progressbar").first
    shown = int(bar.get_attribute("value"))
    assert abs(shown - saved * 100 / (6 * 60)) <= 1
    assert abs(_red_share(bar.screenshot()) * 100 - shown) <= 2
    expect(first_row.locator(".continue__meta")).to_contain_text("S1:E1")
    shot(page, "02b-home-continue-watching")

    # Reopen: it resumes at the saved second, with a way to start over.
    page.goto(f"/watch/episode/{first.pk}/")
    expect(page.locator("[data-resume-toast]")).to_contain_text(
        f"Resuming from {saved // 60}:{saved % 60:02d}"
    )
    assert abs(seek_value(page) - saved) <= 2
    page.keyboard.press("Space")  # pause, so the picture is stable
    expect(page.locator("#player")).to_have_class(re.compile(r"\bis-paused\b"))
    page.mouse.move(600, 400)
    shot(page, "03-player-resumed-paused")

    # Subtitles are chosen in the player and remembered for the profile.
    page.locator(".player__menu summary").click()
    page.get_by_label("Subtitles", exact=True).select_option("fr")
    wait_for(lambda: PlaybackPreference.objects.filter(profile=profile, subtitles="fr").exists())
    expect(page.locator("[data-captions-line]")).to_be_visible()
    shot(page, "04-audio-and-subtitles")
    page.locator(".player__menu summary").click()

    # Keyboard: right arrow skips ten seconds.
    before = seek_value(page)
    page.keyboard.press("ArrowRight")
    assert seek_value(page) == min(before + 10, 360)

    # Seek to the end: the next episode is offered with a countdown.
    page.locator("[data-seek]").focus()
    page.keyboard.press("End")
    next_panel = page.locator("[data-next]")
    expect(next_panel).to_be_visible()
    expect(next_panel).to_contain_text("S1:E2")
    expect(next_panel).to_contain_text(re.compile(r"Playing in \d+ s"))
    page.mouse.move(600, 400)
    shot(page, "05-next-episode-countdown")
    wait_for(
        lambda: Event.objects.filter(
            profile=profile, name="play_completed", properties__episode_id=first.pk
        ).exists()
    )
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("[data-countdown-text]")).to_be_hidden()

    # Leave while the test database is still there (the beacon on leaving writes).
    reports = Progress.objects.get(profile=profile, episode=first).recent_report_ids
    page.goto(f"/title/{title.slug}/")
    wait_for(
        lambda: Progress.objects.get(profile=profile, episode=first).recent_report_ids != reports
    )
    assert page.problems == []


def test_not_for_me_on_a_homepage_title_removes_it_after_reload(page, sign_in, show, tmp_path):
    from tests.factories import TitleFactory

    others = [TitleFactory(name=f"Other Story {n}") for n in range(8)]
    profile = ProfileFactory(name="Robin")
    sign_in(profile)
    serve_media(page, tmp_path)
    page.goto("/")
    card = page.locator("section.row .card").filter(has_text=others[0].name).first
    expect(card).to_be_visible()
    card.hover()
    card.get_by_role("button", name="Not for me").click()
    expect(card.get_by_role("button", name="Not for me")).to_have_attribute("aria-pressed", "true")
    shot(page, "05-not-for-me")
    page.reload()
    expect(page.locator("section.row .card__name", has_text=others[0].name)).to_have_count(0)
    expect(page.locator("section.row .card__name", has_text=others[1].name).first).to_be_visible()
    assert page.problems == []


def test_the_players_badges_stay_on_one_line_on_a_phone(page, sign_in, show, tmp_path):
    """At 390 px in French the quality badge read "Full" over "HD" and "Regarder ensemble"
    broke in two beside it; each keeps to one line (the row wraps instead)."""
    from apps.demo import billing as demo_billing
    from apps.subscriptions import services as subscriptions

    title, episodes = show
    subscriptions.plans_seed()
    profile = ProfileFactory(name="Robin", account__language="fr")
    demo_billing.demo_subscription(user=profile.account, plan_code="standard", months=1)
    sign_in(profile)
    serve_media(page, tmp_path)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/watch/episode/{episodes[0].pk}/?speed=30")
    quality = page.locator(".player__quality")
    together = page.locator(".player__together")
    expect(quality).to_have_text("Full HD")
    expect(together).to_have_text("Regarder ensemble")
    line = quality.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20")
    for badge in (quality, together, page.locator(".player__demo-speed")):
        box = badge.bounding_box()
        assert box["height"] < 2 * line, badge.inner_text()


def _words(minutes: int, seconds: int) -> str:
    parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []
    if seconds or not parts:
        parts.append(f"{seconds} second{'s' if seconds != 1 else ''}")
    return " ".join(parts) + " left"


def test_a_phone_player_shows_time_left_with_a_minus_and_says_it_in_words(
    page, sign_in, show, tmp_path
):
    """At 390 px only the time left shows (played / total is hidden), and "5:48" read like time
    played. It reads "−5:48", and a screen reader hears "5 minutes 48 seconds left"."""
    title, episodes = show
    sign_in(ProfileFactory(name="Kai"))
    serve_media(page, tmp_path)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/watch/episode/{episodes[0].pk}/?speed=30")
    left = page.locator("[data-remaining-clock]")
    expect(left).to_be_visible()
    expect(page.locator(".player__time")).to_be_hidden()
    expect(left).not_to_have_text("\u22126:00")  # it plays: the time left counts down
    page.locator("[data-toggle]").click()  # pause, to read the figures and the words together
    expect(page.locator("#player")).to_have_class(re.compile(r"\bis-paused\b"))
    shown = re.fullmatch(r"\u2212(\d+):(\d\d)", left.inner_text())
    assert shown, left.inner_text()
    words = page.locator("[data-remaining-words]")
    expect(words).to_have_text(_words(int(shown[1]), int(shown[2])))
    assert left.get_attribute("aria-hidden") == "true"  # heard once, as words
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "time-left-390.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator(".player__time")).to_be_visible()
    page.screenshot(path=str(SHOTS / "time-left-1280.png"))
    assert page.problems == []


# After the transitions a focus starts (the volume slider widens from 0 when focused).
_FOCUS_SEEN = """async () => {
  await Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition)
    .map(a => a.finished.catch(() => null)));
  const e = document.activeElement;
  const b = e.getBoundingClientRect();
  const x = b.left + b.width / 2, y = b.top + b.height / 2;
  const top = document.elementFromPoint(x, y);
  const inView = b.width > 0 && b.height > 0 && x >= 0 && y >= 0
    && x <= innerWidth && y <= innerHeight;
  const name = e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40) || e.tagName;
  return {name, seen: inView && !!top && (top === e || e.contains(top))};
}"""


def test_every_tab_stop_on_the_player_page_can_be_seen(page, sign_in, show, tmp_path):
    """QA8: Tab past "Full screen" reached the footer's links (Privacy choices, Help, Contact
    us), drawn under the full-screen player: focus vanished for three stops. And while it plays
    the big centre Pause is no stop beside the bar's (QA8)."""
    title, episodes = show
    sign_in(ProfileFactory(name="Robin"))
    serve_media(page, tmp_path)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"/watch/episode/{episodes[0].pk}/")
    expect(page.locator("#player")).to_be_visible()

    def round_of_tab_stops():
        stops = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stop = page.evaluate(_FOCUS_SEEN)
            if stops and stop["name"] == stops[0]["name"]:
                break  # round the page once
            stops.append(stop)
        names = [stop["name"] for stop in stops]
        assert any("Full screen" in name for name in names), names
        hidden = [stop["name"] for stop in stops if not stop["seen"]]
        assert hidden == [], f"focus out of sight on {hidden} (stops: {names})"
        return names

    # It starts on its own. QA8: while it plays, one Pause (the bar's) to Tab through and to
    # hear, not two.
    big, bar = page.locator(".player__bigplay"), page.locator("[data-toggle]")
    expect(bar).to_have_attribute("aria-label", "Pause")
    expect(big).to_have_attribute("aria-hidden", "true")
    names = round_of_tab_stops()
    assert names.count("Pause") == 1 and "Play" not in names, names
    # Paused, the big Play is back (shown, reachable, heard), beside the bar's.
    bar.focus()
    page.keyboard.press("Enter")
    expect(big).to_have_attribute("aria-label", "Play")
    expect(big).not_to_have_attribute("aria-hidden", "true")
    assert round_of_tab_stops().count("Play") == 2
    # Played from the big button, the focus goes to the bar's Pause, not into a hidden button.
    big.focus()
    page.keyboard.press("Enter")
    expect(bar).to_have_attribute("aria-label", "Pause")
    expect(bar).to_be_focused()
    expect(big).to_have_attribute("aria-hidden", "true")


def test_the_resume_box_goes_when_the_next_episode_is_offered(page, sign_in, show, tmp_path):
    """QA11: "Resuming from … · Start over" stayed beside the next-episode countdown after a
    seek to the end; it goes at the latest when the countdown shows."""
    from apps.core import clock

    title, episodes = show
    first = episodes[0]
    profile = ProfileFactory(name="Robin")
    Progress.objects.create(
        profile=profile,
        title=title,
        episode=first,
        position_seconds=120,
        newest_position=120,
        duration_seconds=360,
        watched_at=clock.now(),
    )
    sign_in(profile)
    serve_media(page, tmp_path)
    page.goto(f"/watch/episode/{first.pk}/")
    toast = page.locator("[data-resume-toast]")
    expect(toast).to_contain_text("Resuming from 2:00")
    page.locator("[data-seek]").focus()
    page.keyboard.press("End")
    expect(page.locator("[data-next]")).to_be_visible()
    expect(page.locator("[data-countdown-text]")).to_be_visible()
    # Hidden as the panel shows (the old 8-second timer would still have it on screen).
    expect(toast).to_be_hidden(timeout=1000)
    page.get_by_role("button", name="Cancel").click()
    assert page.problems == []
