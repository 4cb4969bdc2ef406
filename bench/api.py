"""`python -m bench api`: customer messages per second through the real API, beside a bare baseline.

Starts, each in its own process: the service (`skchat serve`) and the baseline (a bare ASGI
endpoint doing the same single-transaction insert through asyncpg, see bench/baseline.py),
both on a fresh PostgreSQL database. Then, from this process, drives each in turn at a fixed
concurrency with `POST /chat/v1/conversations/{id}/messages` customer messages, and prints
throughput, p50/p99 latency and the ratio service/baseline. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import secrets
import statistics
import sys
import time
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
from rich.console import Console

from bench import load
from bench.harness import (
    REPO,
    PostgresCpu,
    ScratchDatabase,
    Server,
    free_port,
    machine_cpu_times,
    publish,
    scratch_database,
    settings_overrides,
)
from skchat.embedded import with_database
from skchat.kit.db import Database
from skchat.knowledge.importer import import_folder
from skchat.tenancy.service import create_tenant

ANNOTATION_AIM_MS = 20.0
DEMO_STORE = Path(__file__).resolve().parents[1] / "examples" / "demo-store"
AIM = 0.50
MESSAGE = orjson.dumps({"role": "customer", "text": "Do you deliver to Chennai?"})
# Result keys and their labels in the table.
TARGETS = {"baseline": "baseline", "service": "service", "new_texts": "new texts"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight at once (default 16)")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="measured seconds per target, split over the rounds (default 10)"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each round (default 2)")
    parser.add_argument(
        "--conversations", type=int, default=64, help="conversations the messages rotate over (default 64)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="take turns this many times, ABBA order, so drifting background load hits both alike (default 2)",
    )
    parser.add_argument("--pool-max", type=int, default=20, help="database pool size of both servers (default 20)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SKCHAT_NAME=VALUE",
        help="an extra setting for the service (repeatable), e.g. --set SKCHAT_DB_POOL_MAX=30",
    )
    parser.add_argument(
        "--no-new-texts",
        dest="new_texts",
        action="store_false",
        help="skip the third target (the service with a never-seen text in every request)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON here")
    parser.add_argument("--check", action="store_true", help=f"exit 2 when the ratio is below the aim ({AIM})")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 512:
        parser.error("--concurrency must be between 1 and 512")
    if not 0.5 <= args.duration <= 600 or not 0 <= args.warmup <= 120:
        parser.error("--duration must be 0.5..600 s and --warmup 0..120 s")
    if not 1 <= args.conversations <= 10_000 or not 1 <= args.rounds <= 20:
        parser.error("--conversations must be 1..10000 and --rounds 1..20")
    args.extra_env = settings_overrides(parser, args.set)
    return args


def base_env() -> dict[str, str]:
    """This process's environment without any SKCHAT_* setting, so only ours reach the servers.

    PYTHONPATH is made absolute: the servers run in a scratch directory, where a relative
    `PYTHONPATH=src` would silently fall back to whatever checkout is installed.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKCHAT_")}
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            os.path.abspath(entry) for entry in env["PYTHONPATH"].split(os.pathsep) if entry
        )
    return env


def skchat_command() -> list[str]:
    script = Path(sys.executable).parent / "skchat"
    return [str(script)] if script.exists() else [sys.executable, "-m", "skchat.cli"]


async def _tenant(db: ScratchDatabase, secret: str) -> dict[str, Any]:
    database = Database(db.owner_url, app_role=db.app_role, min_size=1, max_size=1)
    await database.connect()
    try:
        return await create_tenant(database, secret.encode(), "Bench Textiles")
    finally:
        await database.close()


def wait_until_idle(server: Server, *, quiet_cpu_s: float = 0.05, timeout_s: float = 90.0) -> None:
    """Let start-up work finish before measuring: the first messages build the tenant's intent model,
    and the import starts embedding the articles in a background thread."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = server.cpu_seconds()
        time.sleep(1.0)
        if server.cpu_seconds() - before < quiet_cpu_s:
            return


def create_conversations(base_url: str, key: str, count: int) -> list[str]:
    ids = []
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        for _ in range(count):
            response = client.post("/chat/v1/conversations", json={})
            response.raise_for_status()
            ids.append(response.json()["id"])
    return ids


def cpu_summary(cpu_s: float, postgres_s: float, commits: int, result: load.Result) -> dict[str, float]:
    """The server process's CPU over the measured period, per request and as a share of one core;
    PostgreSQL's (all its processes) per request; and transactions committed per request."""
    if not result.requests:
        names = ("server_cpu_ms_per_request", "server_cpu_pct_of_core", "postgres_cpu_ms_per_request")
        return dict.fromkeys((*names, "commits_per_request"), float("nan"))
    return {
        "server_cpu_ms_per_request": round(1000 * cpu_s / result.requests, 3),
        "server_cpu_pct_of_core": round(100 * cpu_s / result.seconds, 1) if result.seconds else float("nan"),
        "postgres_cpu_ms_per_request": round(1000 * postgres_s / result.requests, 3),
        "commits_per_request": round(commits / result.requests, 2),
    }


