"""The worker loop: periodic jobs that keep the database tidy. Later issues add job kinds.

Runs inside `skchat serve` and alone as `skchat worker`; any number may run at once, since
every job is safe to run concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from skchat.kit.db import Database

log = structlog.get_logger("skchat.worker")
HOUSEKEEPING_EVERY_S = 300.0


async def housekeeping(db: Database) -> None:
    async with db.pool.acquire() as conn:
        purged = await conn.fetchval("SELECT skchat_purge_idempotency_keys()")
    if purged:
        log.info("purged expired idempotency keys", count=purged)


async def run(db: Database, stop: asyncio.Event) -> None:
    log.info("worker started")
    while not stop.is_set():
        try:
            await housekeeping(db)
        except Exception:
            log.exception("housekeeping failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=HOUSEKEEPING_EVERY_S)
    log.info("worker stopped")
