"""Worker wake-ups go out after commit, never for a rollback, and many commits share one NOTIFY."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from skchat.kit import notify
from skchat.kit.db import Database
from tests.conftest import Pg

CHANNEL = "skchat_test_wake"


async def _with_listener(pg: Pg, body: object) -> list[str]:
    """Run `body(db, heard)` with a LISTEN on CHANNEL; return the payloads heard."""
    heard: list[str] = []
    listener = await asyncpg.connect(pg.owner_url)
    await listener.add_listener(CHANNEL, lambda *args: heard.append(args[3]))
    db = Database(pg.owner_url, app_role=pg.app_role, min_size=1, max_size=4)
    await db.connect()
    try:
        await body(db, heard)  # type: ignore[operator]
    finally:
        await db.close()
        await listener.close()
    return heard


async def _until(condition: object, timeout_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "no wake-up"
        await asyncio.sleep(0.01)


def test_a_committed_transaction_wakes_the_channel_after_commit(pg: Pg) -> None:
    async def body(db: Database, heard: list[str]) -> None:
        async with db.transaction(None) as conn:
            await notify.on_commit(conn, CHANNEL)
            await notify.on_commit(conn, CHANNEL)
            await asyncio.sleep(0.2)
            assert heard == []  # not before the commit: a worker would not see the row yet
        await _until(lambda: heard)

    assert asyncio.run(_with_listener(pg, body)) == [""]


def test_a_rolled_back_transaction_wakes_nobody(pg: Pg) -> None:
    async def body(db: Database, heard: list[str]) -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction(None) as conn:
                await notify.on_commit(conn, CHANNEL)
                raise RuntimeError("rolled back")
        async with db.transaction(None) as conn:  # a marker that does commit
            await conn.execute(f"NOTIFY {CHANNEL}, 'marker'")
        await _until(lambda: heard)
        await asyncio.sleep(0.2)

    assert asyncio.run(_with_listener(pg, body)) == ["marker"]


def test_many_commits_share_few_notifies(pg: Pg) -> None:
    async def one(db: Database) -> None:
        async with db.transaction(None) as conn:
            await notify.on_commit(conn, CHANNEL)

    async def body(db: Database, heard: list[str]) -> None:
        await asyncio.gather(*(one(db) for _ in range(50)))
        await _until(lambda: heard)
        await asyncio.sleep(0.2)

    heard = asyncio.run(_with_listener(pg, body))
    assert 1 <= len(heard) < 50


def test_without_a_collector_the_transaction_notifies_itself(pg: Pg) -> None:
    async def body(db: Database, heard: list[str]) -> None:
        async with db.pool.acquire() as conn, conn.transaction():
            await notify.on_commit(conn, CHANNEL)  # no collect() scope: NOTIFY in SQL, sent at commit
        await _until(lambda: heard)

    assert asyncio.run(_with_listener(pg, body)) == [""]


def test_closing_the_database_still_sends_what_is_due(pg: Pg) -> None:
    heard: list[str] = []

    async def main() -> None:
        listener = await asyncpg.connect(pg.owner_url)
        await listener.add_listener(CHANNEL, lambda *args: heard.append(args[3]))
        db = Database(pg.owner_url, app_role=pg.app_role, min_size=1, max_size=2)
        await db.connect()
        async with db.transaction(None) as conn:
            await notify.on_commit(conn, CHANNEL)
        await db.close()  # at once: the notifier's round may not have run yet
        await _until(lambda: heard)
        await listener.close()

    asyncio.run(main())
    assert heard == [""]


def test_closing_during_a_round_sends_its_wake_up_once(pg: Pg) -> None:
    """A round whose NOTIFY has run but whose reply is still on its way is let finish, not resent."""
    heard: list[str] = []

    async def main() -> None:
        listener = await asyncpg.connect(pg.owner_url)
        await listener.add_listener(CHANNEL, lambda *args: heard.append(args[3]))
        conn = await asyncpg.connect(pg.owner_url)

        class SlowReply:  # the statement runs at once; its reply takes 0.3 s to come back
            async def execute(self, *args: object) -> None:
                await conn.execute(*args)  # type: ignore[arg-type]
                await asyncio.sleep(0.3)

        @asynccontextmanager
        async def acquire() -> AsyncIterator[SlowReply]:
            yield SlowReply()

        notifier = notify.Notifier(acquire)
        notifier.poke([CHANNEL])
        await _until(lambda: heard)  # PostgreSQL has sent it; the round still awaits its reply
        await notifier.close()
        await asyncio.sleep(0.2)
        await conn.close()
        await listener.close()

    asyncio.run(main())
    assert heard == [""]
