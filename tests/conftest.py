"""Test harness: a real PostgreSQL, the service's real roles, a real HTTP server on loopback.

The database is the one named by SKCHAT_TEST_DATABASE_URL (a superuser URL), or else an
embedded PostgreSQL started for this run. Either way the suite then does what a managed
database would impose: it creates an owner role that has CREATEROLE but is *not* a
superuser, a database it owns, and runs the migrations and the service as that owner, whose
connections SET ROLE to the non-owner app role. So row-level security is really exercised.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from rich.console import Console

from skchat.app import create_app
from skchat.config import Settings
from skchat.embedded import with_database
from skchat.kit.db import Database
from skchat.kit.logging import configure_logging
from skchat.knowledge.importer import import_folder
from skchat.migrate import upgrade
from skchat.tenancy.service import create_tenant

RUN = secrets.token_hex(4)
OWNER = f"skchat_owner_{RUN}"
APP_ROLE = f"skchat_app_{RUN}"
DATABASE = f"skchat_test_{RUN}"
SECRET = "test-secret-key-for-hashing"


@dataclass(frozen=True)
class Pg:
    admin_url: str  # superuser: only the harness uses it
    owner_url: str  # the service's URL: CREATEROLE, not superuser
    app_role: str


def _with_user(url: str, user: str) -> str:
    scheme, rest = url.split("://", 1)
    _, _, hostpart = rest.rpartition("@")
    return f"{scheme}://{user}@{hostpart}"


@pytest.fixture(scope="session")
def pg() -> Iterator[Pg]:
    admin = os.environ.get("SKCHAT_TEST_DATABASE_URL")
    server = None
    if not admin:
        from skchat import embedded

        tmp = Path(tempfile.mkdtemp(prefix="skchat-test-pg-"))
        os.chmod(tmp, 0o755)
        url = embedded.start(tmp)
        admin = with_database(url, "postgres")
        server = tmp
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE NOSUPERUSER")
        conn.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
    owner_url = with_database(_with_user(admin, OWNER), DATABASE)
    upgrade(owner_url, APP_ROLE)
    yield Pg(admin, owner_url, APP_ROLE)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        conn.execute(f"DROP ROLE IF EXISTS {OWNER}")
    del server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerThread:
    """uvicorn serving the real app on a loopback port, in a thread of the test process."""

    def __init__(self, settings: Settings, url: str, *, run_worker: bool = False) -> None:
        # As `skchat serve` does; structlog's default renders every traceback with rich locals (seconds each).
        # Uncached, so a later test can still raise the level or capture logs (structlog.testing).
        configure_logging(settings.log_level, settings.log_json, cache=False)
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings, url, run_worker=run_worker),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def make_settings(pg: Pg, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": pg.owner_url,
        "app_role": pg.app_role,
        "secret_key": SECRET,
        "rate_limit_per_second": 10_000.0,
        "rate_limit_burst": 10_000,
        "log_level": "warning",
        "db_pool_max": 30,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="session")
def server(pg: Pg) -> Iterator[ServerThread]:
    with ServerThread(make_settings(pg), pg.owner_url) as running:
        yield running


@pytest.fixture(scope="session")
def base_url(server: ServerThread) -> str:
    return server.base_url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as c:
        yield c


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    agent_id: str
    live_agent_id: str
    test_key: str
    live_key: str

    def headers(self, live: bool = False, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.live_key if live else self.test_key}", **extra}


async def _create_tenant(pg: Pg, name: str) -> dict[str, Any]:
    db = Database(pg.owner_url, app_role=pg.app_role, min_size=1, max_size=1)
    await db.connect()
    try:
        return await create_tenant(db, SECRET.encode(), name)
    finally:
        await db.close()


@pytest.fixture(scope="session")
def make_tenant(pg: Pg) -> Callable[[str], Tenant]:
    def make(name: str = "Kaveri Threads") -> Tenant:
        created = asyncio.run(_create_tenant(pg, name))
        return Tenant(
            created["tenant_id"],
            created["agent_id"],
            created["live_agent_id"],
            created["test_key"],
            created["live_key"],
        )

    return make


@pytest.fixture
def tenant(make_tenant: Callable[[str], Tenant]) -> Tenant:
    return make_tenant("Kaveri Threads")


@pytest.fixture
def app_sql(pg: Pg) -> Iterator[psycopg.Connection[Any]]:
    """A raw connection as the service's role (owner URL, then SET ROLE), for SQL-level checks."""
    with psycopg.connect(pg.owner_url, autocommit=True) as conn:
        conn.execute(f'SET ROLE "{pg.app_role}"')
        yield conn


@pytest.fixture
def admin_sql(pg: Pg) -> Iterator[psycopg.Connection[Any]]:
    """Superuser access to the test database, to look at rows as they really are."""
    with psycopg.connect(with_database(pg.admin_url, DATABASE), autocommit=True) as conn:
        yield conn


# The demo tenant's data, shipped in the repo (a copy of shared/data/demo-store), or SKCHAT_DEMO_STORE.
DEFAULT_DEMO_STORE = Path(__file__).resolve().parents[1] / "examples" / "demo-store"


@pytest.fixture(scope="session")
def demo_store() -> Path:
    path = Path(os.environ.get("SKCHAT_DEMO_STORE", DEFAULT_DEMO_STORE))
    assert (path / "knowledge.jsonl").is_file(), f"no demo store at {path}; set SKCHAT_DEMO_STORE"
    return path


@pytest.fixture(scope="module")
def demo_tenant(make_tenant: Callable[[str], Tenant], base_url: str, demo_store: Path) -> Tenant:
    """A tenant holding the demo store in test mode, imported through the API."""
    tenant = make_tenant("Kaveri Threads")
    summary = import_folder(demo_store, base_url, tenant.test_key, console=Console(quiet=True))
    assert summary.failed == 0, summary.errors
    return tenant