def rows_written(db: ScratchDatabase) -> dict[str, int]:
    """Messages each server stored (the baseline leaves sender_id NULL), to show both really commit."""
    with psycopg.connect(with_database(db.admin_url, db.database), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE sender_id IS NULL), count(*) FILTER (WHERE sender_id IS NOT NULL) "
            "FROM messages"
        ).fetchone()
    assert row is not None
    return {"baseline": int(row[0]), "service": int(row[1])}


def environment(db: ScratchDatabase) -> dict[str, Any]:
    have = importlib.util.find_spec
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "database": db.description,
        "uvicorn": "uvloop + httptools"
        if have("uvloop") and have("httptools")
        else "asyncio + h11 (uvloop/httptools missing)",
    }


def measure(
    server: Server,
    postgres: PostgresCpu,
    request_for: load.RequestFor,
    headers: dict[str, str],
    args: argparse.Namespace,
) -> tuple[load.Result, float, float, int, float, float]:
    """Drive one server; also return its and PostgreSQL's CPU seconds, the transactions committed, and
    the machine's busy and total CPU seconds."""
    readings: dict[str, tuple[float, float, float, float]] = {}
    commits: dict[str, int] = {}

    def on_phase(phase: str) -> None:
        readings[phase] = (server.cpu_seconds(), postgres.seconds(), *machine_cpu_times())
        commits[phase] = postgres.commits()

    result = asyncio.run(
        load.run(
            server.base_url,
            request_for,
            headers=headers,
            concurrency=args.concurrency,
            warmup_s=args.warmup,
            duration_s=args.duration / args.rounds,
            on_phase=on_phase,
        )
    )
    server.ensure_running()
    (cpu0, pg0, busy0, total0), (cpu1, pg1, busy1, total1) = readings["measure"], readings["done"]
    return result, cpu1 - cpu0, pg1 - pg0, commits["done"] - commits["measure"], busy1 - busy0, total1 - total0


