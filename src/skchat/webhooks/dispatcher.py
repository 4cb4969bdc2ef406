"""The delivery worker: claim due deliveries, POST them signed, record what happened.

The loop never holds a transaction across an HTTP call. It claims a batch (a committed lease:
`skchat_claim_deliveries`, FOR UPDATE SKIP LOCKED), loads what to send per tenant, sends
outside any transaction, and records the outcomes in batches. A crash at any point leaves
leased rows that become due again when the lease runs out: deliveries are at-least-once, and
receivers dedupe on `webhook-id`.

It wakes on NOTIFY (sent when an event with due deliveries commits) and polls as a backstop.
Each endpoint gets at most `webhook_per_endpoint_concurrency` requests in flight, so one slow
or black-holed endpoint cannot hold up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass
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


class Dispatcher:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.lease_s = settings.resolved_webhook_lease_s()
        # Per endpoint: deliveries leased and not yet sent to completion (sending or waiting for
        # one of its slots), the slots themselves, and whether its last claim filled its quota.
        self.claimed: defaultdict[str, int] = defaultdict(int)
        self.slots: dict[str, asyncio.Semaphore] = {}
        self.more_due: set[str] = set()
        self.wake = asyncio.Event()
        self.outcomes: asyncio.Queue[Outcome] = asyncio.Queue()
        self.tasks: set[asyncio.Task[None]] = set()
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
        last_depth = 0.0
        try:
            while not stop.is_set():
                self.wake.clear()
                try:
                    claimed, free = await self._claim_and_dispatch()
                except Exception:
                    log.exception("claiming deliveries failed")
                    claimed, free = 0, 1
                if time.monotonic() - last_depth > 5:
                    last_depth = time.monotonic()
                    with contextlib.suppress(Exception):
                        async with self.db.pool.acquire() as conn:
                            QUEUE_DEPTH.set(await conn.fetchval("SELECT skchat_delivery_queue_depth()"))
                if claimed and claimed >= free:
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
            await self.outcomes.join()
            recorder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recorder
            with contextlib.suppress(Exception):
                await listener.remove_listener(DELIVERY_CHANNEL, self._on_notify)
            await self.db.pool.release(listener)
            for sess in self.sessions.values():
                await sess.close()

    def _free(self) -> int:
        """Request slots not taken: an endpoint takes at most its limit, whatever waits behind it."""
        per_endpoint = self.settings.webhook_per_endpoint_concurrency
        return self.settings.webhook_concurrency - sum(min(n, per_endpoint) for n in self.claimed.values())

    async def _claim_and_dispatch(self) -> tuple[int, int]:
        s = self.settings
        free = self._free()
        if free <= 0:
            return 0, 0
        per_endpoint = s.webhook_per_endpoint_concurrency
        # An endpoint with a batch still waiting for its slots is left out; it is claimed for
        # again as that batch starts sending, so its next batch is leased while this one is in
        # flight (pipelining), and at most twice its limit is leased by one worker.
        skip = [endpoint for endpoint, n in self.claimed.items() if n > per_endpoint]
        async with self.db.pool.acquire() as conn:
            rows = await repository.claim(conn, free, self.lease_s, per_endpoint, skip)
        got: defaultdict[str, int] = defaultdict(int)
        for r in rows:
            got[r["endpoint_id"]] += 1
        self.more_due = {e for e in self.more_due if e in skip} | {e for e, n in got.items() if n >= per_endpoint}
        jobs = [_job(TenantScope(r["tenant_id"], r["livemode"]), r, r["attempts"]) for r in rows if not r["disabled"]]
        for job in jobs:
            self.claimed[job.endpoint_id] += 1
            task = asyncio.create_task(self._deliver(job))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return len(rows), free

    async def _deliver(self, job: Job) -> None:
        endpoint_id = job.endpoint_id
        slot = self.slots.get(endpoint_id)
        if slot is None:
            slot = self.slots[endpoint_id] = asyncio.Semaphore(self.settings.webhook_per_endpoint_concurrency)
        try:
            async with slot:
                outcome = await self._send(job)
        finally:
            self._sent(endpoint_id)
        await self.outcomes.put(outcome)

    def _sent(self, endpoint_id: str) -> None:
        per_endpoint = self.settings.webhook_per_endpoint_concurrency
        before = self.claimed[endpoint_id]
        if before > 1:
            self.claimed[endpoint_id] = before - 1
        else:
            del self.claimed[endpoint_id]
            del self.slots[endpoint_id]
        # Claim again only when that can lease something: this endpoint's waiting batch has all
        # started and its last claim suggests more is due, or the worker was full and is not.
        # (Waking on every completion made one claim per delivery in a drain.)
        # Once per claim that filled the endpoint's quota (the next claim marks it again), so the
        # completions that land while a claim is running do not trigger an empty one after it.
        if before <= per_endpoint + 1 and endpoint_id in self.more_due:
            self.more_due.discard(endpoint_id)
            self.wake.set()
        elif before <= per_endpoint and self._free() == 1:
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
        while True:
            batch = [await self.outcomes.get()]
            while not self.outcomes.empty() and len(batch) < 500:
                batch.append(self.outcomes.get_nowait())
            try:
                await self._record(batch)
            except Exception:
                # The leases run out and these deliveries are made again: at-least-once holds.
                log.exception("recording delivery outcomes failed", count=len(batch))
            finally:
                for _ in batch:
                    self.outcomes.task_done()

    async def _record(self, batch: list[Outcome]) -> None:
        s = self.settings
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
                    ATTEMPTS.labels("success").inc()
                    LATENCY.observe(max(0.0, (now() - j.event_created_at).total_seconds()))
                elif o.status_code == 410:
                    state, next_at = "held", None
                    gone.add(j.endpoint_id)
                    ATTEMPTS.labels("gone").inc()
                else:
                    next_at = schedule_after_failure(
                        s.webhook_retry_schedule_s, made, s.webhook_jitter, o.retry_after, s.webhook_max_retry_after_s
                    )
                    state = "pending" if next_at is not None else "failed"
                    failed_endpoints.add(j.endpoint_id)
                    ATTEMPTS.labels("timeout" if o.status_code is None else "failure").inc()
                settled.append((j.row_ctid, j.event_id, j.endpoint_id, state, made, next_at))
            async with self.db.transaction(scope) as conn:
                failing_too_long = await repository.record_outcomes(
                    conn,
                    scope,
                    settled,
                    attempts,
                    sorted(ok_endpoints),
                    sorted(failed_endpoints - ok_endpoints),
                    s.webhook_disable_after_s,
                )
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
