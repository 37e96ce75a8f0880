"""Where an account's personal data lives, found by walking the models (no app is imported).

A model holds personal data about an account when a chain of foreign keys (up to three) leads
from it to the account (`accounts.User`), directly or through a profile, a subscription, a
payment..., or when it has an e-mail field holding the account's address (a newsletter
sign-up, an invitation). Event rows are reached through their profile. Rows kept under an
anonymous visitor id (a `visitor_id` column) count too, once any row of the account carries
that id (an event or an exposure merged into a profile keeps the id it came with). A model
added later is covered without a change here: the export includes it, the deletion erases it.

Only secrets stay out of the export (SECRET_FIELDS). Only billing records that accounting must
keep survive a deletion (KEPT_FOR_ACCOUNTING): they stay tied to the account's anonymized row,
with every personal string scrubbed from them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

MAX_DEPTH = 3
# Secrets: a password hash, a profile PIN's hash, a session, the gateway's card token and
# fingerprint, the newsletter's confirm link token (field names, anywhere; or model.field).
SECRET_FIELDS = frozenset(
    {"password", "pin_hash", "token", "fingerprint", "session_key", "session_data"}
)
# (The device key is the browser's first-party id: the viewer's own, exported like the
# visitor id the events carry, not a credential.)
SECRET_MODEL_FIELDS: frozenset[tuple[str, str]] = frozenset()
# Models that are nothing but secrets (the session store: who is signed in where).
SECRET_MODELS = frozenset({"sessions.Session"})
# Billing records an accountant must be able to show (payments, refunds, invoices and what
# decided their amounts): kept, anonymized. Everything else personal is deleted.
KEPT_FOR_ACCOUNTING = frozenset(
    {
        "subscriptions.Subscription",
        "subscriptions.Payment",
        "subscriptions.Refund",
        "subscriptions.Invoice",
        "subscriptions.CreditEntry",
        "subscriptions.SubscriptionChange",
        "subscriptions.Postponement",
        # Counts toward the coupon's redemption limit; says nothing once the account is gone.
        "subscriptions.CouponRedemption",
    }
)


@dataclass(frozen=True)
class Holder:
    """A model holding personal data and the lookups that reach the account from it."""

    model: type[models.Model]
    paths: tuple[str, ...]  # e.g. ("profile__account", "device__profile__account")
    email_fields: tuple[str, ...]
    has_visitor: bool = False  # a `visitor_id` column: anonymous rows of the same person

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self, user, visitors: frozenset[str] = frozenset()) -> models.QuerySet:
        """The account's rows; with `visitors`, also the rows kept under those visitor ids."""
        where = Q(pk__in=[])
        manager = self.model._base_manager
        for path in self.paths:
            # Each path as its own id subquery: one OR across joins (an event's profile, or its
            # device's profile) made the database scan the whole event log (150 ms of an export).
            where |= Q(pk__in=manager.filter(**{path: user.pk}).values("pk"))
        for name in self.email_fields:
            where |= Q(**{f"{name}__iexact": user.email})
        if visitors and self.has_visitor:
            where |= Q(visitor_id__in=sorted(visitors))
        return self.model._base_manager.filter(where)


def _relations(model) -> Iterator[models.Field]:
    for field in model._meta.concrete_fields:
        if field.many_to_one or field.one_to_one:
            yield field


@cache
def holders() -> tuple[Holder, ...]:
    """Every model holding personal data, the account model itself first."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.label not in SECRET_MODELS
    ]
    paths: dict[type, list[str]] = {user_model: ["pk"]}
    for _depth in range(MAX_DEPTH):
        found: dict[type, list[str]] = {}
        for model in candidates:
            if model is user_model:
                continue
            for field in _relations(model):
                for tail in paths.get(field.related_model, ()):
                    path = field.name if tail == "pk" else f"{field.name}__{tail}"
                    known = paths.get(model, []) + found.get(model, [])
                    if path not in known and field.related_model is not model:
                        found.setdefault(model, []).append(path)
        for model, more in found.items():
            paths.setdefault(model, []).extend(more)
    out = []
    for model in candidates:
        emails = tuple(
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.EmailField) and model is not user_model
        )
        visitor = any(f.name == "visitor_id" for f in model._meta.concrete_fields)
        if model in paths or emails:
            out.append(Holder(model, tuple(paths.get(model, ())), emails, visitor))
    out.sort(key=lambda h: (h.model is not user_model, h.label))
    return tuple(out)


def _is_secret(label: str, name: str) -> bool:
    return name in SECRET_FIELDS or (label, name) in SECRET_MODEL_FIELDS


def export_fields(model) -> list[str]:
    """The columns of `model` an export shows (attnames, so a foreign key is its id)."""
    label = model._meta.label
    return [f.attname for f in model._meta.concrete_fields if not _is_secret(label, f.name)]


def visitor_ids(user) -> frozenset[str]:
    """The anonymous visitor ids any of the account's own rows carry."""
    found: set[str] = set()
    for holder in holders():
        if holder.has_visitor and holder.paths:
            found |= set(
                holder.rows(user).exclude(visitor_id="").values_list("visitor_id", flat=True)
            )
    return frozenset(found)


def account_export(user) -> dict[str, list[dict[str, Any]]]:
    """Every personal row of the account, by model label ("accounts.Profile": [...]); models
    where the account has no row are left out."""
    data: dict[str, list[dict[str, Any]]] = {}
    visitors = visitor_ids(user)
    for holder in holders():
        fields = export_fields(holder.model)
        rows = list(holder.rows(user, visitors).order_by("pk").values(*fields))
        if rows:
            data[holder.label] = rows
    return data


def _scrub(value, secrets: list[str]):
    """`value` with every personal string replaced (strings, and inside JSON)."""
    if isinstance(value, str):
        for secret in secrets:
            if secret and secret.lower() in value.lower():
                start = value.lower().index(secret.lower())
                value = value[:start] + "[deleted]" + value[start + len(secret) :]
                return _scrub(value, secrets)
        return value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value


def scrub_kept_rows(holder: Holder, user, personal_strings: list[str]) -> int:
    """Replace the personal strings in the text and JSON columns of a kept model's rows;
    e-mail columns are blanked (these rows stay, tied only to the anonymized account)."""
    text = [
        f
        for f in holder.model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
    ]
    changed = 0
    for row in holder.rows(user).only("pk", *[f.name for f in text]):
        updates = {}
        for field in text:
            old = getattr(row, field.attname)
            new = "" if isinstance(field, models.EmailField) else _scrub(old, personal_strings)
            if new != old:
                updates[field.attname] = new
        if updates:
            holder.model._base_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


def strings_to_scrub(user) -> list[str]:
    """What must not survive in a kept row: the address, the profiles' names, the names the
    account paid or was billed under (longest first, so a name inside another goes too)."""
    strings = {user.email}
    for holder in holders():
        if holder.model is type(user):
            continue
        names = {f.name for f in holder.model._meta.concrete_fields}
        for column in {"name", "holder", "billed_to"} & names:
            strings |= set(holder.rows(user).values_list(column, flat=True))
    return sorted((s for s in strings if s and len(s) >= 3), key=len, reverse=True)


def sessions_end(user) -> int:
    """Sign the account out everywhere: delete its sessions (and their cached copies)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.all().iterator(chunk_size=2000):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
