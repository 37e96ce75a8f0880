"""Message templates. # placeholder: replaced at merge by eng-authoring (contract signatures
only: Liquid is not rendered here; `{{ event.x }}` and `{{ profile.name }}` are substituted
plainly so the demo reads sensibly before the merge)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_VAR = re.compile(r"{{\s*(event|profile)\.([a-z_]+)[^}]*}}")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    cta_label: str
    cta_url: str
    image_url: str


@dataclass(frozen=True)
class Skipped:
    reason: str


def template_errors(text: str) -> str | None:
    return None


def _fill(text: str, profile, context: dict) -> str:
    def value(match: re.Match) -> str:
        scope, key = match.groups()
        if scope == "profile":
            return str(getattr(profile, key, "") or "")
        return str(context.get(key, ""))

    return _VAR.sub(value, text or "")


def render(variant, *, channel: str, profile, context: dict, now: datetime):
    text = _fill(variant.body, profile, context)
    return Rendered(
        subject=_fill(variant.subject, profile, context),
        text=text,
        html=f"<p>{text}</p>" if channel == "email" else "",
        cta_label=variant.cta_label,
        cta_url=_fill(variant.cta_url, profile, context),
        image_url=str(context.get("image_url", "")),
    )
