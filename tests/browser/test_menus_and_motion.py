"""Menus that float over the page (the header's bell, the player's audio and subtitles) close
like menus: Escape closes them and gives focus back to their button, focus or a click going
elsewhere closes them (QA11: the bell's panel stayed open over the page after Escape and after
tabbing on to the rows). And a viewer who asked for less motion gets none from the rows'
arrow keys or a watch party's reactions."""

import re

import pytest

from tests.browser.conftest import consent_cookie, session_cookie
from tests.factories import ProfileFactory, TitleFactory, genre_catalogue

expect = pytest.importorskip("playwright.sync_api").expect


def _focused(page) -> str:
    return page.evaluate("document.activeElement.className || document.activeElement.tagName")


@pytest.mark.django_db(transaction=True)
def test_the_bell_closes_on_escape_on_tabbing_away_and_on_a_click_elsewhere(page, sign_in, shot):
    genre_catalogue(n_per_genre=6, genres=("Horror",))
    sign_in(ProfileFactory(name="Keys"))
    page.goto("/")
    bell = page.locator("#bell")
    panel = page.locator(".bell__panel")
    # The bell arrives by htmx after load; until then it is a plain link to the inbox, and
    # Enter on that link opens the inbox (CI caught the test pressing it that early).
    expect(page.locator("details#bell summary.bell__button")).to_be_attached()

    page.locator("summary.bell__button").focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    shot(page, "bell-open")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert not bell.evaluate("e => e.open")
    assert "bell__button" in _focused(page)  # back on the bell, not lost on the page

    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    for _ in range(6):  # through the panel's links and on past it (avatar, Account, ...)
        page.keyboard.press("Tab")
    expect(panel).to_be_hidden()
    shot(page, "bell-closed-after-tabbing-on")

    page.locator("summary.bell__button").click()
    expect(panel).to_be_visible()
    page.locator("main h2").first.click()
    expect(panel).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_the_players_audio_menu_closes_on_escape_and_the_film_plays_on(page, sign_in, shot):
    title = TitleFactory(name="Night Shift", kind="film", runtime_minutes=90)
    sign_in(ProfileFactory(name="Keys"))
    page.goto(f"/watch/title/{title.pk}/")
    player = page.locator("#player")
    expect(player).to_have_class(re.compile(r"\bis-playing\b"))
    menu = page.locator(".player__menu")

    page.locator(".player__menu summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".player__panel")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "player-audio"
    shot(page, "audio-menu-open")
    page.keyboard.press("Escape")
    expect(page.locator(".player__panel")).to_be_hidden()
    assert not menu.evaluate("e => e.open")
    assert page.evaluate("document.activeElement.closest('summary') !== null")
    expect(player).to_have_class(re.compile(r"\bis-playing\b"))


@pytest.mark.django_db(transaction=True)
def test_the_players_controls_stay_while_the_keyboard_or_the_pointer_is_on_them(
    page, sign_in, shot
):
    """QA11 §15: three seconds into play the controls faded out under a focused button, and its
    focus ring with them. They stay while focus or the pointer is on them, and fade once it
    leaves."""
    title = TitleFactory(name="Night Shift", kind="film", runtime_minutes=90)
    sign_in(ProfileFactory(name="Keys"))
    page.goto(f"/watch/title/{title.pk}/")
    player = page.locator("#player")
    controls = page.locator(".player__controls")
    expect(player).to_have_class(re.compile(r"\bis-playing\b"))
    page.mouse.move(640, 300)  # over the picture, not a control
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.player__controls')"):
            break
    assert page.evaluate("!!document.activeElement.closest('.player__controls')")
    page.wait_for_timeout(4500)  # past the 3 s the controls used to fade after
    expect(player).not_to_have_class(re.compile(r"\bis-idle\b"))
    assert controls.evaluate("e => getComputedStyle(e).opacity") == "1"
    shot(page, "player-controls-kept-under-focus")

    player.focus()  # focus leaves the controls (as Escape out of a menu or a click on the film)
    expect(player).to_have_class(re.compile(r"\bis-idle\b"), timeout=6000)

    box = controls.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(4500)
    expect(player).not_to_have_class(re.compile(r"\bis-idle\b"))
    page.mouse.move(640, 300)
    expect(player).to_have_class(re.compile(r"\bis-idle\b"), timeout=6000)


@pytest.mark.django_db(transaction=True)
def test_on_a_touch_screen_a_tapped_control_does_not_keep_the_controls_up(browser, live_server):
    """A touch screen keeps :hover on the last thing tapped: only focus may hold the controls
    there, or a tap on Pause would keep them over the film for good."""
    title = TitleFactory(name="Night Shift", kind="film", runtime_minutes=90)
    profile = ProfileFactory(name="Thumb")
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        has_touch=True,
        is_mobile=True,
    )
    context.add_cookies([consent_cookie(live_server.url), session_cookie(profile, live_server.url)])
    page = context.new_page()
    try:
        page.goto(f"/watch/title/{title.pk}/")
        player = page.locator("#player")
        expect(player).to_have_class(re.compile(r"\bis-playing\b"))
        page.locator("[data-toggle]").tap()  # pause
        expect(player).not_to_have_class(re.compile(r"\bis-playing\b"))
        page.locator("[data-toggle]").tap()  # play again: the finger was last on the controls
        expect(player).to_have_class(re.compile(r"\bis-playing\b"))
        expect(player).to_have_class(re.compile(r"\bis-idle\b"), timeout=6000)
    finally:
        context.close()


def _reduced_page(browser, live_server, motion: str):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, reduced_motion=motion
    )
    context.add_cookies([consent_cookie(live_server.url)])
    return context, context.new_page()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_row_arrow_keys_and_reactions_move_only_for_viewers_who_allow_motion(
    browser, live_server, motion
):
    genre_catalogue(n_per_genre=20, genres=("Horror",))
    profile = ProfileFactory(name="Still")
    context, page = _reduced_page(browser, live_server, motion)
    try:
        page.context.add_cookies([session_cookie(profile, live_server.url)])
        page.goto("/")
        track = page.locator("section.row .track").first
        track.locator(".card__link").first.focus()
        page.keyboard.press("End")  # to the row's last card, far off to the right
        at_once = track.evaluate("t => t.scrollLeft")
        page.wait_for_timeout(1500)
        settled = track.evaluate("t => t.scrollLeft")
        assert settled > 0
        if motion == "reduce":
            assert at_once == settled  # a jump, not a glide
        else:
            assert at_once < settled  # it glides there

        # A watch party's reaction: it floats up the screen, or fades where it lands.
        moved = page.evaluate(
            """() => new Promise(resolve => {
              const layer = document.createElement('div');
              layer.className = 'party-reactions';
              const item = document.createElement('span');
              item.className = 'party-reactions__item party-reactions__item--2';
              item.textContent = '*';
              layer.appendChild(item);
              document.body.appendChild(layer);
              const start = item.getBoundingClientRect().top;
              setTimeout(() => resolve(start - item.getBoundingClientRect().top), 800);
            })"""
        )
        if motion == "reduce":
            assert moved == 0
        else:
            assert moved > 50
    finally:
        context.close()
