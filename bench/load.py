"""A closed-loop HTTP load generator (aiohttp): N workers, each sending its next request when
the previous one answers, for a warm-up and then a measured period.

Throughput is the requests that completed in the measured period divided by its length;
latency is measured per request, from just before sending to the end of reading the body.
Any non-2xx answer or transport error counts as an error (and is not a latency sample).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# (method, path, body) for request number n
RequestFor = Callable[[int], tuple[str, str, bytes]]


@dataclass
class Result:
    requests: int = 0  # completed with a 2xx in the measured period
    errors: int = 0
    seconds: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    error_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        if not self.latencies_s:
            return float("nan")
        ordered = sorted(self.latencies_s)
        rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1] * 1000

    def merge(self, other: Result) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies_s.extend(other.latencies_s)
        self.error_kinds.update(other.error_kinds)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile_ms(50), 2),
            "p99_ms": round(self.percentile_ms(99), 2),
            "error_kinds": dict(self.error_kinds),
        }


async def run(
    base_url: str,
    request_for: RequestFor,
    *,
    headers: Mapping[str, str],
    concurrency: int,
    warmup_s: float,
    duration_s: float,
    timeout_s: float = 30.0,
    on_phase: Callable[[str], None] | None = None,
) -> Result:
    """Warm up, then measure for `duration_s` at a fixed concurrency.

    `on_phase("measure")` is called as the measured period begins and `on_phase("done")` as it
    ends, for taking readings (CPU time, say) that cover exactly that period.
    """
    counter = itertools.count()
    result = Result()
    measuring = False
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(base_url, connector=connector, timeout=timeout, headers=dict(headers)) as session:

        async def worker(stop_at: float) -> None:
            while time.perf_counter() < stop_at:
                method, path, body = request_for(next(counter))
                started = time.perf_counter()
                try:
                    async with session.request(method, path, data=body) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    if measuring:
                        result.errors += 1
                        result.error_kinds[type(exc).__name__] += 1
                    continue
                elapsed = time.perf_counter() - started
                if not measuring:
                    continue
                if 200 <= status < 300:
                    result.requests += 1
                    result.latencies_s.append(elapsed)
                else:
                    result.errors += 1
                    result.error_kinds[f"HTTP {status}"] += 1

        if warmup_s > 0:
            stop_at = time.perf_counter() + warmup_s
            await asyncio.gather(*(worker(stop_at) for _ in range(concurrency)))
        if on_phase is not None:
            on_phase("measure")
        measuring = True
        began = time.perf_counter()
        stop_at = began + duration_s
        await asyncio.gather(*(worker(stop_at) for _ in range(concurrency)))
        # Requests in flight at the deadline finish and count, so the period runs until the last one.
        result.seconds = time.perf_counter() - began
        if on_phase is not None:
            on_phase("done")
    return result
