"""Writes of the year in review: computing a recap (at most once a day) and its share links."""

import secrets
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core import clock
from apps.recap import numbers, selectors
from apps.recap.models import Recap, RecapShare

OPENS_MONTH, OPENS_DAY = 12, 1


def opens_on(year: int) -> date:
    """The day a year's recap opens (in the viewer's time zone)."""
    return date(year, OPENS_MONTH, OPENS_DAY)


def shown_year(today: date) -> int | None:
    """The year whose recap the page shows on `today` (the viewer's local date): this year's
    from 1 December, last year's through January (people look back at their year, and share
    it, in the first weeks of the next; the page must not empty itself at midnight on 31
    December), none in between."""
    if today >= opens_on(today.year):
        return today.year
    if today.month == 1:
        return today.year - 1
    return None


def recap_refresh(
    *, profile, year: int, tz, today: date, now: datetime | None = None, force: bool = False
) -> Recap:
    """The profile's recap of `year`, computed from the event log unless it already was today.

    At most once a day per profile: a second call on the same local day returns the stored row
    untouched (the row is locked while computing, so two workers do not both compute), unless
    `force` (part of the history was erased: see `recaps_recompute`).
    """
    now = now or clock.now()
    with transaction.atomic():
        recap = Recap.objects.select_for_update().filter(profile=profile, year=year).first()
        if recap is not None and recap.computed_on == today and not force:
            return recap
        events = selectors.play_events(profile_id=profile.pk, year=year, tz=tz)
        facts = selectors.title_facts({e.title_id for e in events})
        data = numbers.year_in_review(events, facts, year=year, tz=tz, kids=profile.is_kids)
        if recap is None:
            try:
                with transaction.atomic():
                    return Recap.objects.create(
                        profile=profile, year=year, data=data, computed_on=today, computed_at=now
                    )
            except IntegrityError:  # computed by another request meanwhile: theirs stands
                return Recap.objects.get(profile=profile, year=year)
        recap.data, recap.computed_on, recap.computed_at = data, today, now
        recap.save(update_fields=["data", "computed_on", "computed_at"])
        return recap


def recaps_recompute(*, profile, tz, today: date) -> int:
    """Recompute now every stored recap of the profile, after part of its history was erased
    ("Forget this title"): the stored numbers name titles, and neither the year page nor a
    public share link may keep showing one the viewer asked to forget until tomorrow's
    refresh. Returns how many were recomputed."""
    years = list(Recap.objects.filter(profile=profile).values_list("year", flat=True))
    for year in years:
        recap_refresh(profile=profile, year=year, tz=tz, today=today, force=True)
    return len(years)


def share_create(*, recap: Recap, cards: list[str], available: list[str], language: str):
    """A public link showing the chosen cards (in the recap's order); refused without any or
    with a card the recap does not have.

    A live link with the same cards and language is returned instead of a second one (a
    double click, a second tab, the form sent again): the recap row is locked while looking,
    so two requests at once make one link. Its `created` says whether it is new."""
    chosen = set(cards)
    if not chosen:
        raise ValidationError(_("Choose at least one card to share."))
    if not chosen <= set(available):
        raise ValidationError(_("Choose cards from your year."))
    ordered = [key for key in available if key in chosen]
    with transaction.atomic():
        Recap.objects.select_for_update().filter(pk=recap.pk).first()
        for live in RecapShare.objects.filter(recap=recap, revoked_at__isnull=True):
            if live.cards == ordered and live.language == language:
                live.created = False
                return live
        share = RecapShare.objects.create(
            recap=recap,
            token=secrets.token_urlsafe(32),
            cards=ordered,
            language=language,
            created_at=clock.now(),
        )
    share.created = True
    return share


def share_revoke(*, profile, share_id) -> bool:
    """Turn off one of the profile's own links for good; False when there is none to revoke."""
    if not str(share_id).isdigit():
        return False
    return bool(
        RecapShare.objects.filter(
            pk=int(share_id), recap__profile=profile, revoked_at__isnull=True
        ).update(revoked_at=clock.now())
    )
