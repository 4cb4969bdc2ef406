"""The database: an asyncpg pool whose connections run as the service's non-owner role.

Every connection the pool hands out has done `SET ROLE <app_role>`: that role owns no table
and has no BYPASSRLS, so row-level security applies to every query the service makes. A
transaction sees rows only after `scoped()` sets the tenant and mode for it (`SET LOCAL`
semantics via `set_config(..., true)`), so nothing leaks into the next transaction on the
same pooled connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

from skchat.kit import notify
from skchat.kit.notify import Notifier

Record = asyncpg.Record


class Row(Protocol):
    """What reads a row by column name: an asyncpg Record, or a dict decoded from a row's JSON."""

    def __getitem__(self, key: str, /) -> Any: ...


# What repositories take: a pooled connection or a bare one, both speak the same API.
Connection: TypeAlias = "asyncpg.Connection[Record] | PoolConnectionProxy[Record]"


@dataclass(frozen=True, slots=True)
class TenantScope:
    """What row-level security is told for a transaction: one tenant, one mode."""

    tenant_id: str
    livemode: bool


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def asyncpg_dsn(url: str) -> str:
    """Accept SQLAlchemy-style URLs (`postgresql+asyncpg://`) as well as plain ones."""
    scheme, sep, rest = url.partition("://")
    return "postgresql://" + rest if sep and scheme.startswith("postgres") else url


async def set_scope(conn: Connection, scope: TenantScope) -> None:
    await conn.execute(
        "SELECT set_config('skchat.tenant_id', $1, true), set_config('skchat.livemode', $2, true)",
        scope.tenant_id,
        "true" if scope.livemode else "false",
    )


async def one(conn: Connection, sql: str, *args: Any) -> Record:
    """fetchrow for statements that always return a row (INSERT … RETURNING)."""
    row = await conn.fetchrow(sql, *args)
    assert row is not None, sql
    return row


async def _init_connection(conn: asyncpg.Connection[Record]) -> None:
    await conn.set_type_codec(
        "jsonb",
        encoder=lambda v: orjson.dumps(v).decode(),
        decoder=orjson.loads,
        schema="pg_catalog",
    )
    await conn.set_type_codec(
        "json",
        encoder=lambda v: orjson.dumps(v).decode(),
        decoder=orjson.loads,
        schema="pg_catalog",
    )


class Database:
    def __init__(self, url: str, *, app_role: str, min_size: int = 2, max_size: int = 20) -> None:
        self.dsn = asyncpg_dsn(url)
        self.app_role = app_role
        self.min_size = min_size
        self.max_size = max_size
        self._pool: asyncpg.Pool | None = None
        # Wake-ups for the workers, sent after commit (kit/notify.py).
        self.notifier = Notifier(lambda: self.pool.acquire())
        set_role = f"SET ROLE {quote_ident(app_role)}"
        self._init_sql = set_role

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("Database.connect() has not been awaited")
        return self._pool

    async def connect(self) -> None:
        async def init(conn: asyncpg.Connection[Record]) -> None:
            await _init_connection(conn)
            await conn.execute(self._init_sql)

        async def reset(conn: asyncpg.Connection[Record]) -> None:
            # Nothing per-request survives a transaction here: tenant and mode are set with
            # set_config(..., true) (transaction-local), the role once at connect, and the
            # delivery workers UNLISTEN before release. So the usual RESET ALL round trip
            # (which would also reset the role) is skipped; only an open transaction is undone.
            if conn.is_in_transaction():
                await conn.execute("ROLLBACK")

        self._pool = await asyncpg.create_pool(
            self.dsn,
            min_size=self.min_size,
            max_size=self.max_size,
            init=init,
            reset=reset,
            statement_cache_size=512,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self.notifier.close()
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def transaction(self, scope: TenantScope | None) -> AsyncIterator[Connection]:
        """One transaction as the app role, scoped to a tenant and mode (or to nothing at all)."""
        async with self.pool.acquire() as conn:
            with notify.collect() as wake:
                async with conn.transaction():
                    if scope is not None:
                        await set_scope(conn, scope)
                    yield conn
            self.notifier.poke(wake)  # committed: tell the workers

    async def ping(self) -> bool:
        async with self.pool.acquire() as conn:
            value: Any = await conn.fetchval("SELECT 1")
            return bool(value == 1)
