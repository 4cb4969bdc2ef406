"""The README quickstart as a user meets it: the real `skchat` command, a fresh data directory,
the embedded PostgreSQL, a conversation over HTTP, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import _free_port

SKCHAT = [sys.executable, "-m", "skchat.cli"]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKCHAT_")}
    env.update({"SKCHAT_DATA_DIR": str(data_dir), "SKCHAT_LOG_LEVEL": "warning"})
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("skchat-home")
    path.chmod(0o755)  # the embedded server runs as its own user when the tests run as root
    return path


@pytest.fixture(scope="module")
def served(data_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    proc = subprocess.Popen(
        [*SKCHAT, "serve", "--port", str(port)],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read().decode() if proc.stdout else ""
            proc.kill()
            raise AssertionError(f"skchat serve did not become ready:\n{out}")
        time.sleep(0.2)
    yield proc, base
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


@pytest.mark.parametrize("args", [[], ["serve"], ["worker"], ["migrate"], ["tenant", "create"]])
def test_every_command_has_help(args: list[str]) -> None:
    result = subprocess.run([*SKCHAT, *args, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_quickstart_on_a_fresh_data_dir(served: tuple[subprocess.Popen[bytes], str], data_dir: Path) -> None:
    proc, base = served
    created = subprocess.run(
        [*SKCHAT, "tenant", "create", "Kaveri Threads", "--json"],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    tenant = json.loads(created.stdout)
    assert set(tenant) >= {"tenant_id", "agent_id", "test_key", "live_key"}
    assert tenant["tenant_id"].startswith("ten_") and tenant["agent_id"].startswith("agt_")
    assert tenant["test_key"].startswith("sk_test_") and tenant["live_key"].startswith("sk_live_")

    headers = {"Authorization": f"Bearer {tenant['test_key']}"}
    r = httpx.post(
        base + "/chat/v1/conversations",
        json={"contact": {"external_id": "u-42", "name": "Asha"}, "message": {"text": "Do you deliver to Chennai?"}},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["agent_id"] == tenant["agent_id"]
    # The agent's reply follows from the worker inside `skchat serve`.
    deadline = time.monotonic() + 30
    types: set[str] = set()
    while time.monotonic() < deadline and "chat.message.sent" not in types:
        types = {e["type"] for e in httpx.get(base + "/chat/v1/events", headers=headers).json()["data"]}
        time.sleep(0.2)
    assert types == {"chat.conversation.created", "chat.message.received", "chat.message.sent"}

    live = httpx.get(base + "/chat/v1/conversations", headers={"Authorization": f"Bearer {tenant['live_key']}"})
    assert live.status_code == 200 and live.json()["data"] == []
    assert proc.poll() is None


def test_ops_endpoints(served: tuple[subprocess.Popen[bytes], str]) -> None:
    _, base = served
    assert httpx.get(base + "/healthz").json() == {"status": "ok"}
    assert httpx.get(base + "/readyz").json()["database"] == "ok"
    metrics = httpx.get(base + "/metrics")
    assert metrics.status_code == 200
    assert "skchat_http_requests_total" in metrics.text
    assert 'route="/readyz"' in metrics.text


def test_sigterm_stops_gracefully_and_stops_the_embedded_database(
    served: tuple[subprocess.Popen[bytes], str], data_dir: Path
) -> None:
    proc, _ = served
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    # The embedded server stops with its last user: no postmaster left behind.
    deadline = time.monotonic() + 15
    while (data_dir / "pgdata" / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (data_dir / "pgdata" / "postmaster.pid").exists()
