"""Nothing lost when the process dies, nothing doubled when workers race: real `skchat` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.conftest import SECRET, Pg, Tenant, _free_port
from tests.webhooks.receiver import Receiver, Reply


def skchat_env(pg: Pg, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKCHAT_")}
    env.update(
        {
            "SKCHAT_DATABASE_URL": pg.owner_url,
            "SKCHAT_APP_ROLE": pg.app_role,
            "SKCHAT_SECRET_KEY": SECRET,
            "SKCHAT_LOG_LEVEL": "warning",
            "SKCHAT_RATE_LIMIT_PER_SECOND": "100000",
            "SKCHAT_RATE_LIMIT_BURST": "100000",
            "SKCHAT_WEBHOOK_RETRY_SCHEDULE_S": "[0, 0.5, 0.5, 0.5, 0.5]",
            "SKCHAT_WEBHOOK_POLL_INTERVAL_S": "0.2",
            **extra,
        }
    )
    return env


def start_serve(pg: Pg, port: int, log: IO[bytes] | None = None, **extra: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "skchat.cli", "serve", "--port", str(port)],
        env=skchat_env(pg, **extra),
        stdout=subprocess.DEVNULL,
        stderr=log if log is not None else subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("skchat serve did not start")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(10)


def test_sigkill_mid_burst_loses_no_acknowledged_event(
    pg: Pg, make_tenant: Callable[[str], Tenant], processes: list[subprocess.Popen[bytes]]
) -> None:
    receiver = Receiver()
    tenant = make_tenant("Crash Test Store")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # A short lease, so what the killed worker had claimed is due again within the test.
    processes.append(start_serve(pg, port, SKCHAT_WEBHOOK_LEASE_S="2", SKCHAT_WEBHOOK_TIMEOUT_S="1"))
    r = httpx.post(
        base + "/chat/v1/webhook_endpoints",
        json={"url": receiver.url + "/crash", "events": ["chat.conversation.created"]},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text

    acknowledged: list[str] = []
    stop = threading.Event()

    def burst() -> None:
        with httpx.Client(base_url=base, timeout=5) as client:
            while not stop.is_set():
                try:
                    response = client.post("/chat/v1/conversations", json={}, headers=tenant.headers())
                except httpx.TransportError:
                    return  # the server died under us: that request was never acknowledged
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])

    threads = [threading.Thread(target=burst) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    processes[0].send_signal(signal.SIGKILL)
    processes[0].wait(10)
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acknowledged) > 20, "the burst should have been under way"

    processes.append(start_serve(pg, port, SKCHAT_WEBHOOK_LEASE_S="2", SKCHAT_WEBHOOK_TIMEOUT_S="1"))
    try:
        deadline = time.monotonic() + 45
        delivered: set[str] = set()
        while time.monotonic() < deadline:
            delivered = {json.loads(r.body)["conversation_id"] for r in receiver.requests("/crash")}
            if delivered >= set(acknowledged):
                break
            time.sleep(0.2)
        missing = set(acknowledged) - delivered
        assert not missing, f"{len(missing)} acknowledged events never delivered"
    finally:
        receiver.close()


def test_concurrent_workers_deliver_each_event_once(
    pg: Pg,
    make_tenant: Callable[[str], Tenant],
    client: httpx.Client,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    receiver = Receiver()
    tenant = make_tenant("Many Workers Store")
    for _ in range(3):
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "skchat.cli", "worker"],
                env=skchat_env(pg),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    time.sleep(2.0)  # let the workers connect and LISTEN
    for path in ("/a", "/b"):
        r = client.post(
            "/chat/v1/webhook_endpoints",
            json={"url": receiver.url + path, "events": ["*"]},
            headers=tenant.headers(),
        )
        assert r.status_code == 201
    for _ in range(30):
        assert client.post("/chat/v1/conversations", json={}, headers=tenant.headers()).status_code == 201
    try:
        receiver.wait_for(60, timeout=30)
        time.sleep(1.5)  # anything doubled would arrive by now
        counts = Counter((r.path, r.headers["webhook-id"]) for r in receiver.requests())
        assert len(counts) == 60
        assert set(counts.values()) == {1}, [k for k, v in counts.items() if v > 1]
    finally:
        receiver.close()


def test_secrets_never_reach_the_logs(
    pg: Pg, make_tenant: Callable[[str], Tenant], processes: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    receiver = Receiver()
    receiver.respond = lambda r: Reply(status=500)  # failures are logged too
    tenant = make_tenant("Quiet Logs Store")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        processes.append(start_serve(pg, port, log, SKCHAT_LOG_LEVEL="debug"))
        endpoint = httpx.post(
            base + "/chat/v1/webhook_endpoints",
            json={"url": receiver.url + "/q", "events": ["*"]},
            headers=tenant.headers(),
        ).json()
        httpx.post(base + "/chat/v1/conversations", json={"message": {"text": "hi"}}, headers=tenant.headers())
        httpx.get(base + "/chat/v1/conversations", headers={"Authorization": "Bearer sk_test_" + "x" * 40})
        receiver.wait_for(4, "/q")
        processes[0].send_signal(signal.SIGTERM)
        processes[0].wait(20)
    receiver.close()
    text = log_path.read_text()
    assert '"path": "/chat/v1/webhook_endpoints"' in text  # the log is there…
    for secret in (endpoint["secret"], endpoint["secret"].removeprefix("whsec_"), tenant.test_key, "x" * 40):
        assert secret not in text  # …and holds no secret
