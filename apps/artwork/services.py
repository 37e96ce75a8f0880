"""Writes for artwork: impressions, takes, the policy snapshot, tastes, pins, demo history."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.artwork import bandit, selectors
from apps.artwork.models import Impression, PolicySnapshot, ProfileTaste
from apps.artwork.selectors import Shown
from apps.catalogue.models import ArtworkVariant, Title
from apps.catalogue.versioning import bump_catalogue_version
from apps.core import affinity, clock
from apps.core.bulk import insert_many
from apps.tracking.models import Event

logger = logging.getLogger(__name__)

TAKE_WINDOW = timedelta(minutes=30)
# What a viewer's events say about the genres they like (the favourite one is their segment).
TASTE_WEIGHTS = {"play_started": 1.0, "play_completed": 2.0, "onboarding_pick": 3.0}
RATING_WEIGHTS = {-1: -2.0, 1: 2.0, 2: 3.0}
TASTE_EVENTS = (*TASTE_WEIGHTS, "rating")
TASTE_HISTORY = 300  # a profile's most recent such events considered


def page_artwork_choose(
    *, profile, day: date, placed: Iterable[tuple[str, int, Title]], personal: bool = True
) -> list[Shown]:
    """Pick each card's variant (sets `chosen_artwork` on it), remember the day's choices, and
    return what was shown.

    `placed` is (row key, position, title) for every card and hero on the page, in page
    order; a title placed twice shows the same variant (one choice per title a day). Titles
    must come with `active_artwork` prefetched (catalogue.selectors.cards does that); a pin
    is honoured only if its variant is among the eligible ones (active, kids-suitable for a
    kids profile), otherwise the title is personalized as if unpinned. `personal=False` (no
    personalization consent) chooses with the non-personal policy.
    """
    placed = list(placed)
    context = selectors.context_for(profile, day)
    if not personal:
        # No personalization consent: the non-personal policy, the population's evidence
        # without this profile's taste (as for a profile with no history).
        # The day's remembered choices were made with the taste: neither used nor overwritten.
        context.taste, context.today = bandit.Taste(), {}
    rate = selectors.exploration()
    choices: dict[int, tuple[bandit.Choice, ArtworkVariant] | None] = {}
    made_today = False
    shown: list[Shown] = []
    for row, position, title in placed:
        if title.pk not in choices:
            variants = {v.pk: v for v in selectors.eligible(title, profile)}
            arms = [selectors.arm_of(v) for v in variants.values()]
            pinned = selectors.pinned_id(getattr(title, "active_artwork", None) or [])
            # One choice per title and local day: what the taste or the policy learned since
            # the first choice today waits for tomorrow (the day's draws are fixed anyway).
            choice = selectors.todays_choice(context, title.pk, arms, pinned)
            if choice is None:
                choice = bandit.choose(
                    arms=arms,
                    title_id=title.pk,
                    evidence=context.evidence,
                    taste=context.taste,
                    draws=bandit.Draws(profile.pk, title.pk, day),
                    exploration=rate,
                    # bandit.choose ignores a pin on a variant that is not eligible here.
                    pinned=pinned,
                )
                if choice is not None:
                    context.today[title.pk] = (
                        choice.variant_id,
                        choice.how,
                        choice.options,
                        choice.expected,
                    )
                    made_today = True
            choices[title.pk] = (choice, variants[choice.variant_id]) if choice else None
        picked = choices[title.pk]
        if picked is None:
            title.chosen_artwork = None
            continue
        choice, variant = picked
        title.chosen_artwork = variant
        shown.append(
            Shown(
                title.pk,
                variant.pk,
                row,
                position,
                choice.how,
                choice.options,
                context.taste.segment,
                choice.expected,
            )
        )
    if made_today and personal:
        cache.set(selectors.day_key(profile.pk, day), context.today, timeout=selectors.DAY_SECONDS)
    return shown


def _window_days() -> int:
    return int(getattr(settings, "ARTWORK_POLICY_WINDOW_DAYS", 90))


# --- Impressions and takes --------------------------------------------------------------------


BUFFER_SEQ = "artwork:impressions:seq"
BUFFER_DONE = "artwork:impressions:flushed"
BUFFER_ITEM = "artwork:impressions:{}"
BUFFER_MANIFEST = "artwork:manifest:{}"
BUFFER_SECONDS = 24 * 60 * 60
BUFFER_GRACE_PAGES = 500  # a numbered page still missing after this many newer ones is lost


def shown_manifest(shown: Sequence[Shown]) -> str:
    """Store once what a cached page shows; its page views then log it by this key.

    The key is a digest of the content, so storing the same page again only renews it; it
    lives as long as a buffered page view may wait for its flush.
    """
    items = [tuple(item) for item in shown]
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:32]
    key = BUFFER_MANIFEST.format(digest)
    cache.set(key, items, timeout=BUFFER_SECONDS)
    return key


def impressions_log(
    *,
    profile,
    page: str,
    shown: Sequence[Shown] = (),
    manifest: str | None = None,
    slots: Sequence[int] | None = None,
    batch_id: str | None = None,
    at: datetime | None = None,
) -> int:
    """Log impressions of one page (or one lazily loaded batch), without a query per call.

    Each call becomes one small entry in a buffer in the cache: what the page showed, or the
    key of a manifest stored with it (see shown_manifest) and, for what the browser reported
    as seen, which of its slots. Every settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY entries (in a
    Celery task), before a play is attributed, and from a scheduled task, the buffer is
    written with one INSERT for all its entries. A batch id names each page view's write;
    sending the same slots again (a retried request or beacon) adds nothing (unique
    (batch_id, slot)). Returns the number of entries buffered (0 when nothing was shown).
    """
    if (not shown and manifest is None) or (slots is not None and not slots):
        return 0
    entry = (
        batch_id or uuid.uuid4().hex,
        profile.pk,
        page,
        (at or clock.now()).isoformat(),
        manifest,
        [tuple(item) for item in shown] if manifest is None else None,
        sorted(set(slots)) if slots is not None else None,
    )
    try:
        number = cache.incr(BUFFER_SEQ)
    except ValueError:  # the first page view since the cache started
        cache.add(BUFFER_SEQ, 0, timeout=None)
        number = cache.incr(BUFFER_SEQ)
    if number is None:  # the cache is unreachable: write this page's impressions directly
        _insert_rows(_expand([entry], {manifest: cache.get(manifest)} if manifest else {}))
        return 1
    cache.set(BUFFER_ITEM.format(number), entry, timeout=BUFFER_SECONDS)
    if number % max(1, settings.ARTWORK_IMPRESSIONS_FLUSH_EVERY) == 0:
        # Off the request path where a worker runs (inline when Celery is eager); the
        # scheduled flush picks up anything a lost task left behind.
        from apps.artwork.tasks import flush_impressions  # why: tasks imports this module

        try:
            flush_impressions.delay()
        except Exception:  # the broker is down: the page still renders
            logger.exception("artwork: could not queue the impression flush")
    return 1


# --- Seen, not rendered -----------------------------------------------------------------------

SEEN_SALT = "artwork.page-view"
SEEN_MAX_TITLES = 200  # more than any page shows


class PageView(NamedTuple):
    profile_id: int
    page: str
    manifest: str  # the cache key of what the page showed
    batch_id: str


def page_view_token(*, profile, page: str, manifest: str) -> str:
    """A signed, unguessable id for one view of a page that showed `manifest` to `profile`.

    The page carries it (data-art-view) and the browser sends it back with the cards the
    viewer actually saw; rendering the page logs nothing. Costs no query and no cache call.
    """
    return signing.dumps(
        [profile.pk, page, manifest.removeprefix(BUFFER_MANIFEST.format("")), uuid.uuid4().hex],
        salt=SEEN_SALT,
        compress=False,
    )


class PageViewExpired(Exception):
    """A genuine page view too old to log against (its token or the page's manifest is gone)."""


def page_view_read(token: str) -> PageView | None:
    """The page view a token names, or None if it is forged or malformed; PageViewExpired if
    it is genuine but older than the buffer keeps what the page showed."""
    try:
        pid, page, digest, batch_id = signing.loads(token, salt=SEEN_SALT, max_age=BUFFER_SECONDS)
    except signing.SignatureExpired as exc:
        raise PageViewExpired from exc
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not (isinstance(pid, int) and page in Impression.Page.values):
        return None
    return PageView(pid, page, BUFFER_MANIFEST.format(digest), str(batch_id))


def impressions_seen(*, profile, view: str, title_ids: Sequence[str]) -> int:
    """Log the cards (and hero) of one page view that the viewer's browser saw.

    `view` is the page view's token, `title_ids` the titles whose artwork was at least half
    in view for a second. Only titles that page showed to this profile are accepted; anything
    else refuses the whole report (ValidationError), writing nothing. A title shown in two
    rows is one impression; a report sent twice counts once (the page view is the batch, the
    title's first slot on the page the slot). Returns the number of titles logged.

    A page left open past the buffer's day, or across a demo-clock jump that flushed it, has
    nothing left to log against: its report logs nothing and returns 0, not an error. It is
    a background beacon the viewer never sees, and the browser can do nothing about it (a
    400 only filled the console, once per batch of cards while the viewer scrolled).
    """
    try:
        page_view = page_view_read(view or "")
    except PageViewExpired:
        return 0
    if page_view is None or page_view.profile_id != profile.pk:
        raise ValidationError(_("This page view is unknown or belongs to another profile."))
    if not title_ids or len(title_ids) > SEEN_MAX_TITLES:
        raise ValidationError(
            _("Report between 1 and %(n)d titles seen at once.") % {"n": SEEN_MAX_TITLES}
        )
    items = cache.get(page_view.manifest)
    if items is None:
        return 0  # expired (see above)
    slot_of: dict[str, int] = {}
    for slot, item in enumerate(items):
        slot_of.setdefault(str(item[0]), slot)
    unknown = [t for t in title_ids if str(t) not in slot_of]
    if unknown:
        raise ValidationError(_("Some of these titles were not shown on this page."))
    slots = {slot_of[str(t)] for t in title_ids}
    impressions_log(
        profile=profile,
        page=page_view.page,
        manifest=page_view.manifest,
        slots=sorted(slots),
        batch_id=page_view.batch_id,
    )
    return len(slots)


def _expand(entries: list, manifests: dict) -> list[tuple]:
    """The impression rows of buffered page views (a view whose manifest is gone is skipped)."""
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    lost = 0
    done: set[tuple[str, int]] = set()
    for batch_id, profile_id, page, at, manifest, items, *rest in entries:
        if manifest is not None:
            items = manifests.get(manifest)
            if items is None:
                lost += 1
                continue
        slots = rest[0] if rest else None
        picked = enumerate(items) if slots is None else ((n, items[n]) for n in slots)
        shown_at = adapt(datetime.fromisoformat(at))
        for slot, item in picked:
            if (batch_id, slot) in done:  # a retried beacon still in the buffer
                continue
            done.add((batch_id, slot))
            rows.append(
                (batch_id, slot, profile_id, item[0], item[1], page, item[2][:40], *item[3:],
                 shown_at)
            )  # fmt: skip
    if lost:
        logger.warning("artwork: %d page views lost their impressions (manifest evicted)", lost)
    return rows


def _still_there(rows: list[tuple]) -> list[tuple]:
    """The rows whose profile still exists: a page buffered before its profile was deleted
    (from another device) failed the whole INSERT on its foreign key, and every flush after it,
    Restore the demo's too (QA17). One query (titles and variants go only from the admin)."""
    if not rows:
        return rows
    profile_model = Impression._meta.get_field("profile").related_model
    wanted = {r[2] for r in rows}
    there = set(profile_model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return [r for r in rows if r[2] in there]


def impressions_flush() -> int:
    """Write every buffered page's impressions in one INSERT; safe to run concurrently or twice
    (unique (batch_id, slot) drops what another flush already wrote)."""
    last = cache.get(BUFFER_SEQ, 0)
    done = cache.get(BUFFER_DONE, 0)
    if last <= done:
        return 0
    keys = [BUFFER_ITEM.format(n) for n in range(done + 1, last + 1)]
    pages = cache.get_many(keys)
    # A page is numbered a moment before its rows are stored: stop at the first page not
    # there yet (unless it is long overdue, e.g. expired), so it is written by a later flush.
    flushed_to = done
    for n, key in enumerate(keys, start=done + 1):
        if key not in pages and last - n < BUFFER_GRACE_PAGES:
            break
        flushed_to = n
    keys = keys[: flushed_to - done]
    entries = [pages[key] for key in keys if pages.get(key)]
    manifests = cache.get_many({entry[4] for entry in entries if entry[4] is not None})
    rows = _still_there(_expand(entries, manifests))
    _insert_rows(rows)
    cache.set(BUFFER_DONE, flushed_to, timeout=None)
    cache.delete_many(keys)
    return len(rows)


COLUMNS = (
    "batch_id",
    "slot",
    "profile_id",
    "title_id",
    "variant_id",
    "page",
    "row",
    "position",
    "how",
    "options",
    "segment",
    "expected",
    "shown_at",
)


def _insert_rows(rows: list[tuple], columns: tuple[str, ...] = COLUMNS) -> None:
    """Impressions in one write; a page (batch, slot) already written is skipped."""
    insert_many(Impression, columns, rows)


def _title_of(properties) -> int | None:
    try:
        value = int((properties or {}).get("title_id"))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def play_attribute(*, event: Event) -> Impression | None:
    """Credit a play to the last impression of its title shown to the profile within the
    window before it. Idempotent: an event is credited once, an impression taken once."""
    if event.name != "play_started" or event.profile_id is None:
        return None
    title_id = _title_of(event.properties)
    if title_id is None:
        return None
    impressions_flush()  # the impression that led to this play may still be buffered
    already = Impression.objects.filter(play_event_id=event.pk).first()
    if already is not None:
        return already
    last = (
        Impression.objects.filter(
            profile_id=event.profile_id,
            title_id=title_id,
            shown_at__lte=event.occurred_at,
            shown_at__gte=event.occurred_at - TAKE_WINDOW,
        )
        .order_by("-shown_at", "-pk")
        .first()
    )
    if last is None:
        return None
    # Conditional update: a second play after the same impression does not count again.
    Impression.objects.filter(pk=last.pk, taken_at__isnull=True).update(
        taken_at=event.occurred_at, play_event_id=event.pk
    )
    return last


# --- What the policy knows --------------------------------------------------------------------


def _genre_weights(events: Iterable[tuple], genres_of: dict[int, list[int]]) -> dict[int, float]:
    weights: dict[int, float] = defaultdict(float)
    for name, properties, *_when in events:
        title_id = _title_of(properties)
        if title_id is None:
            continue
        if name == "rating":
            try:
                weight = RATING_WEIGHTS.get(int(properties.get("value", 0)), 0.0)
            except (TypeError, ValueError):
                weight = 0.0
        else:
            weight = TASTE_WEIGHTS.get(name, 0.0)
        for genre_id in genres_of.get(title_id, ()):
            weights[genre_id] += weight
    return weights


def segment_of(events: Sequence[tuple[str, dict, datetime]], genres_of) -> int | None:
    """The viewer's favourite genre from their (name, properties, occurred_at) events, newest
    first: the strongest genre of the same time-aware affinity the recommender shows as "Your
    genres" (`apps.core.affinity`), so the posters follow a taste that moved on (qa12: "a fan
    of Comedy" after ten days of thrillers and thirty comedies rated down). None until the
    events weigh enough for a favourite (`bandit.favourite_genre`'s minimum)."""
    if bandit.favourite_genre(_genre_weights(events, genres_of)) is None:
        return None
    weights: dict[int, float] = defaultdict(float)
    latest: dict[int, float] = {}
    ratings: dict[int, int] = {}
    for name, properties, occurred_at in reversed(events):  # oldest first
        title_id = _title_of(properties)
        if title_id is None:
            continue
        latest[title_id] = occurred_at.timestamp()
        if name == "rating":
            try:
                ratings[title_id] = int(properties.get("value", 0))  # the latest one counts
            except (TypeError, ValueError):
                continue
        else:
            weights[title_id] += TASTE_WEIGHTS.get(name, 0.0)
    history = []
    for title_id, when in latest.items():
        weight = weights[title_id] + max(RATING_WEIGHTS.get(ratings.get(title_id, 0), 0.0), 0.0)
        if weight > 0:
            history.append((title_id, when, weight))
    disliked = [t for t, value in ratings.items() if value == -1]
    return affinity.favourite(affinity.genre_affinity(history, disliked, genres_of))


def _genres_of(title_ids: Iterable[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    ids = list(set(title_ids))
    for start in range(0, len(ids), 2000):
        links = Title.genres.through.objects.filter(title_id__in=ids[start : start + 2000])
        for title_id, genre_id in links.values_list("title_id", "genre_id"):
            found[title_id].append(genre_id)
    return found


def _features(profile_ids: Sequence[int], since: datetime) -> dict[int, dict]:
    """Per profile, takes observed and expected per tone and per focus since `since`, each
    poster counted once per day (bandit.Taste.record: repeated page views add nothing)."""
    tastes = selectors.tastes_from(
        Impression.objects.filter(profile_id__in=profile_ids, shown_at__gte=since)
    )
    return {
        pid: {
            "observed": taste.observed,
            "expected": {k: round(v, 4) for k, v in taste.expected.items()},
        }
        for pid, taste in tastes.items()
    }


def profile_taste_refresh(*, profile_id: int) -> ProfileTaste:
    """Recompute a profile's favourite genre and its responses to artwork (four queries)."""
    now = clock.now()
    events = list(
        Event.objects.filter(profile_id=profile_id, name__in=TASTE_EVENTS)
        .order_by("-occurred_at", "-pk")
        .values_list("name", "properties", "occurred_at")[:TASTE_HISTORY]
    )
    genres_of = _genres_of(t for _, p, _at in events if (t := _title_of(p)))
    segment = segment_of(events, genres_of)
    features = _features([profile_id], now - timedelta(days=_window_days())).get(profile_id, {})
    row, _created = ProfileTaste.objects.update_or_create(
        profile_id=profile_id,
        defaults={"segment": segment, "features": dict(features), "refreshed_at": now},
    )
    cache.set(
        selectors.taste_key(profile_id), (segment, row.features), timeout=selectors.TASTE_SECONDS
    )
    return row


def policy_refresh(*, now: datetime | None = None) -> PolicySnapshot:
    """Rebuild the policy snapshot from the log's recent window (one aggregate query) and
    announce it; every process picks it up on its next page."""
    now = now or clock.now()
    days = _window_days()
    rows = selectors.policy_rows(
        Impression.objects.filter(shown_at__gte=now - timedelta(days=days))
    )
    snapshot = PolicySnapshot.objects.create(
        computed_at=now, window_days=days, impressions=sum(r[6] for r in rows), rows=rows
    )
    # Keep a few for comparison; older ones are never read.
    stale = PolicySnapshot.objects.order_by("-computed_at", "-pk").values_list("pk", flat=True)[5:]
    PolicySnapshot.objects.filter(pk__in=list(stale)).delete()
    stamp = selectors.policy_stamp(snapshot)
    transaction.on_commit(lambda: cache.set(selectors.POLICY_KEY, stamp, timeout=None))
    return snapshot


def title_pin_set(*, title: Title, variant: ArtworkVariant | None) -> ArtworkVariant | None:
    """Pin a variant for everyone (personalization off for the title), or unpin with None.

    The pin is the variant's own flag, one per title: pinning a variant unpins any other of
    the title's variants in the same transaction. Returns the pinned variant.
    """
    if variant is not None:
        if variant.title_id != title.pk:
            raise ValidationError(
                {
                    "pinned_variant": _(
                        "“%(variant)s” belongs to another title: pin one of this title's own "
                        "variants."
                    )
                    % {"variant": variant}
                }
            )
        if not variant.is_active:
            raise ValidationError(
                {
                    "pinned_variant": _(
                        "This variant is inactive, and an inactive variant is never shown: "
                        "activate it first."
                    )
                }
            )
    with transaction.atomic():
        # Lock the title so two curators pinning at once cannot both clear, then both set.
        Title.objects.select_for_update().filter(pk=title.pk).values_list("pk").first()
        others = ArtworkVariant.objects.filter(title=title, pinned=True)
        if variant is not None:
            others = others.exclude(pk=variant.pk)
        others.update(pinned=False)  # first: the constraint allows one pinned at any moment
        if variant is not None:
            ArtworkVariant.objects.filter(pk=variant.pk).update(pinned=True)
            variant.pinned = True
        # Cached homepages show the old choice: render them afresh.
        transaction.on_commit(bump_catalogue_version)
    return variant


def tastes_refresh_recent(*, since: datetime) -> int:
    """Refresh every profile with taste-relevant events since `since` that its taste has not
    seen yet; returns how many were refreshed."""
    latest = dict(
        Event.objects.filter(profile__isnull=False, name__in=TASTE_EVENTS, occurred_at__gte=since)
        .order_by()
        .values("profile_id")
        .annotate(at=Max("occurred_at"))
        .values_list("profile_id", "at")
    )
    seen = dict(
        ProfileTaste.objects.filter(profile_id__in=list(latest)).values_list(
            "profile_id", "refreshed_at"
        )
    )
    stale = [pid for pid, at in latest.items() if pid not in seen or seen[pid] < at]
    for profile_id in stale:
        profile_taste_refresh(profile_id=profile_id)
    return len(stale)
