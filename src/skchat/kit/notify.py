"""Worker wake-ups (LISTEN/NOTIFY), sent after commit and coalesced per process.

A NOTIFY inside a transaction makes its commit take PostgreSQL's database-wide notify lock and hold it
through the commit's WAL flush, so every transaction that notifies commits one at a time. Customer
messages (each queues an agent job) and events (each may queue webhook deliveries) all did: in a
pgbench replay of the customer-message transaction at 16 clients that lock cost ~30% of throughput.

So a statement that queues work reports it, and `on_commit(conn, channel)` records the channel for the
transaction's owner: `UnitOfWorkMiddleware` (REST) and `Database.transaction` (MCP tools, workers) open a
`collect()` scope and, once they have committed, hand the channels to the process's `Notifier`, which
sends one NOTIFY per channel for all the commits since its previous one. A transaction nobody collects
for notifies in SQL as before. A wake-up lost to a crash between commit and NOTIFY costs one poll
interval, never the work: the rows are committed and workers poll as a backstop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import structlog

from skchat.kit.sql import ASYNC_COMMIT

if TYPE_CHECKING:  # kit.db imports this module
    from skchat.kit.db import Connection

log = structlog.get_logger("skchat.notify")

_pending: ContextVar[set[str] | None] = ContextVar("skchat_notify_pending", default=None)


@contextmanager
def collect() -> Iterator[set[str]]:
    """The channels `on_commit` records inside this scope (the caller notifies them after commit)."""
    channels: set[str] = set()
    token = _pending.set(channels)
    try:
        yield channels
    finally:
        _pending.reset(token)


async def on_commit(conn: Connection, channel: str) -> None:
    """Wake `channel`'s listeners when the current transaction commits (and never if it rolls back)."""
    pending = _pending.get()
    if pending is not None:
        pending.add(channel)
    else:  # nobody collects: NOTIFY in the transaction, delivered by PostgreSQL at commit
        await conn.execute("SELECT pg_notify($1, '')", channel)


class Notifier:
    """Sends the channels it is poked with, one NOTIFY each per round, from a background task.

    While one round's statement runs, further pokes accumulate for the next: under load one NOTIFY
    covers many commits, and an idle worker still hears of new work within a millisecond or so.

    Rounds start at most every `min_interval_s`. A NOTIFY is a transaction of its own that takes
    PostgreSQL's database-wide notify lock at commit; without the spacing, an API node under load
    sent one after nearly every few requests (0.3 extra commits per customer message, measured). A
    poke after a quiet spell still goes out at once; only pokes during a busy spell wait (a few ms).
    """

    def __init__(self, acquire: Callable[[], Any], *, min_interval_s: float = 0.005) -> None:
        self._acquire = acquire  # the pool's acquire(): an async context manager giving a connection
        self.min_interval_s = min_interval_s
        self._due: set[str] = set()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def poke(self, channels: Iterable[str]) -> None:
        self._due.update(channels)
        if not self._due:
            return
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="skchat-notifier")
        assert self._wake is not None
        self._wake.set()

    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while not (self._closing and not self._due):
            await self._wake.wait()
            self._wake.clear()
            if self._due:
                started = loop.time()
                await self._send_due()
                if not self._closing:
                    await asyncio.sleep(started + self.min_interval_s - loop.time())

    async def _send_due(self) -> None:
        channels, self._due = sorted(self._due), set()
        try:
            async with self._acquire() as conn:
                # Not waiting for its WAL flush (pg_notify assigns a transaction id, so its commit
                # would): a wake-up lost in a crash costs a poll interval, never the work.
                await conn.execute(f"SELECT pg_notify(c, '') FROM unnest($1::text[]) AS c, {ASYNC_COMMIT}", channels)
        except asyncio.CancelledError:  # stopped mid-round: these may not have gone out
            self._due.update(channels)
            raise
        except Exception as exc:  # the workers' polling finds the work; nothing is lost
            log.warning("wake-up not sent", channels=channels, error=repr(exc))

    async def close(self, timeout_s: float = 5.0) -> None:
        """Stop once what is due has been sent (or `timeout_s` has passed).

        The round in flight is let finish rather than cancelled: cancelled after PostgreSQL had run
        its NOTIFY but before the reply arrived, it could not tell whether the wake-up went out and
        would send it twice.
        """
        task, self._task = self._task, None
        if task is None or task.done():
            return
        assert self._wake is not None
        self._closing = True
        self._wake.set()
        try:
            await asyncio.wait_for(task, timeout_s)
        except TimeoutError:  # polling is the backstop
            log.warning("wake-ups not sent at close", channels=sorted(self._due))
        finally:
            self._closing = False
