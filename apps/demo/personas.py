"""Demo personas: accounts with hand-shaped histories that QA signs in as from /demo/.

Each persona's history is a short script of acts (world/scripts.py: Films / Binge) played on the
most popular titles of its genres, so the same catalogue always gives the same history and
its homepage clearly reflects the taste once personalization runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.demo.world.scripts import Act, Binge, Films

PASSWORD = "demo-password"  # every persona and the admin; documented on /demo/
ADMIN_EMAIL = "admin@demo.test"


@dataclass(frozen=True)
class PersonaProfile:
    name: str
    acts: tuple[Act, ...] = ()
    is_kids: bool = False
    onboarded: bool = True
    devices: tuple[str, ...] = ("tv",)


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    label: Promise  # "Morgan, the horror fan"
    situation: Promise
    shows: Promise  # what their pages show once personalization runs
    try_this: tuple[Promise, ...]
    profiles: tuple[PersonaProfile, ...]
    time_zone: str = "Europe/Paris"
    joined_days_ago: int = 400
    # The label as it reads inside a sentence ("Try it as the Rivera family"), when the label
    # starts with an article that a sentence writes in lower case.
    mention: Promise | None = None

    @property
    def in_sentence(self) -> Promise:
        return self.mention or self.label

    @property
    def main_profile(self) -> PersonaProfile:
        return self.profiles[0]


PERSONAS: tuple[Persona, ...] = (
    Persona(
        key="horror",
        email="horror@demo.test",
        label=_("Morgan, the horror fan"),
        situation=_(
            "Watches horror and thrillers late in the evening on the TV, loves the dark ones, "
            "gave up on two comedies."
        ),
        shows=_(
            "Horror and thriller rows first; a horror series and a film to continue; "
            "comedy and romance pushed down."
        ),
        try_this=(
            _("Open Continue watching and resume the half-watched film."),
            _("Rate a comedy 'not for me' and see the rows change."),
        ),
        profiles=(
            PersonaProfile(
                name="Morgan",
                devices=("tv", "phone"),
                acts=(
                    Films(("horror",), 12, (330, 12), (21, 23), love=4, like=5),
                    Films(("thriller", "mystery"), 6, (300, 20), (21, 23), like=3),
                    Films(
                        ("comedy", "romance"),
                        2,
                        (200, 90),
                        (20, 21),
                        dislike=2,
                        stop_at=0.2,
                        device="phone",
                    ),
                    Binge(("horror",), 1, (60, 40), (22, 23), per_night=(2, 4), love=1),
                    Binge(
                        ("horror", "thriller"),
                        1,
                        (9, 3),
                        (22, 23),
                        per_night=(2, 2),
                        episodes=5,
                        skip=0,
                    ),
                    Films(("horror",), 1, (1, 1), (22, 22), stop_at=0.35, skip=0),
                ),
            ),
        ),
    ),
    Persona(
        key="comedy",
        email="comedy@demo.test",
        label=_("Sam, the comedy binger"),
        situation=_(
            "Binges comedy series three to five episodes a night, finished two of them, is "
            "half-way through a third."
        ),
        shows=_(
            "Comedy series everywhere; the episode he stopped half-way ready to resume in "
            "Continue watching; 'because you watched' rows from the finished series."
        ),
        try_this=(
            _("Resume the episode from Continue watching: it starts where he stopped."),
            _("Finish an episode in the player: the next one starts after a countdown."),
        ),
        profiles=(
            PersonaProfile(
                name="Sam",
                devices=("tv", "phone"),
                acts=(
                    Binge(("comedy",), 2, (250, 40), (19, 22), per_night=(3, 5), love=1, like=1),
                    Films(("comedy",), 5, (220, 15), (20, 21), love=1, like=3, device="phone"),
                    Films(("romance",), 2, (150, 60), (21, 21), like=1),
                    Binge(("comedy",), 1, (12, 2), (20, 22), per_night=(3, 4), episodes=7),
                ),
            ),
        ),
    ),
    Persona(
        key="family",
        email="family@demo.test",
        label=_("The Rivera family"),
        mention=_("the Rivera family"),
        situation=_(
            "One account, two profiles: Alex watches dramas and documentaries after the kids "
            "are in bed; the Kids profile watches cartoons in the afternoon."
        ),
        shows=_(
            "Switch profiles: Alex sees drama and documentaries; Kids sees only titles rated "
            "All or 7+, with its own history."
        ),
        try_this=(
            _("Sign in as Kids and search for a horror title: it is not there."),
            _("Switch from Kids back to Alex from the profile menu."),
        ),
        profiles=(
            PersonaProfile(
                name="Alex",
                devices=("tv", "computer"),
                acts=(
                    Films(("drama",), 8, (340, 6), (21, 22), love=2, like=4),
                    Films(("documentary", "nature"), 6, (300, 10), (21, 22), love=1, like=3),
                    Binge(
                        ("documentary", "nature"), 1, (120, 80), (21, 22), per_night=(1, 2), like=1
                    ),
                ),
            ),
            PersonaProfile(
                name="Kids",
                is_kids=True,
                devices=("tablet", "tv"),
                acts=(
                    Binge(
                        ("kids",), 2, (300, 20), (16, 18), per_night=(2, 4), love=2, device="tablet"
                    ),
                    Films(("animation", "family", "kids"), 10, (320, 4), (16, 18), love=3, like=4),
                    Binge(
                        ("animation", "kids", "family"),
                        1,
                        (6, 1),
                        (17, 18),
                        per_night=(2, 3),
                        episodes=4,
                        device="tablet",
                    ),
                ),
            ),
        ),
    ),
    Persona(
        key="lapsed",
        email="lapsed@demo.test",
        label=_("Jordan, the lapsed subscriber"),
        situation=_(
            "Watched crime and mysteries every week for most of a year, then stopped about "
            "ten weeks ago half-way through a series."
        ),
        shows=_(
            "A renewal that failed: a past-due banner on every page, pay now with a choice of "
            "card, retries 1, 3 and 7 days after the due date, then Free; a series left "
            "half-way ten weeks ago."
        ),
        try_this=(
            _(
                "Update payment from the banner: the declined card is marked; pay with "
                "4242 4242 4242 4242."
            ),
            _(
                "Advance the demo clock 8 days: the retries, the drop to Free, each e-mail in the "
                "outbox."
            ),
            _("Look at Continue watching: the last series is still waiting."),
        ),
        profiles=(
            PersonaProfile(
                name="Jordan",
                devices=("tv", "tablet"),
                acts=(
                    Films(("crime",), 10, (390, 100), (20, 22), love=3, like=4),
                    Films(("mystery", "thriller"), 6, (370, 110), (20, 22), like=3),
                    Binge(("crime",), 1, (200, 150), (21, 22), per_night=(2, 3), love=1),
                    # Within Continue watching's 90 days (playback.resume.SHELF_DAYS), with room
                    # for the guide's clock jumps: at 100-92 days ago the row was already empty.
                    Binge(
                        ("mystery", "crime"), 1, (80, 70), (21, 22), per_night=(2, 3), episodes=4
                    ),
                ),
            ),
        ),
    ),
    Persona(
        key="new",
        email="new@demo.test",
        label=_("Riley, brand new"),
        situation=_("Just signed up: no history at all and has not been through onboarding."),
        shows=_(
            "The cold start: onboarding (pick three favourites) and popular titles until the "
            "first signals arrive."
        ),
        try_this=(
            _("Sign in and go through onboarding."),
            _("Watch one title and see the homepage react."),
        ),
        profiles=(PersonaProfile(name="Riley", onboarded=False, devices=()),),
        joined_days_ago=0,
    ),
    Persona(
        key="student",
        email="student@demo.test",
        label=_("Kai, the night-owl student"),
        situation=_(
            "Science fiction and anime on a laptop and phone, almost always between 23:00 and "
            "3:00, binges anime."
        ),
        shows=_(
            "Sci-fi and anime rows; a yearly Student plan whose student status is due to be "
            "confirmed again."
        ),
        try_this=(
            _("Set the demo clock to 23:30 and look at the homepage."),
            _("On Your plan, confirm the student status with the code from the outbox."),
            _("Open an anime series and continue it."),
        ),
        time_zone="Europe/Berlin",
        joined_days_ago=240,
        profiles=(
            PersonaProfile(
                name="Kai",
                devices=("computer", "phone"),
                acts=(
                    Films(("sci-fi",), 9, (230, 5), (23, 2), love=4, like=3, device="computer"),
                    Binge(
                        ("anime",),
                        2,
                        (210, 30),
                        (23, 1),
                        per_night=(3, 6),
                        love=1,
                        like=1,
                        device="computer",
                    ),
                    Films(("anime", "fantasy"), 4, (180, 20), (0, 2), like=2, device="phone"),
                    Binge(
                        ("anime", "sci-fi"),
                        1,
                        (8, 1),
                        (23, 1),
                        per_night=(3, 4),
                        episodes=6,
                        device="computer",
                    ),
                ),
            ),
        ),
    ),
    Persona(
        key="commuter",
        email="commuter@demo.test",
        label=_("Priya, the commuter"),
        situation=_(
            "Romance and feel-good series on the phone on the morning train, a film on the TV "
            "at the weekend."
        ),
        shows=_(
            "Romance and comedy rows with light artwork; the phone layout; a postponed payment in "
            "London time."
        ),
        try_this=(
            _("Set the demo clock to a weekday at 7:30."),
            _("Rate a title 'Love this' and look for a 'Because you …' row built on it."),
        ),
        time_zone="Europe/London",
        profiles=(
            PersonaProfile(
                name="Priya",
                devices=("phone", "tv"),
                acts=(
                    Binge(
                        ("romance", "comedy"),
                        2,
                        (280, 30),
                        (7, 8),
                        per_night=(1, 2),
                        love=1,
                        like=1,
                        device="phone",
                    ),
                    Films(("romance",), 6, (300, 10), (20, 21), love=2, like=3),
                    Binge(
                        ("reality",),
                        1,
                        (60, 4),
                        (7, 8),
                        per_night=(1, 2),
                        episodes=6,
                        device="phone",
                    ),
                ),
            ),
        ),
    ),
)
PERSONAS_BY_KEY = {p.key: p for p in PERSONAS}
