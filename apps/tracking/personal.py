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
from django.db.models import F, Q

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


# What an export adds to a row of a shared room, so the viewer's own line reads in context
# without the room's other rows: {model label: {column: lookup}}.
EXPORT_CONTEXT = {
    "parties.ChatMessage": {
        "party_title": "party__title__name",
        "party_started": "party__created_at",
    },
    "parties.Member": {"party_title": "party__title__name", "party_started": "party__created_at"},
}


def _people() -> tuple[type[models.Model], type[models.Model]]:
    return apps.get_model(settings.AUTH_USER_MODEL), apps.get_model("accounts", "Profile")


def shared(model) -> bool:
    """Whether this model's rows are rooms several profiles are in: a membership model holds
    each profile once per row of it (a watch party's members: unique party and profile), so
    other people's rows hang off it, not only its owner's."""
    if model in _people():
        return False
    profile = _people()[1]
    for rel in model._meta.related_objects:
        member = rel.related_model
        by_name = {f.name: f for f in member._meta.concrete_fields}
        for unique in _unique_sets(member):
            fks = [by_name.get(name) for name in unique]
            if (
                len(fks) == 2
                and None not in fks
                and {f.related_model for f in fks}
                == {
                    model,
                    profile,
                }
            ):
                return True
    return False


def _unique_sets(model) -> list[tuple[str, ...]]:
    sets = [tuple(u) for u in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ]
    return sets


def _through_shared(model, path: str) -> bool:
    """Whether the lookup `path` from `model` reaches the account through a shared room (a
    guest's chat line reaches the host through the party, not through its own member row)."""
    for name in path.split("__")[:-1]:
        model = model._meta.get_field(name).related_model
        if shared(model):
            return True
    return False


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

    @property
    def own_paths(self) -> tuple[str, ...]:
        """The paths that reach the account as this row's own person: not through a shared
        room, unless the row reaches the account no other way (a party's old invite links)."""
        own = tuple(p for p in self.paths if not _through_shared(self.model, p))
        return own or self.paths

    def rows(
        self, user, visitors: frozenset[str] = frozenset(), *, own: bool = False
    ) -> models.QuerySet:
        """The account's rows; with `visitors`, also the rows kept under those visitor ids.
        `own`: only the rows that are the account's own, not others' rows in a room it hosts
        (what an export shows; a deletion takes the host's rooms whole)."""
        where = Q(pk__in=[])
        manager = self.model._base_manager
        for path in self.own_paths if own else self.paths:
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


EXPORT_PAGE = 2000  # rows an export reads at a time


def export_pages(user, *, page: int | None = None) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every personal row of the account as (model label, a page of rows), model after model,
    each model's rows by primary key in pages of at most `page` (one query a page), so a long
    history is exported in bounded memory. Only its own rows: a party host gets the party, not
    its guests' member rows or chat lines (`Holder.own_paths`)."""
    page = page or EXPORT_PAGE
    visitors = visitor_ids(user)
    for holder in holders():
        fields = export_fields(holder.model)
        pk = holder.model._meta.pk.attname
        context = {k: F(v) for k, v in EXPORT_CONTEXT.get(holder.label, {}).items()}
        rows = holder.rows(user, visitors, own=True).order_by("pk")
        last = None
        while True:
            found = rows if last is None else rows.filter(pk__gt=last)
            found = list(found.values(*fields, **context)[:page])
            if found:
                yield holder.label, found
            if len(found) < page:
                break
            last = found[-1][pk]


def account_export(user) -> dict[str, list[dict[str, Any]]]:
    """Every personal row of the account, by model label ("accounts.Profile": [...]); models
    where the account has no row are left out (`export_pages`, gathered)."""
    data: dict[str, list[dict[str, Any]]] = {}
    for label, rows in export_pages(user):
        data.setdefault(label, []).extend(rows)
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
