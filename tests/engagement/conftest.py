"""Sending tests: campaigns to plan and deliver, with the authoring and channel parts replaced
at their contract boundary (`variants.choose`, `templating.render`, `channels.allowed` and its
bulk form `channels.unreachable`, `channels.deliver`), so these tests say what sending does
whatever those parts decide."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from apps.engagement import channels, templating, variants
from apps.engagement.models import Campaign, Category, Message, Variant

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # 12:00 in Paris


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class FakeChannels:
    """What left through the channels, and which (channel, category) are refused and why."""

    def __init__(self):
        self.delivered: list = []
        self.refused: dict[str, str] = {}  # channel -> reason
        self.skip_render: dict[str, str] = {}  # channel -> reason

    def keys(self) -> list[str]:
        return sorted(o.key for o in self.delivered)

    def profiles(self) -> set[int]:
        return {o.profile_id for o in self.delivered}


@pytest.fixture
def outbox(monkeypatch):
    fake = FakeChannels()

    def allowed(profile, channel, category):
        return fake.refused.get(channel)

    def unreachable(profile_ids, channel_list, category):
        # The bulk form of `allowed`: the profiles every channel refuses, with the first reason.
        reasons = [fake.refused.get(channel) for channel in channel_list]
        if reasons and None not in reasons:
            return dict.fromkeys(profile_ids, reasons[0])
        return {}

    def deliver(outgoing):
        # Like the real channel: the key is claimed in the database, once.
        message, created = Message.objects.get_or_create(
            key=outgoing.key,
            defaults={
                "send_id": outgoing.send_id,
                "profile_id": outgoing.profile_id,
                "channel": outgoing.channel,
                "category": outgoing.category,
                "subject": outgoing.subject,
                "text": outgoing.text,
                "created_at": NOW,
            },
        )
        if created:
            fake.delivered.append(outgoing)
        return message

    def render(variant, *, channel, profile, context, now):
        if channel in fake.skip_render:
            return templating.Skipped(reason=fake.skip_render[channel])
        return SimpleNamespace(
            subject=variant.subject,
            text=f"{variant.body} [{context.get('title', '')}]",
            html="<p>html</p>",
            cta_label=variant.cta_label,
            cta_url=context.get("resume_url", variant.cta_url),
            image_url=context.get("image_url", ""),
        )

    def choose(campaign, profile, context):
        return campaign.variants.order_by("position", "pk").first()

    monkeypatch.setattr(channels, "allowed", allowed)
    monkeypatch.setattr(channels, "unreachable", unreachable)
    monkeypatch.setattr(channels, "deliver", deliver)
    monkeypatch.setattr(templating, "render", render)
    monkeypatch.setattr(variants, "choose", choose)
    return fake


@pytest.fixture
def make_campaign(db):
    def make(key="new-episodes", **fields):
        values = {
            "name": key,
            "category": Category.NEW_EPISODES,
            "status": Campaign.Status.LIVE,
            "trigger": Campaign.Trigger.EVENT,
            "trigger_event": "episode_released",
            "channels": ["in_app", "push"],
            "control_percent": 0,
            "cap_count": 5,
            "cap_days": 7,
            "starts_at": NOW - timedelta(days=30),
        }
        values.update(fields)
        campaign = Campaign.objects.create(key=key, **values)
        Variant.objects.create(
            campaign=campaign, name="A", subject="New for you", body="Hello", cta_url="/"
        )
        return campaign

    return make
