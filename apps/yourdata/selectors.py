"""What the "Your data" page shows, read for the signed-in account and its current profile."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from apps.accounts.timezones import viewer_zone
from apps.artwork import selectors as artwork
from apps.browse import selectors as browse
from apps.browse.page_cache import HOLDOUT_EXPERIMENT, HOLDOUT_VARIANT
from apps.catalogue.models import ArtworkVariant, Episode, Genre, Title
from apps.catalogue.vocabulary import genre_label
from apps.core import clock
from apps.experiments import assignment
from apps.experiments import selectors as experiments
from apps.recommendations import services as recommendations
from apps.tracking import selectors as tracking
from apps.tracking import traits as taste
from apps.yourdata import describe

RECENT_EVENTS = 50
# What the browser reports by the dozen on every visit: counted under the list rather than
# listed, so the plays, ratings and picks a viewer may want to forget stay in view.
BACKGROUND_EVENTS = ["page_view", "card_seen", "row_seen", "device_seen"]
BACKGROUND_DAYS = 30


@dataclass
class EventLine:
    at: datetime
    name: str
    sentence: str
    properties: list[tuple[str, str]]
    title_id: int | None


@dataclass
class YourData:
    account: Any
    profile: Any
    profiles: list
    events: list[EventLine]
    use: Any  # tracking.data_use.Use
    picks: list[Title]
    affinity: list[tuple[str, int]]  # (genre name, percent), strongest first
    artwork_taste: list[str]
    artwork_segment: str
    rows: list = field(default_factory=list)  # browse.selectors.Row, without cards
    background: list[str] = field(default_factory=list)  # "22 page views", ... (last 30 days)
    personal: bool = True
    traits: list = field(default_factory=list)  # TraitLine, in tracking.traits.KEYS order


@dataclass
class TraitLine:
    trait: Any  # tracking.traits.Trait
    numbers: list[str]
    effect: str


def _trait_lines(profile, account, genre_count: int) -> list[TraitLine]:
    """The profile's traits, worded (two queries: the zone and genres are known already)."""
    found = tracking.traits_for(profile.pk, zone=viewer_zone(account), genre_count=genre_count)
    return [TraitLine(t, taste.number_lines(t) if t.enough else [], taste.effect(t)) for t in found]


def _titles(ids) -> dict[int, Title]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {t.pk: t for t in Title.objects.filter(pk__in=ids).only("pk", "name", "slug")}


