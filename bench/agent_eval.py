"""`python -m bench agent_eval`: the agent measured through the API on the labelled dev files (`skchat eval`).

Like `skchat eval`, but the service runs as shipped, in a process of its own (`skchat serve`, worker
included) on a scratch database, so its resident memory can be read too: the issue's budget is
< 1 GiB for the whole offline stack. Prints the evaluation's tables, then the service's RSS (now and
peak) and CPU time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.api import base_env, skchat_command
from bench.harness import REPO, ScratchDatabase, Server, free_port, scratch_database, settings_overrides
from skchat.evaluate.command import DEFAULT_STORE, EvalFailed, Options, finish, measure, prepare
from skchat.evaluate.runner import ApiError
from skchat.kit.db import Database
from skchat.tenancy.service import create_tenant

DEV_DATA = REPO.parent / "shared" / "data"
DEV_FILES = (DEV_DATA / "nlu-dev.jsonl", DEV_DATA / "conversations-dev.jsonl")
MEMORY_BUDGET_MIB = 1024


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench agent_eval", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="labelled jsonl files (default: the dev files)")
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE, help="store folder to import")
    parser.add_argument("--concurrency", type=int, default=2, help="conversations in flight (default 2)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for a reaction (default 20)")
    parser.add_argument("--misses", action="store_true", help="also list every miss")
    parser.add_argument(
        "--set", action="append", default=[], metavar="SKCHAT_NAME=VALUE", help="a setting for the service"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 64 or args.timeout < 0.5:
        parser.error("--concurrency must be 1..64 and --timeout >= 0.5")
    args.extra_env = settings_overrides(parser, args.set)
    return args


async def _tenant(db: ScratchDatabase, secret: str, name: str) -> dict[str, Any]:
    database = Database(db.owner_url, app_role=db.app_role, min_size=1, max_size=1)
    await database.connect()
    try:
        return await create_tenant(database, secret.encode(), name)
    finally:
        await database.close()


def _status_mib(pid: int, field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak) of a process, from /proc; None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    files = args.files or list(DEV_FILES)
    console = Console(stderr=True)
    options = Options(
        files,
        store=args.store,
        json_out=args.json,
        concurrency=args.concurrency,
        timeout_s=args.timeout,
        misses=args.misses,
    )
    prepared = prepare(options, console)
    if prepared is None:
        return 2
    secret = secrets.token_urlsafe(32)
    with scratch_database("skchat_evalbench") as db:
        tenant = asyncio.run(_tenant(db, secret, prepared.tenant_name))
        env = {
            **base_env(),
            "SKCHAT_DATABASE_URL": db.owner_url,
            "SKCHAT_APP_ROLE": db.app_role,
            "SKCHAT_SECRET_KEY": secret,
            "SKCHAT_DATA_DIR": str(db.workdir / "data"),
            "SKCHAT_RATE_LIMIT_PER_SECOND": "1000000000",
            "SKCHAT_RATE_LIMIT_BURST": "1000000000",
            "SKCHAT_LOG_LEVEL": "warning",
            **args.extra_env,
        }
        port = free_port()
        command = [*skchat_command(), "serve", "--port", str(port)]
        with Server("service", command, port=port, env=env, cwd=db.workdir) as service:
            rss_ready = _status_mib(service.pid, "VmRSS")
            try:
                report = measure(
                    options,
                    prepared,
                    service.base_url,
                    tenant["test_key"],
                    local=False,
                    database=db.description,
                    console=console,
                )
            except (EvalFailed, ApiError) as exc:
                print(f"benchmark failed: {exc}\n{service.log_tail()}", file=sys.stderr)
                return 1
            service.ensure_running()
            report["service"] = {
                "command": "skchat serve (API + worker), own process",
                "settings": args.extra_env,
                "rss_mib_ready": rss_ready,
                "rss_mib_end": _status_mib(service.pid, "VmRSS"),
                "rss_mib_peak": _status_mib(service.pid, "VmHWM"),
                "cpu_s": round(service.cpu_seconds(), 2),
                "memory_budget_mib": MEMORY_BUDGET_MIB,
            }
    code = finish(report, options, console, Console())
    s = report["service"]
    peak = s["rss_mib_peak"]
    verdict = "" if peak is None else (" (within the 1 GiB budget)" if peak < MEMORY_BUDGET_MIB else " (OVER 1 GiB)")
    print(
        f"service process: RSS {s['rss_mib_ready']} MiB when ready, {s['rss_mib_end']} MiB at the end, "
        f"peak {peak} MiB{verdict}; CPU {s['cpu_s']} s in all"
    )
    return code
