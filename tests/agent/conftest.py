"""A server whose worker runs the agent, for end-to-end tests of annotation, replies and handoff."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from skchat.knowledge.importer import import_folder
from tests.conftest import Pg, ServerThread, Tenant, make_settings


@pytest.fixture(scope="module")
def agent_server(pg: Pg) -> Iterator[ServerThread]:
    with ServerThread(make_settings(pg, webhook_poll_interval_s=0.2), pg.owner_url, run_worker=True) as running:
        yield running


@pytest.fixture
def aclient(agent_server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=agent_server.base_url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def store(make_tenant: Callable[[str], Tenant], agent_server: ServerThread, demo_store: Path) -> Tenant:
    """The demo store, imported through the API into a tenant of its own."""
    tenant = make_tenant("Kaveri Threads")
    summary = import_folder(demo_store, agent_server.base_url, tenant.test_key, console=Console(quiet=True))
    assert summary.failed == 0, summary.errors
    return tenant