def _episodes(ids) -> dict[int, str]:
    """Episode id -> "S1:E3 Pilot", as the player names it (one query, none without ids)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    found = Episode.objects.filter(pk__in=ids).select_related("season")
    found = found.only("pk", "name", "number", "season__number")
    return {e.pk: describe.episode_words(e.code, e.name) for e in found}


def _artwork_taste(profile_id: int, genres: dict[int, str]) -> tuple[str, list[str]]:
    """The favourite genre the poster policy uses and the poster styles the profile takes
    more (or less) often than expected, as sentences."""
    taste = artwork.taste(profile_id)
    labels = {
        **{f"tone:{v}": label for v, label in ArtworkVariant.Tone.choices},
        **{f"focus:{v}": label for v, label in ArtworkVariant.Focus.choices},
    }
    lines = []
    for feature, expected in sorted(taste.expected.items()):
        observed = taste.observed.get(feature, 0.0)
        if expected <= 0:
            continue
        if expected < 1 and observed < 1:
            continue  # not one poster of the kind yet: nothing to say
        # The comparison is made on the numbers the sentence shows (QA8: "more often than
        # most (1, about 1 expected)" compared 1 with 0.6 and showed 0.6 rounded up to 1).
        shown = round(observed)
        usual = round(expected, 1) if expected < 10 else round(expected)
        values = {
            "f": labels.get(feature, feature),
            "o": shown,
            "e": number_format(usual, 1 if expected < 10 else 0),
        }
        ratio = (shown + 0.5) / (usual + 0.5)
        if ratio >= 1.25:
            line = _(
                "Posters “%(f)s”: you pick them more often than most (yours: %(o)d; most "
                "viewers': about %(e)s)."
            )
        elif ratio <= 0.8:
            line = _(
                "Posters “%(f)s”: you pick them less often than most (yours: %(o)d; most "
                "viewers': about %(e)s)."
            )
        else:
            line = _("Posters “%(f)s”: you pick them about as often as most (%(o)d).")
        lines.append(line % values)
    segment = genres.get(taste.segment or 0, "")
    return segment, lines


def in_homepage_holdout(profile) -> bool:
    """Whether the profile's homepage is the holdout's non-personal one (read only: this page
    shows no variant, so it logs no exposure)."""
    definition = experiments.definition(HOLDOUT_EXPERIMENT)
    if definition is None or not definition.running(clock.now()):
        return False
    if profile.pk in definition.excluded_profiles:
        return False
    variant = assignment.assign(
        key=definition.key,
        subject=assignment.subject_of(profile_id=profile.pk),
        traffic_percent=definition.traffic_percent,
        variants=definition.variants,
    )
    return variant == HOLDOUT_VARIANT


def your_data(*, account, profile, personal: bool, device: str, now: datetime) -> YourData:
    """Everything the page shows; `personal` False when the viewer refused personalization
    (then the homepage, and these rows, use nothing about them)."""
    recent = list(
        tracking.profile_recent_events(
            profile=profile, limit=RECENT_EVENTS, exclude=BACKGROUND_EVENTS
        )
    )
    counts = tracking.profile_event_counts(
        profile=profile, names=BACKGROUND_EVENTS, since=now - timedelta(days=BACKGROUND_DAYS)
    )
    background = [
        describe.background_count(name, counts[name])
        for name in BACKGROUND_EVENTS
        if counts.get(name)
    ]
    pick_ids = list(
        tracking.profile_recent_events(
            profile=profile, names=["onboarding_pick"], limit=20
        ).values_list("properties__title_id", flat=True)
    )
    titles = _titles([describe.title_id_of(e.properties) for e in recent] + pick_ids)
    episodes = _episodes([describe.episode_id_of(e.properties) for e in recent])
    events = []
    zone = viewer_zone(account)
    for event in recent:
        title_id = describe.title_id_of(event.properties)
        title = titles.get(title_id) if title_id else None
        events.append(
            EventLine(
                at=event.occurred_at,
                name=event.name,
                sentence=describe.sentence(
                    event.name, event.properties, title.name if title else ""
                ),
                properties=describe.property_lines(
                    event.properties,
                    zone,
                    said=describe.said_in_sentence(
                        event.name, event.properties, title_named=title is not None
                    ),
                    episode=episodes.get(describe.episode_id_of(event.properties) or 0, ""),
                ),
                title_id=title_id if title is not None else None,
            )
        )
    genres = {pk: genre_label(name) for pk, name in Genre.objects.values_list("pk", "name")}
    holdout = False
    if personal:
        cands = recommendations.candidates_for(profile)
        if in_homepage_holdout(profile):  # the homepage is the holdout's: explain that one
            holdout = True
            cands = recommendations.popularity_candidates(profile=profile, own=cands)
    else:
        cands = recommendations.nonpersonal_candidates(profile=profile)
    # A genre that rounds to 0 % is not part of the taste as the page words it (qa12).
    affinity = [
        (genres[int(g)], round(float(v) * 100))
        for g, v in sorted((cands.affinity or {}).items(), key=lambda gv: -float(gv[1]))
        if int(g) in genres and round(float(v) * 100) > 0
    ]
    segment, artwork_lines = _artwork_taste(profile.pk, genres) if personal else ("", [])
    rows = browse.row_reasons(
        profile=profile, cands=cands, device=device, now=now, personal=personal and not holdout
    )
    return YourData(
        account=account,
        profile=profile,
        profiles=list(account.profiles.all()),
        events=events,
        use=tracking.data_use_for(profile.pk),
        picks=[titles[i] for i in dict.fromkeys(pick_ids) if i in titles],
        affinity=affinity if personal else [],
        artwork_taste=artwork_lines,
        artwork_segment=segment,
        rows=rows,
        personal=personal,
        background=background,
        traits=_trait_lines(profile, account, len(genres)),
    )


def withdrawal_before_deletion(user):
    """The plan's withdrawal preview while its 14-day right still gives money back, else None:
    deleting the account cancels the plan without a refund, so the delete page offers to
    withdraw first (QA8: it said "nothing is refunded" inside the withdrawal period)."""
    from apps.subscriptions import selectors as billing
    from apps.subscriptions.models import Subscription

    sub = Subscription.objects.filter(user=user).select_related("plan", "user").first()
    if sub is None:
        return None
    preview = billing.withdrawal_preview(sub=sub, at=clock.now())
    return preview if preview.decision.ok and preview.refunded > 0 else None


@dataclass(frozen=True)
class OthersAffected:
    """What deleting the account does to other people, said on the delete page first."""

    plan: str  # the shared plan's name ("" when nobody shares it)
    members: int  # accounts sharing the plan: they lose it at once
    parties: int  # live watch parties the account's profiles host: they end


def others_affected_by_deletion(user) -> OthersAffected:
    """Who else deleting the account reaches (QA15 M4): a Duo or Family plan's members lose it
    at once (the account it belongs to is gone; each gets an e-mail), and the watch parties
    its profiles host end, with their chat."""
    from apps.parties.models import Party
    from apps.subscriptions.models import Membership

    shared = list(
        Membership.objects.filter(subscription__user=user).values_list(
            "subscription__plan__name", flat=True
        )
    )
    parties = Party.objects.filter(host__account=user, ended_at__isnull=True).count()
    return OthersAffected(plan=shared[0] if shared else "", members=len(shared), parties=parties)


@dataclass(frozen=True)
class CategoryLine:
    """One line of "What we hold": "Devices — 3 devices — Account, Devices"."""

    key: str
    label: str
    count: int
    words: str  # "3 devices"
    url: str  # "" when no page shows it
    where: str


def data_categories(account) -> list[CategoryLine]:
    """Every kind of personal data the site holds about the account, counted, with where the
    viewer sees or changes it (QA15 M6), in one query: each count is a subquery of it, so the
    page costs the same however many rows each category holds."""
    from django.contrib.auth import get_user_model
    from django.db.models import F, Func, Subquery
    from django.urls import reverse

    from apps.tracking.personal import holders
    from apps.yourdata.categories import CATEGORIES

    by_label = {h.label: h for h in holders()}
    counts = {}
    for category in CATEGORIES:
        rows = by_label[category.counted].rows(account, own=True).filter(**category.count_where)
        counts[f"n_{category.key}"] = Subquery(
            rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        )
    found = get_user_model()._base_manager.filter(pk=account.pk).values(**counts).first() or {}
    lines = []
    for category in CATEGORIES:
        n = found.get(f"n_{category.key}") or 0
        url = reverse(category.url) if category.url else ""
        lines.append(
            CategoryLine(
                key=category.key,
                label=str(category.label),
                count=n,
                words=category.words(n),
                url=f"{url}#{category.anchor}" if url and category.anchor else url,
                where=str(category.where),
            )
        )
    return lines
