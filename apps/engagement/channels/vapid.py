"""The site's VAPID key pair (Web Push's sender identity).

From settings (`VAPID_PRIVATE_KEY`, `VAPID_PUBLIC_KEY`, both base64url: the raw 32-byte private
value and the uncompressed public point) in production. In DEBUG or demo mode without them, a
pair is generated once on this machine and kept in `VAPID_KEY_FILE` (var/vapid.json), so browsers
that subscribed stay valid across restarts. Elsewhere, without keys, push is off.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid, b64urlencode


@dataclass(frozen=True)
class Keys:
    private: str  # base64url raw private value (what pywebpush takes as a string)
    public: str  # base64url uncompressed point (the browser's applicationServerKey)


def generate() -> Keys:
    vapid = Vapid()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return Keys(private=b64urlencode(private), public=b64urlencode(public))


def keys() -> Keys | None:
    if settings.VAPID_PRIVATE_KEY and settings.VAPID_PUBLIC_KEY:
        return Keys(private=settings.VAPID_PRIVATE_KEY, public=settings.VAPID_PUBLIC_KEY)
    if not (settings.DEBUG or settings.DEMO_MODE):
        return None
    path = Path(settings.VAPID_KEY_FILE)
    try:
        stored = json.loads(path.read_text())
        return Keys(private=stored["private"], public=stored["public"])
    except (FileNotFoundError, KeyError, ValueError):
        pass
    pair = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps({"private": pair.private, "public": pair.public}))
    partial.chmod(0o600)
    try:
        os.link(partial, path)  # only the first process's pair is kept; the others read it
    except FileExistsError:
        partial.unlink()
        stored = json.loads(path.read_text())
        return Keys(private=stored["private"], public=stored["public"])
    partial.unlink()
    return pair