def run(args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_urlsafe(32)
    with scratch_database() as db, ExitStack() as servers:
        tenant = asyncio.run(_tenant(db, secret))
        pool = {"SKCHAT_DB_POOL_MIN": "2", "SKCHAT_DB_POOL_MAX": str(args.pool_max)}
        service_env = {
            **base_env(),
            **pool,
            "SKCHAT_DATABASE_URL": db.owner_url,
            "SKCHAT_APP_ROLE": db.app_role,
            "SKCHAT_SECRET_KEY": secret,
            "SKCHAT_DATA_DIR": str(db.workdir / "data"),
            "SKCHAT_RATE_LIMIT_PER_SECOND": "1000000000",
            "SKCHAT_RATE_LIMIT_BURST": "1000000000",
            "SKCHAT_LOG_LEVEL": "warning",
            # The request path alone: the replies these messages cause are the worker's work, which an
            # API-only node leaves to `skchat worker` processes (SKCHAT_SERVE_WORKER, docs/scaling.md).
            "SKCHAT_SERVE_WORKER": "false",
            **args.extra_env,
        }
        baseline_env = {
            **base_env(),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "BENCH_BASELINE_DSN": db.owner_url,
            "BENCH_BASELINE_APP_ROLE": db.app_role,
            "BENCH_BASELINE_TENANT_ID": tenant["tenant_id"],
            "BENCH_BASELINE_POOL_MIN": "2",
            "BENCH_BASELINE_POOL_MAX": str(args.pool_max),
        }
        port = free_port()
        service = servers.enter_context(
            Server(
                "service", [*skchat_command(), "serve", "--port", str(port)], port=port, env=service_env, cwd=db.workdir
            )
        )
        port = free_port()
        baseline = servers.enter_context(
            Server(
                "baseline",
                [sys.executable, "-m", "bench.baseline", "--port", str(port)],
                port=port,
                env=baseline_env,
                cwd=db.workdir,
            )
        )
        # The demo store's taxonomy, so every message is classified against real intents.
        import_folder(DEMO_STORE, service.base_url, tenant["test_key"], console=Console(quiet=True))
        conversations = create_conversations(service.base_url, tenant["test_key"], args.conversations)
        httpx.post(
            f"{service.base_url}/chat/v1/conversations/{conversations[0]}/messages",
            content=MESSAGE,
            headers={"Authorization": f"Bearer {tenant['test_key']}", "Content-Type": "application/json"},
            timeout=120,
        ).raise_for_status()
        wait_until_idle(service)

        def path(n: int) -> str:
            return f"/chat/v1/conversations/{conversations[n % len(conversations)]}/messages"

        def request_for(n: int) -> tuple[str, str, bytes]:
            return "POST", path(n), MESSAGE

        examples = demo_examples()
        round_number = [0]  # each round numbers its requests from 0: the round keeps its texts new

        def new_text_for(n: int) -> tuple[str, str, bytes]:
            text = f"{examples[n % len(examples)]} (order {round_number[0]}-{n})"
            return "POST", path(n), orjson.dumps({"role": "customer", "text": text})

        headers = {"Authorization": f"Bearer {tenant['test_key']}", "Content-Type": "application/json"}
        totals = {name: load.Result() for name in TARGETS}
        cpu = dict.fromkeys(TARGETS, 0.0)
        postgres_cpu = dict.fromkeys(TARGETS, 0.0)
        commits = dict.fromkeys(TARGETS, 0)
        postgres = servers.enter_context(closing(PostgresCpu(db.admin_url, db.database)))
        machine = {"busy": 0.0, "total": 0.0}
        rounds: list[dict[str, Any]] = []
        targets = [("baseline", baseline, request_for), ("service", service, request_for)]
        if args.new_texts:
            targets.append(("new_texts", service, new_text_for))
        for number in range(1, args.rounds + 1):
            for name, server, requests in targets if number % 2 else targets[::-1]:
                print(f"  round {number}/{args.rounds}: {name} …", file=sys.stderr, flush=True)
                round_number[0] = number
                result, server_cpu, pg_cpu, committed, busy, total = measure(server, postgres, requests, headers, args)
                totals[name].merge(result)
                cpu[name] += server_cpu
                postgres_cpu[name] += pg_cpu
                commits[name] += committed
                machine["busy"] += busy
                machine["total"] += total
                rounds.append(
                    {
                        "round": number,
                        "target": name,
                        **result.summary(),
                        **cpu_summary(server_cpu, pg_cpu, committed, result),
                        "machine_cpu_busy_pct": round(100 * busy / total, 1) if total else None,
                    }
                )
        rss = {"baseline": baseline.rss_bytes(), "service": service.rss_bytes(), "new_texts": service.rss_bytes()}
        written = rows_written(db)
        env = environment(db)
    annotation = annotation_latency()

    base = totals["baseline"]

    def ratio_of(name: str) -> float:
        return totals[name].per_second / base.per_second if base.per_second else float("nan")

    ratio = ratio_of("service")
    return {
        "benchmark": "api",
        "endpoint": "POST /chat/v1/conversations/{id}/messages (customer message)",
        "settings": {
            "concurrency": args.concurrency,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "conversations": args.conversations,
            "pool_max": args.pool_max,
            "service_settings": args.extra_env,
        },
        "environment": env,
        **{
            name: {
                **totals[name].summary(),
                **cpu_summary(cpu[name], postgres_cpu[name], commits[name], totals[name]),
                "rss_mib": round(rss[name] / 2**20, 1),
            }
            for name in TARGETS
            if totals[name].requests or totals[name].errors
        },
        "machine_cpu_busy_pct": round(100 * machine["busy"] / machine["total"], 1) if machine["total"] else None,
        "ratio": round(ratio, 3),
        "ratio_new_texts": round(ratio_of("new_texts"), 3) if args.new_texts else None,
        "aim": AIM,
        "aim_met": ratio >= AIM,
        "rows_written": written,
        "annotation": annotation,
        "rounds_detail": rounds,
    }


def demo_intents() -> tuple[Any, ...]:
    from skchat.agent.types import IntentSpec

    raw = json.loads((DEMO_STORE / "intents.json").read_text())
    return tuple(IntentSpec(i["name"], i.get("description", ""), tuple(i.get("examples", ()))) for i in raw)


def demo_examples() -> list[str]:
    """The demo taxonomy's examples, in every language it has: what real customers of the store write."""
    return [example for intent in demo_intents() for example in intent.examples]


def annotation_latency() -> dict[str, Any]:
    """What annotation adds to a POST: the offline NLU's own time per message, measured in this process
    over the demo store's intent examples (the tenant's data, in every language it has)."""
    from skchat.agent.nlu import get_nlu

    intents = demo_intents()
    # Texts the NLU has never seen (its caches would answer the examples themselves).
    texts = [f"{example} (order KT{100000 + n})" for n, example in enumerate(demo_examples())]
    nlu = get_nlu("offline")
    nlu.annotate("warm up", intents)
    timings = []
    for text in texts:
        started = time.perf_counter()
        nlu.annotate(text, intents)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "messages": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 2),
    }


