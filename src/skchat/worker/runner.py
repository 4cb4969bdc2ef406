"""The worker: webhook delivery, the AI agent's replies and periodic housekeeping.

Runs inside `skchat serve` and alone as `skchat worker`; any number may run at once, since
every job is safe to run concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from skchat.agent.services import AgentServices
from skchat.agent.worker import AgentRunner
from skchat.config import Settings
from skchat.kit.db import Database
from skchat.webhooks.dispatcher import Dispatcher

log = structlog.get_logger("skchat.worker")
HOUSEKEEPING_EVERY_S = 300.0


async def housekeeping(db: Database) -> None:
    async with db.pool.acquire() as conn:
        purged = await conn.fetchval("SELECT skchat_purge_idempotency_keys()")
    if purged:
        log.info("purged expired idempotency keys", count=purged)


async def run(db: Database, settings: Settings, stop: asyncio.Event, agent: AgentServices) -> None:
    """Run every job kind until `stop` is set: webhook delivery, agent replies, housekeeping."""
    log.info("worker started")
    loops = [
        asyncio.create_task(Dispatcher(db, settings).run(stop)),
        asyncio.create_task(AgentRunner(db, settings, agent).run(stop)),
    ]
    try:
        await _housekeeping_loop(db, stop)
    finally:
        await asyncio.gather(*loops, return_exceptions=True)
    log.info("worker stopped")


async def _housekeeping_loop(db: Database, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await housekeeping(db)
        except Exception:
            log.exception("housekeeping failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=HOUSEKEEPING_EVERY_S)
