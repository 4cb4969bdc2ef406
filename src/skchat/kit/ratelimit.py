"""Per-key rate limiting: a token bucket per API key, kept in this process.

Each process enforces the limit on its own share of traffic; with N API processes behind a
balancer the fleet-wide ceiling is about N times the setting (docs/operations.md). That keeps
the hot path free of a database round trip; a shared store can replace `TokenBuckets` behind
the same `take()` call.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_s: int
    retry_after_s: int

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_s),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after_s)
        return headers


class TokenBuckets:
    def __init__(self, rate_per_s: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)

    def take(self, key: str) -> Decision:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            self._buckets.clear()  # bounded memory; a reset only ever lets a little more through
        self._buckets[key] = (tokens, now)
        missing = max(0.0, 1.0 - tokens)
        retry_after = math.ceil(missing / self.rate) if not allowed else 0
        full_in = math.ceil((self.burst - tokens) / self.rate) if self.rate > 0 else 0
        return Decision(allowed, self.burst, int(tokens), full_in, max(1, retry_after) if not allowed else 0)
