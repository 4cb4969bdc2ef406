"""A server whose worker runs the agent (the session server runs none), for end-to-end runs of `skchat eval`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Pg, ServerThread, make_settings


@pytest.fixture(scope="module")
def agent_server(pg: Pg) -> Iterator[ServerThread]:
    with ServerThread(make_settings(pg, webhook_poll_interval_s=0.2), pg.owner_url, run_worker=True) as running:
        yield running
