"""Reads for the demo guide: a fixed number of queries whatever is seeded."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from apps.accounts.models import Profile, User
from apps.catalogue.models import Genre, Title
from apps.demo.models import OutboxMessage
from apps.demo.personas import PERSONAS, Persona


def seeded_persona_emails() -> set[str]:
    """The persona accounts that exist (one query)."""
    return set(
        User.objects.filter(email__in=[p.email for p in PERSONAS]).values_list("email", flat=True)
    )


def persona_profile(*, persona: Persona, profile_index: int = 0) -> Profile | None:
    """The persona's profile number `profile_index` (by its scripted name), if seeded."""
    if not 0 <= profile_index < len(persona.profiles):
        return None
    name = persona.profiles[profile_index].name
    return (
        Profile.objects.select_related("account")
        .filter(account__email=persona.email, name__iexact=name)
        .first()
    )


def example_title() -> Title | None:
    """A title to link from the guide: a series if there is one (it shows more)."""
    return (
        Title.objects.available()
        .annotate(
            series_first=Case(
                When(kind=Title.Kind.SERIES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("series_first", "-year", "pk")
        .first()
    )


def example_genre() -> Genre | None:
    return (
        Genre.objects.filter(titles__is_published=True)
        .annotate(
            preferred=Case(
                When(slug="horror", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("preferred", "name")
        .first()
    )


def outbox_messages(*, email: str | None = None):
    """Kept e-mails, newest first; only those addressed to `email` when given."""
    messages = OutboxMessage.objects.order_by("-sent_at", "-pk").defer("text", "html")
    if email:
        messages = messages.filter(recipients__contains=f"|{email.lower()}|")
    return messages


def outbox_messages_to(account, limit: int) -> list:
    """The account's kept e-mails as tracking's profile 360 page lists them (registered in
    apps.py: tracking may not import demo)."""
    from django.utils.translation import gettext as _

    from apps.tracking.registry import SentMessage

    return [
        SentMessage(
            at=message.sent_at,
            channel=_("e-mail"),
            subject=message.subject,
            to=", ".join(message.to),
            source=_("demo outbox"),
        )
        for message in outbox_messages(email=account.email)[:limit]
    ]
