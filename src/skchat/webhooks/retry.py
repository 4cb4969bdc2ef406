"""When to try a failed delivery again: the contract's schedule, jittered, honouring Retry-After."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from skchat.kit.timefmt import now


def next_delay(schedule: list[float], attempts_made: int, jitter: float) -> float | None:
    """Seconds until the next attempt after `attempts_made` attempts, or None when the schedule is spent."""
    if attempts_made >= len(schedule):
        return None
    base = schedule[attempts_made]
    return base * random.uniform(1 - jitter, 1 + jitter) if base > 0 else 0.0


def parse_retry_after(value: str | None, *, at: datetime | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (at or now())).total_seconds())


def schedule_after_failure(
    schedule: list[float], attempts_made: int, jitter: float, retry_after: float | None, max_retry_after: float
) -> datetime | None:
    """The next attempt's time, or None when the delivery has failed for good."""
    delay = next_delay(schedule, attempts_made, jitter)
    if delay is None:
        return None
    if retry_after is not None:
        delay = min(max(retry_after, 1.0), max_retry_after)
    return now() + timedelta(seconds=delay)
