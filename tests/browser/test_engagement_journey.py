"""Issue 14's recovery journey in a real browser, with the demo clock, as QA runs it from /demo/:
Morgan leaves an episode unfinished in the simulated player, the demo clock advances three
days (nothing yet: Morgan's hour has not come), then on to Morgan's hour; the reminder is in the
bell and in the e-mail outbox, sent at 08:00 Paris, and its Resume button starts the episode at
the second the player had reached."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import Profile
from apps.catalogue.models import Episode, Title
from apps.core import clock
from apps.core import services as clock_services
from apps.engagement.models import Message, Send
from apps.playback.models import Progress
from tests.browser.test_player import seek_value, wait_for
from tests.demo.conftest import seed_small
from tests.demo.test_outbox import LOCMEM

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.django_db(transaction=True)

PARIS = ZoneInfo("Europe/Paris")
# Leave the player (its own Back link) once it reaches the given second.
LEAVE_AT = """(target) => new Promise((resolve) => {
  const seek = document.querySelector("[data-seek]");
  (function check() {
    const at = Number(seek.value);
    if (at < target) return requestAnimationFrame(check);
    window.location.assign(document.querySelector(".player__back").href);
    resolve(at);
  })();
})"""


@pytest.fixture
def demo(settings, live_server):
    from config import settings as project_settings

    settings.SITE_URL = live_server.url  # the e-mail's absolute links and pixel point here
    settings.MAILERS = {
        "default": {**project_settings.MAILERS["default"], "OPTIONS": {"deliver_with": LOCMEM}}
    }
    seed_small()
    # 23:00 in Paris, when Morgan usually watches (the test means the same whatever the real
    # hour): Morgan's hour falls in the quiet hours, so messages wait for 08:00.
    tomorrow = clock.now() + timedelta(days=1)
    clock_services.clock_set(at=tomorrow.replace(hour=22, minute=0, second=0, microsecond=0))


def new_series_episode(profile) -> Episode:
    """The first episode of a series the profile has never played, with nothing left to come
    out (a release would be another campaign's message, on the same daily cap)."""
    started = Progress.objects.filter(profile=profile).values("title_id")
    upcoming = Episode.objects.exclude(pk__in=Episode.objects.released()).values("title_id")
    series = (
        Title.objects.available()
        .filter(kind=Title.Kind.SERIES, runtime_minutes__gte=20)
        .exclude(pk__in=started)
        .exclude(pk__in=upcoming)
        .order_by("pk")
    )
    return (
        Episode.objects.released()
        .filter(title__in=series[:1])
        .order_by("season__number", "number")[0]
    )


def advance(page, duration: str) -> None:
    """Type a duration in /demo/'s clock form, with the scheduled jobs, and wait for the end."""
    page.goto("/demo/#clock")
    page.get_by_label("Or by").fill(duration)
    expect(page.get_by_label("Then run the scheduled jobs")).to_be_checked()
    page.locator("#clock").get_by_role("button", name="Advance", exact=True).click()
    expect(page.get_by_text("Demo clock advanced")).to_be_visible(timeout=60_000)


def test_an_unfinished_episode_is_reminded_in_the_bell_and_by_e_mail_and_resumes(page, shot, demo):
    page.goto("/demo/")
    page.locator("#personas").get_by_role("button", name="Sign in as Morgan").click()
    expect(page).to_have_url(re.compile(r"/$"))
    morgan = Profile.objects.get(account__email="horror@demo.test")
    episode = new_series_episode(morgan)

    # Play the episode at 30x from a tenth of the way (under 5 % would be a sample the player
    # starts over, with nothing to pick up) and leave it (the player's own Back link) half a
    # minute later: the beacon saves the second the player reached.
    start = episode.runtime_minutes * 60 // 10
    page.goto(f"/watch/episode/{episode.pk}/?t={start}&speed=30")
    expect(page.locator("#player")).to_have_class(re.compile(r"\bis-playing\b"))
    left_at = page.evaluate(LEAVE_AT, start + 30)
    assert left_at >= start + 30
    expect(page).not_to_have_url(re.compile(r"/watch/"))
    saved = wait_for(
        lambda: (
            Progress.objects.filter(
                profile=morgan, episode=episode, position_seconds__gte=start + 30
            )
            .values_list("position_seconds", flat=True)
            .first()
        )
    )
    reminders = Send.objects.filter(campaign__key="unfinished-title", profile=morgan)
    assert not reminders.filter(context__episode_id=episode.pk).exists()

    # Three days on, it is 23:00 in Paris: the reminder waits for the quiet hours to end.
    advance(page, "3d")
    send = reminders.get(context__episode_id=episode.pk)
    assert send.status == Send.Status.SCHEDULED
    # The second the player reached, as saved (the last beacon may have landed late).
    saved = Progress.objects.get(profile=morgan, episode=episode).position_seconds
    assert send.context["position_seconds"] == saved
    page.goto("/")
    page.locator("summary.bell__button").click()  # the bell arrives after the page
    expect(page.locator(".bell__panel")).to_be_visible()
    expect(page.locator(".bell__panel")).not_to_contain_text(episode.title.name)

    # Past the night (quiet hours until 08:00): sent at 08:00 Paris, in the bell and by e-mail.
    advance(page, "1d")
    send.refresh_from_db()
    assert send.status == Send.Status.SENT
    local = send.sent_at.astimezone(PARIS)
    assert (local.hour, local.minute) == (8, 0)
    message = Message.objects.get(send=send, channel="in_app")

    page.goto("/")
    count = page.locator("#bell-count")
    expect(count).to_have_text(re.compile(r"^[1-9]\d*$"))
    page.locator("summary.bell__button").click()
    card = page.locator(f"#bell-message-{message.pk}")
    expect(card).to_contain_text(f"Pick up {episode.title.name} where you left off")
    shot(page, "bell-reminder")

    page.goto("/demo/outbox/?persona=horror")
    row = page.locator(".outbox-row").filter(has_text=f"Pick up {episode.title.name}")
    expect(row).to_have_count(1)
    sent_utc = send.sent_at.astimezone(ZoneInfo("UTC"))
    expect(row.locator(".demo-outbox__when")).to_contain_text(f"{sent_utc:%H:%M}")
    row.get_by_role("link").click()
    resume_link = page.locator(".demo-mail__text a").filter(has_text=re.compile(r"/go/$"))
    expect(page.locator(".demo-mail__text")).to_contain_text(
        re.compile(r"^Pick up .+\n\n.+\n\nResume: http://\S+/go/\n", re.S)
    )
    shot(page, "outbox-reminder")
    # The e-mail's Resume link (a first-party click redirect) lands at the same second.
    with page.context.expect_page() as opened:
        resume_link.click()
    from_mail = opened.value
    expect(from_mail).to_have_url(re.compile(rf"/watch/episode/{episode.pk}/\?t={saved}$"))
    assert abs(seek_value(from_mail) - saved) <= 1
    from_mail.close()

    # The bell card's Resume button opens the player at the second the player had reached.
    page.goto("/")
    page.locator("summary.bell__button").click()
    page.locator(f"#bell-message-{message.pk}").get_by_role("link", name="Resume").click()
    expect(page).to_have_url(re.compile(rf"/watch/episode/{episode.pk}/\?t={saved}$"))
    expect(page.locator("[data-resume-toast]")).to_contain_text(
        f"Resuming from {saved // 60}:{saved % 60:02d}"
    )
    assert abs(seek_value(page) - saved) <= 1
    page.keyboard.press("Space")  # pause, so the picture is stable
    shot(page, "resumed")
    assert page.problems == []
