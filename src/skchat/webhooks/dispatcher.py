"""The delivery worker: claim due deliveries, POST them signed, record what happened.

The loop never holds a transaction across an HTTP call. It claims a batch (a committed lease:
`skchat_claim_deliveries`, FOR UPDATE SKIP LOCKED, which also returns what to send), sends
outside any transaction, and records the outcomes in batches. A crash at any point leaves
leased rows that become due again when the lease runs out: deliveries are at-least-once, and
receivers dedupe on `webhook-id`.

It wakes on NOTIFY (sent after an event with due deliveries commits) and polls as a backstop.
Each endpoint's deliveries go through its own lane with at most `webhook_per_endpoint_concurrency`
requests in flight, so one slow or black-holed endpoint cannot hold up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
import structlog
from prometheus_client import Counter, Gauge, Histogram

from skchat.config import Settings
from skchat.events.repository import DELIVERY_CHANNEL
from skchat.events.schemas import render as render_event
from skchat.kit import signing
from skchat.kit.db import Database, Record, TenantScope
from skchat.kit.ids import new_id
from skchat.kit.timefmt import now
from skchat.webhooks import repository
from skchat.webhooks.retry import parse_retry_after, schedule_after_failure
from skchat.webhooks.service import disable
from skchat.webhooks.transport import MAX_RESPONSE_BYTES, BlockedAddress, check_literal, session

log = structlog.get_logger("skchat.webhooks")

ATTEMPTS = Counter("skchat_webhook_attempts_total", "Webhook delivery attempts", ["outcome"])
LATENCY = Histogram(
    "skchat_webhook_delivery_latency_seconds",
    "From the event's creation to its successful delivery",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600, 86400),
)
# Bound once: a labelled child looked up per delivery is measurable in a drain.
SUCCESS, GONE, TIMEOUT, FAILURE = (ATTEMPTS.labels(o) for o in ("success", "gone", "timeout", "failure"))
QUEUE_DEPTH = Gauge("skchat_webhook_queue_depth", "Deliveries pending (due now or later)")


@dataclass(slots=True)
class Job:
    scope: TenantScope
    event_id: str
    endpoint_id: str
    attempts: int
    url: str
    secrets: list[str]
    body: bytes
    event_created_at: Any
    row_ctid: Any  # the claimed row's ctid: the outcome settles it by that


@dataclass(slots=True)
class Outcome:
    job: Job
    status_code: int | None
    duration_ms: int
    error: str | None
    response_body: str | None
    retry_after: float | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(slots=True)
class Lane:
    """One endpoint's deliveries in this worker: leased and not yet sent, in claim order.

    Up to `webhook_per_endpoint_concurrency` senders take them one after another, so a slow or
    black-holed endpoint holds its own lane's senders and nobody else's.
    """

    waiting: deque[Job] = field(default_factory=deque)
    leased: int = 0  # deliveries leased and not yet sent to completion (waiting or being sent)
    senders: int = 0
    more_due: bool = False  # its last claim filled its quota (or was cut short): more may be due


class Dispatcher:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.lease_s = settings.resolved_webhook_lease_s()
        self.per_endpoint = settings.webhook_per_endpoint_concurrency
        self.lanes: dict[str, Lane] = {}
        # Request slots taken: an endpoint takes at most its limit, whatever waits behind it.
        self.busy = 0
        # Claim again once this many slots are free after a claim that had too few (never once per
        # delivery: each claim costs a round trip and a scan).
        self.refill = max(1, min(self.per_endpoint, settings.webhook_concurrency) // 2)
        self.starved = False  # the last claim was cut off by its limit: more may be due
        self.wake = asyncio.Event()
        self.tasks: set[asyncio.Task[None]] = set()
        self.outcomes: list[Outcome] = []
        self.has_outcomes = asyncio.Event()
        self.closing = False
        self.sessions: dict[bool, aiohttp.ClientSession] = {}

    def _on_notify(self, *_: object) -> None:
        self.wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        self.sessions = {
            True: session(
                public_only=s.webhook_block_private_live, timeout_s=s.webhook_timeout_s, limit=s.webhook_concurrency
            ),
            False: session(public_only=False, timeout_s=s.webhook_timeout_s, limit=s.webhook_concurrency),
        }
        listener = await self.db.pool.acquire()
        await listener.add_listener(DELIVERY_CHANNEL, self._on_notify)
        recorder = asyncio.create_task(self._record_loop())
        depth = asyncio.create_task(self._depth_loop(stop))
        try:
            while not stop.is_set():
                self.wake.clear()  # before the claim: a wake-up during it calls for another
                try:
                    await self._claim_and_dispatch()
                except Exception:
                    log.exception("claiming deliveries failed")
                    self.starved = False  # wait for the poll before trying again
                    self.wake.clear()
                if self.wake.is_set():
                    # The claim just made calls for another (an endpoint has room for its next batch):
                    # send it now, so PostgreSQL runs it while the senders just handed work start.
                    continue
                if self.starved and self._free() >= self.refill:
                    await asyncio.sleep(0)  # more may be due right now
                    continue
                waits = [asyncio.ensure_future(self.wake.wait()), asyncio.ensure_future(stop.wait())]
                await asyncio.wait(waits, timeout=s.webhook_poll_interval_s, return_when=asyncio.FIRST_COMPLETED)
                for w in waits:
                    w.cancel()
        finally:
            if self.tasks:
                await asyncio.wait(self.tasks, timeout=5)
                for task in self.tasks:
                    task.cancel()
            self.closing = True  # the recorder records what is left, then stops
            self.has_outcomes.set()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(recorder), timeout=10)
            for task in (recorder, depth):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            with contextlib.suppress(Exception):
                await listener.remove_listener(DELIVERY_CHANNEL, self._on_notify)
            await self.db.pool.release(listener)
            for sess in self.sessions.values():
                await sess.close()

    async def _depth_loop(self, stop: asyncio.Event) -> None:
        """The queue-depth gauge, every 5 s, beside the claim loop: counting a large backlog takes a
        while, and claims should not wait for it."""
        while not stop.is_set():
            with contextlib.suppress(Exception):
                async with self.db.pool.acquire() as conn:
                    QUEUE_DEPTH.set(await conn.fetchval("SELECT skchat_delivery_queue_depth()"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=5.0)

    def _free(self) -> int:
        return self.settings.webhook_concurrency - self.busy

    async def _claim_and_dispatch(self) -> None:
        """Lease what this worker has room for and hand it to the endpoints' lanes."""
        free = self._free()
        if free <= 0:
            self.starved = True
            return
        per_endpoint = self.per_endpoint
        # One endpoint's quota at a time: a claim ranks a window of 4 x limit due rows, so asking
        # for every free slot at once made each claim of a one-endpoint backlog rank ~900 rows to
        # lease 32 (two thirds of PostgreSQL's work per delivery). Many endpoints' rows fill
        # claims one after another (see `starved`).
        limit = min(free, per_endpoint)
        # An endpoint with a batch still waiting for its senders is left out; it is claimed for
        # again as that batch starts sending, so its next batch is leased while this one is in
        # flight (pipelining). At most one limit's worth waits: a waiting delivery waits for one
        # send at most, well within its lease (at least two timeouts: config.py).
        skip = [endpoint for endpoint, lane in self.lanes.items() if lane.leased > per_endpoint]
        async with self.db.pool.acquire() as conn:
            rows = await repository.claim(conn, limit, self.lease_s, per_endpoint, skip)
        got: defaultdict[str, int] = defaultdict(int)
        for r in rows:
            got[r["endpoint_id"]] += 1
            if r["disabled"]:  # disabled since it was due: the disable holds it, a recover sends it
                continue
            job = _job(TenantScope(r["tenant_id"], r["livemode"]), r, r["attempts"])
            lane = self.lanes.get(job.endpoint_id)
            if lane is None:
                lane = self.lanes[job.endpoint_id] = Lane()
            if lane.leased < per_endpoint:
                self.busy += 1
            lane.leased += 1
            lane.waiting.append(job)
        # An endpoint that filled its quota, or any endpoint of a claim the limit cut short, may have
        # more due: it is claimed for again as its batch starts sending (`more_due`). A claim cut
        # short before an endpoint filled its quota may have left other endpoints' rows too: claim
        # again as soon as there is room (`starved`).
        cut = len(rows) >= limit
        self.starved = cut and any(n < per_endpoint for n in got.values())
        for endpoint_id, n in got.items():
            lane = self.lanes.get(endpoint_id)
            if lane is None:
                continue
            lane.more_due = cut or n >= per_endpoint
            if lane.more_due and lane.leased <= per_endpoint:  # room for the next batch already
                lane.more_due = False
                self.wake.set()
            for _ in range(min(per_endpoint - lane.senders, len(lane.waiting))):
                lane.senders += 1
                task = asyncio.create_task(self._sender(endpoint_id, lane))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)

    async def _sender(self, endpoint_id: str, lane: Lane) -> None:
        """Send the lane's deliveries one at a time until none is waiting."""
        try:
            while lane.waiting:
                outcome = await self._send(lane.waiting.popleft())
                self._sent(endpoint_id, lane)
                self.outcomes.append(outcome)
                self.has_outcomes.set()
        finally:
            lane.senders -= 1

    def _sent(self, endpoint_id: str, lane: Lane) -> None:
        lane.leased -= 1
        if lane.leased < self.per_endpoint:
            self.busy -= 1
        if not lane.leased:
            del self.lanes[endpoint_id]
        # Claim again only when that can lease something: this endpoint's waiting batch has all
        # started and its last claim suggests more is due, or the worker was full and has room.
        # Each mark is used once (the next claim sets it again), so a drain makes one claim per
        # batch, not one per delivery.
        if lane.more_due and lane.leased <= self.per_endpoint:
            lane.more_due = False
            self.wake.set()
        elif self.starved and self._free() >= self.refill:
            self.starved = False
            self.wake.set()

    async def _send(self, job: Job) -> Outcome:
        timestamp = int(time.time())
        headers = signing.headers(job.secrets, job.event_id, timestamp, job.body)
        headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        text: str | None = None
        retry_after: float | None = None
        public_only = job.scope.livemode and self.settings.webhook_block_private_live
        try:
            if public_only:
                check_literal(job.url)
            async with self.sessions[job.scope.livemode].post(
                job.url, data=job.body, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
                text = (await response.content.read(MAX_RESPONSE_BYTES)).decode("utf-8", "replace")
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
        except TimeoutError:
            error = f"timeout after {self.settings.webhook_timeout_s:g} s"
        except BlockedAddress as exc:
            error = f"blocked: {exc}"
        except aiohttp.ClientError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        except Exception as exc:
            log.exception("unexpected delivery error", endpoint_id=job.endpoint_id)
            error = f"{type(exc).__name__}"
        duration_ms = int((time.perf_counter() - started) * 1000)
        return Outcome(job, status, duration_ms, error, text, retry_after)

    async def _record_loop(self) -> None:
        """Record outcomes in batches, as many as have come in since the last; at close, the rest."""
        while True:
            await self.has_outcomes.wait()
            self.has_outcomes.clear()
            pending, self.outcomes = self.outcomes, []
            for at in range(0, len(pending), 500):
                batch = pending[at : at + 500]
                try:
                    await self._record(batch)
                except Exception:
                    # The leases run out and these deliveries are made again: at-least-once holds.
                    log.exception("recording delivery outcomes failed", count=len(batch))
            if self.closing and not self.outcomes:
                return

    async def _record(self, batch: list[Outcome]) -> None:
        s = self.settings
        recorded_at = now()
        groups: defaultdict[TenantScope, list[Outcome]] = defaultdict(list)
        for outcome in batch:
            groups[outcome.job.scope].append(outcome)
        for scope, outcomes in groups.items():
            attempts, settled, gone = [], [], set()
            ok_endpoints, failed_endpoints = set(), set()
            for o in outcomes:
                j = o.job
                made = j.attempts + 1
                attempts.append(
                    (
                        new_id("dlv"),
                        j.event_id,
                        j.endpoint_id,
                        made,
                        o.status_code,
                        o.duration_ms,
                        o.error,
                        o.response_body,
                    )
                )
                if o.ok:
                    state, next_at = "succeeded", None
                    ok_endpoints.add(j.endpoint_id)
                    SUCCESS.inc()
                    LATENCY.observe(max(0.0, (recorded_at - j.event_created_at).total_seconds()))
                elif o.status_code == 410:
                    state, next_at = "held", None
                    gone.add(j.endpoint_id)
                    GONE.inc()
                else:
                    next_at = schedule_after_failure(
                        s.webhook_retry_schedule_s, made, s.webhook_jitter, o.retry_after, s.webhook_max_retry_after_s
                    )
                    state = "pending" if next_at is not None else "failed"
                    failed_endpoints.add(j.endpoint_id)
                    (TIMEOUT if o.status_code is None else FAILURE).inc()
                settled.append((j.row_ctid, j.event_id, j.endpoint_id, state, made, next_at))
            async with self.db.transaction(scope) as conn:
                settled_now, failing_too_long = await repository.record_outcomes(
                    conn,
                    scope,
                    settled,
                    attempts,
                    sorted(ok_endpoints),
                    sorted(failed_endpoints - ok_endpoints),
                    s.webhook_disable_after_s,
                )
                if settled_now < len(settled):  # changed since the claim: left as they are (see the repository)
                    log.info("deliveries not settled", count=len(settled) - settled_now)
                for endpoint_id in sorted(gone):
                    log.warning("endpoint answered 410 Gone: disabled", endpoint_id=endpoint_id)
                    await disable(conn, scope, endpoint_id, "gone")
                for endpoint_id in failing_too_long:
                    log.warning("endpoint failing continuously: disabled", endpoint_id=endpoint_id)
                    await disable(conn, scope, endpoint_id, "failing")


def _job(scope: TenantScope, row: Record, attempts: int) -> Job:
    event = {
        "id": row["event_id"],
        "type": row["type"],
        "created_at": row["created_at"],
        "livemode": row["livemode"],
        "sequence": row["sequence"],
        "data": row["data"],
    }
    secrets = [row["secret"]]
    expires = row["previous_secret_expires_at"]
    if row["previous_secret"] and expires is not None and expires > row["now"]:
        secrets.append(row["previous_secret"])
    return Job(
        scope,
        row["event_id"],
        row["endpoint_id"],
        attempts,
        row["url"],
        secrets,
        orjson.dumps(render_event(event)),  # type: ignore[arg-type]
        row["created_at"],
        row["row_ctid"],
    )
