"""An account with a row in every model that holds personal data (issue 13's export and
deletion tests), found by walking the models independently of apps/tracking/personal.py.

`personal_models()` is the test's own definition: a concrete model is personal when a chain of
foreign keys leads from it to the account model (any depth) or when it has an e-mail field.
`account_everywhere()` fills one row per personal model generically, so a model added later
gets a row without a change here; a model it cannot fill fails loudly with its name (then add
an override to SHARED or build it by hand).
"""

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.catalogue.models import ArtworkVariant, Episode, Title
from tests.factories import (
    ArtworkVariantFactory,
    EpisodeFactory,
    ProfileFactory,
    TitleFactory,
    UserFactory,
)

_counter = itertools.count(1000)


def _relations(model):
    return [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]


def personal_models() -> list[type[models.Model]]:
    """Every concrete model (through tables included) that leads to an account or holds an
    e-mail address, the account model aside."""
    every = [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]
    reaches: set[type] = {User}
    grew = True
    while grew:
        grew = False
        for model in every:
            if model not in reaches and any(f.related_model in reaches for f in _relations(model)):
                reaches.add(model)
                grew = True
    with_email = {
        m for m in every if any(isinstance(f, models.EmailField) for f in m._meta.concrete_fields)
    }
    return sorted((reaches | with_email) - {User}, key=lambda m: m._meta.label)


def _shared(model):
    """A non-personal row a personal row must point at (a title, a plan, a coupon...)."""
    now = timezone.now()
    makers = {
        Title: lambda: TitleFactory(),
        Episode: lambda: EpisodeFactory(),
        ArtworkVariant: lambda: ArtworkVariantFactory(),
        Group: lambda: Group.objects.create(name=f"group {next(_counter)}"),
        Permission: lambda: Permission.objects.order_by("pk").first(),
        ContentType: lambda: ContentType.objects.get_for_model(User),
    }
    label = model._meta.label
    if model in makers:
        return makers[model]()
    if label == "subscriptions.Plan":
        return model.objects.create(code=f"plan-{next(_counter)}", name="Test plan")
    if label == "subscriptions.Coupon":
        return model.objects.create(code=f"C{next(_counter)}", percent_off=10)
    if label == "tracking.AttributeDefinition":
        return model.objects.create(key=f"attr_{next(_counter)}", label="Test attribute")
    if label == "experiments.Experiment":
        return model.objects.create(
            key=f"exp-{next(_counter)}",
            name="Test",
            traffic_percent=100,
            metric_event="play_started",
            starts_at=now,
        )
    if label == "engagement.Campaign":
        return model.objects.create(
            key=f"campaign-{next(_counter)}",
            name="Test",
            category="offers",
            trigger="event",
            starts_at=now,
        )
    raise AssertionError(f"personal_world cannot make a {label}: add it to _shared")


@dataclass
class World:
    user: User
    profile: Profile
    rows: dict[type, models.Model] = field(default_factory=dict)
    shared: dict[type, models.Model] = field(default_factory=dict)

    @property
    def personal_strings(self) -> list[str]:
        return [self.user.email, self.profile.name]


def _value(f: models.Field, world: World):
    """A value for a required column; text columns carry the account's address or name, so
    the deletion test can prove they are scrubbed."""
    now = timezone.now()
    if f.choices:
        return f.choices[0][0]
    if isinstance(f, models.EmailField):
        return world.user.email
    if isinstance(f, models.SlugField | models.UUIDField):
        return uuid.uuid4().hex[:20] if isinstance(f, models.SlugField) else uuid.uuid4()
    if isinstance(f, models.CharField | models.TextField):
        if f.unique:
            return uuid.uuid4().hex[: min(f.max_length or 32, 20)]
        text = world.user.email
        if f.max_length and len(text) > f.max_length:
            text = world.profile.name[: f.max_length]
        return text
    if isinstance(f, models.DateTimeField):
        return now
    if isinstance(f, models.DateField):
        return now.date()
    if isinstance(f, models.TimeField):
        return dt.time(12)
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField):
        return 1
    if isinstance(f, models.FloatField):
        return 1.0
    if isinstance(f, models.IntegerField):
        return next(_counter) % 30000
    if isinstance(f, models.JSONField):
        return {"note": world.user.email}
    if isinstance(f, models.BinaryField):
        return b""
    if isinstance(f, models.FileField):
        return "personal-world/none.bin"
    if isinstance(f, models.DurationField):
        return dt.timedelta(minutes=1)
    raise AssertionError(f"personal_world cannot fill {f.model._meta.label}.{f.name}")


def _build(model, world: World) -> models.Model:
    values = {}
    for f in model._meta.concrete_fields:
        if isinstance(f, models.AutoField):
            continue
        if f.is_relation:
            target = f.related_model
            if target is User:
                values[f.name] = world.user
            elif target is Profile:
                values[f.name] = world.profile
            elif target in world.rows:
                values[f.name] = world.rows[target]
            elif not f.null:
                if target not in world.shared:
                    world.shared[target] = _shared(target)
                values[f.name] = world.shared[target]
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if (f.has_default() or f.null) and not isinstance(f, models.EmailField | models.JSONField):
            continue
        values[f.name] = _value(f, world)
    if model._meta.label == "tracking.Event":
        values.update(name="play_completed", properties={"title_id": 1}, client_id=None)
    try:
        return model._base_manager.create(**values)
    except Exception as exc:
        raise AssertionError(f"personal_world cannot make a {model._meta.label}: {exc}") from exc


def account_everywhere(email: str | None = None) -> World:
    """An account, a profile, and one row in every personal model, tied to them."""
    user = UserFactory(**({"email": email} if email else {}))
    world = World(user=user, profile=ProfileFactory(account=user, name=f"Zephyrine {user.pk}"))
    todo = [m for m in personal_models() if m is not Profile]
    while todo:
        ready = [
            m
            for m in todo
            if all(
                f.related_model in world.rows
                or f.related_model in (User, Profile, m)
                or f.related_model not in todo
                for f in _relations(m)
            )
        ]
        if not ready:
            raise AssertionError(f"personal_world: a cycle among {[m.__name__ for m in todo]}")
        for model in ready:
            world.rows[model] = _build(model, world)
            todo.remove(model)
    world.rows[Profile] = world.profile
    return world
