"""The service started in this process for an evaluation, when no `--api` is given.

A real uvicorn on a loopback port, with the worker, over the configured database (the embedded
PostgreSQL when SKCHAT_DATABASE_URL is unset, migrated first as `skchat serve` does), and a fresh
tenant made for this run, so earlier runs and real data do not mix into the numbers. The rate
limit is lifted for the run (the evaluation polls) and logs are kept to warnings.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from skchat.config import Settings


@dataclass(frozen=True)
class LocalService:
    base_url: str
    key: str
    tenant_id: str
    database: str  # where it runs, for the report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _new_tenant(settings: Settings, url: str, name: str) -> dict[str, str]:
    from skchat.kit.db import Database
    from skchat.tenancy.service import create_tenant

    db = Database(url, app_role=settings.app_role, min_size=1, max_size=1)
    await db.connect()
    try:
        return await create_tenant(db, settings.resolved_secret_key(), name)
    finally:
        await db.close()


class _ServerThread:
    """uvicorn serving the app (API + worker) in a thread of this process."""

    def __init__(self, settings: Settings, url: str) -> None:
        from skchat.app import create_app

        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings, url, run_worker=True),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="skchat-eval-server", daemon=True)

    def start(self, timeout_s: float = 120.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout_s  # models load at start-up
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the service did not start (see the log above)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start within {timeout_s:.0f} s")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@contextmanager
def local_service(settings: Settings, database_url: str, database: str, tenant_name: str) -> Iterator[LocalService]:
    """Serve `database_url` (already migrated) in this process, with a fresh tenant of that name."""
    from skchat.kit.logging import configure_logging

    settings = settings.model_copy(
        update={"rate_limit_per_second": 1e9, "rate_limit_burst": 10**9, "log_level": "warning"}
    )
    configure_logging(settings.log_level, settings.log_json)
    created = asyncio.run(_new_tenant(settings, database_url, tenant_name))
    server = _ServerThread(settings, database_url)
    server.start()
    try:
        yield LocalService(server.base_url, created["test_key"], created["tenant_id"], database)
    finally:
        server.stop()