def report(results: dict[str, Any]) -> str:
    s, env = results["settings"], results["environment"]
    lines = [
        f"API benchmark: {results['endpoint']}",
        f"  concurrency {s['concurrency']}; measured {s['duration_s']:g} s per target in {s['rounds']} alternating"
        f" round(s), each after a {s['warmup_s']:g} s warm-up; pool max {s['pool_max']} on both servers",
        f"  messages rotate over {s['conversations']} conversations, so concurrent requests rarely wait on the"
        " same conversation's row lock",
        f"  {env['database']}; uvicorn with {env['uvicorn']}; Python {env['python']}",
        f"  {env['cpus']} CPU core(s) shared by PostgreSQL, both servers and this load generator",
        "",
        f"  {'':<10}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/req':>12}{'CPU %core':>11}{'PG ms/req':>11}{'PG tx/req':>11}{'RSS MiB':>9}",
    ]
    for name in [t for t in TARGETS if t in results]:
        r = results[name]
        lines.append(
            f"  {TARGETS[name]:<10}{r['requests']:>10}{r['errors']:>8}{r['requests_per_second']:>10.1f}"
            f"{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['server_cpu_ms_per_request']:>12.3f}"
            f"{r['server_cpu_pct_of_core']:>11.1f}{r['postgres_cpu_ms_per_request']:>11.3f}"
            f"{r['commits_per_request']:>11.2f}{r['rss_mib']:>9.1f}"
        )
    verdict = "met" if results["aim_met"] else "NOT met"
    lines += [
        "",
        "  CPU ms/req and CPU %core: the server process's own CPU time over the measured period;"
        " PG ms/req: PostgreSQL's",
        "  (all its processes: the backends of both servers' pools, whichever is driven, and its helpers);"
        " PG tx/req: transactions",
        "  committed in the database per request (pg_stat_database, which lags up to ~1 s); RSS: the server's"
        " resident memory at the end.",
        f"  Whole machine CPU busy while measuring: {results['machine_cpu_busy_pct']}%.",
        f"  service/baseline throughput: {results['ratio']:.2f}  (aim >= {results['aim']:.2f}: {verdict})",
    ]
    if results["ratio_new_texts"] is not None:
        lines += [
            "  'service' posts one repeated text: after the first, its annotation comes from the NLU's memo, as"
            " for any repeated",
            "  message. 'new texts' posts a text never seen before on every request, so each pays the whole"
            " annotation (an",
            f"  embedding, ~10 ms of CPU): new texts/baseline {results['ratio_new_texts']:.2f} (no aim; the"
            " annotation's own aim follows).",
        ]
    a = results["annotation"]
    lines += [
        f"  annotation (offline NLU, inside every customer POST): p50 {a['p50_ms']:.2f} ms, p99 {a['p99_ms']:.2f} ms"
        f" over {a['messages']} messages of the demo taxonomy (aim p50 < {ANNOTATION_AIM_MS:g} ms:"
        f" {'met' if a['p50_ms'] < ANNOTATION_AIM_MS else 'NOT met'});",
        f"  service RSS with the whole offline stack loaded: {results['service']['rss_mib']:.0f} MiB"
        f" (aim < 1024 MiB: {'met' if results['service']['rss_mib'] < 1024 else 'NOT met'})",
    ]
    for name in [t for t in TARGETS if t in results]:
        if results[name]["errors"]:
            lines.append(f"  {name} errors: {results[name]['error_kinds']}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    results = run(args)
    publish(report(results), results, args.json)
    if any(results[name]["errors"] for name in TARGETS if name in results):
        return 1
    if args.check and not results["aim_met"]:
        return 2
    return 0
