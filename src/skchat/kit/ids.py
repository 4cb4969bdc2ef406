"""Prefixed ULIDs (`cnv_01J…`): sortable by creation time, monotonic within a process."""

from __future__ import annotations

import os
import re
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last_ms = 0
_last_rand = 0

PREFIXES = frozenset({"ten", "key", "cnv", "msg", "ctc", "mem", "agt", "evt", "whe", "dlv", "itm", "art", "req", "job"})
ID_PATTERN = re.compile(r"^[a-z]{2,4}_[0-9A-Za-z_\-]{1,64}$")


# Every 10-bit value as its two Crockford characters: half the steps of one character at a time, and ids
# are made several times per request (request, message, event, job, delivery attempt).
_PAIRS = tuple(_ALPHABET[i >> 5] + _ALPHABET[i & 31] for i in range(1024))


def _encode(value: int, length: int) -> str:
    """`value` as `length` Crockford base32 characters (most significant first); `length` is even."""
    out = [_PAIRS[(value >> shift) & 1023] for shift in range(5 * (length - 2), -1, -10)]
    return "".join(out)


def ulid() -> str:
    """A 26-character ULID; within one millisecond the random part is incremented, so ids stay ordered."""
    global _last_ms, _last_rand
    with _lock:
        now = time.time_ns() // 1_000_000
        if now <= _last_ms:
            now = _last_ms
            _last_rand = (_last_rand + 1) & ((1 << 80) - 1)
        else:
            _last_ms = now
            _last_rand = int.from_bytes(os.urandom(10), "big") >> 1  # headroom for increments
        return _encode(now, 10) + _encode(_last_rand, 16)


def new_id(prefix: str) -> str:
    assert prefix in PREFIXES, prefix
    return f"{prefix}_{ulid()}"


def looks_like_id(value: str, prefix: str | None = None) -> bool:
    """Cheap shape check before a lookup; imported ids (e.g. `kb_returns`) keep their own form."""
    if not ID_PATTERN.match(value):
        return False
    return prefix is None or value.startswith(prefix + "_")
