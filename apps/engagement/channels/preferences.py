"""The notifications settings as a grid: one row per category, one cell per channel (pure)."""

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from apps.engagement.models import MARKETING_CATEGORIES, Category, Channel

CHANNELS = (Channel.IN_APP, Channel.EMAIL, Channel.PUSH)
CATEGORIES = (
    Category.NEW_EPISODES,
    Category.REMINDERS,
    Category.RECOMMENDATIONS,
    Category.OFFERS,
    Category.ACCOUNT,
)
# Column headings short enough for a phone's width (the long label is read out instead).
SHORT_LABELS = {
    Channel.IN_APP: pgettext_lazy("notification channel, short", "App"),
    Channel.EMAIL: pgettext_lazy("notification channel, short", "E-mail"),
    Channel.PUSH: pgettext_lazy("notification channel, short", "Push"),
}
ALWAYS_ON = frozenset({(Channel.IN_APP, Category.ACCOUNT), (Channel.EMAIL, Category.ACCOUNT)})
# What the viewer asks for by name ("Remind me" on New & Popular) is a service message in the
# app: its switch is theirs with or without marketing consent (engagement.requested).
REQUESTED = frozenset({(Channel.IN_APP, Category.REMINDERS)})


@dataclass(frozen=True)
class Cell:
    channel: str
    category: str
    enabled: bool
    editable: bool

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)

    @property
    def channel_short(self) -> str:
        return str(SHORT_LABELS[Channel(self.channel)])

    @property
    def field(self) -> str:
        return f"pref-{self.channel}-{self.category}"


def grid(
    stored: dict[tuple[str, str], bool], *, marketing: bool, kids: bool
) -> list[tuple[str, list[Cell]]]:
    """[(category, [cell per channel])]. Defaults are on; account mail in the app and by e-mail is
        always on; marketing cells are off and locked without marketing consent (but for the in-app
    reminders a viewer asks for, `REQUESTED`); a kids profile has
        the in-app column only, and no account or offers row: account and billing messages go
        to the grown-ups' profile, and offers never reach a kids profile (channels.core)."""
    rows = []
    for category in CATEGORIES:
        if kids and category in (Category.ACCOUNT, Category.OFFERS):
            continue
        cells = []
        for channel in CHANNELS:
            if kids and channel != Channel.IN_APP:
                continue
            if (channel, category) in ALWAYS_ON:
                cells.append(Cell(channel, category, True, False))
            elif (
                category in MARKETING_CATEGORIES
                and not marketing
                and (channel, category) not in REQUESTED
            ):
                cells.append(Cell(channel, category, False, False))
            else:
                cells.append(Cell(channel, category, stored.get((channel, category), True), True))
        rows.append((category, cells))
    return rows


def editable_fields(rows: list[tuple[str, list[Cell]]]) -> list[Cell]:
    return [cell for _category, cells in rows for cell in cells if cell.editable]
