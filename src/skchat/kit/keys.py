"""Secret API keys: `sk_test_…` / `sk_live_…`, stored only as a keyed hash (HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string

KEY_PATTERN = re.compile(r"^sk_(test|live)_[0-9A-Za-z]{32,128}$")
_BASE62 = string.digits + string.ascii_letters
KEY_LENGTH = 40

SCOPES: tuple[str, ...] = (
    "conversations:read",
    "conversations:write",
    "contacts:read",
    "contacts:write",
    "knowledge:read",
    "knowledge:write",
    "webhooks:manage",
    "members:manage",
    "keys:manage",
    "wallet:read",
    "wallet:write",
    "handoff:write",
)


def generate_key(livemode: bool) -> str:
    body = "".join(secrets.choice(_BASE62) for _ in range(KEY_LENGTH))
    return f"sk_{'live' if livemode else 'test'}_{body}"


def hash_key(secret: bytes, key: str) -> str:
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def key_mode(key: str) -> bool | None:
    """True for a live key, False for a test key, None when it is not shaped like a key at all."""
    match = KEY_PATTERN.match(key)
    if match is None:
        return None
    return match.group(1) == "live"
