"""`python -m bench mcp`: MCP tool calls per second through a real MCP client, beside the same reads over REST.

Starts the service (`skchat serve`) on a fresh PostgreSQL database, loads the demo store through
the API and opens conversations, then drives, in turn and at a fixed concurrency, each tool
through the official MCP client (one `ClientSession` per worker, over Streamable HTTP) and the
equivalent REST calls (aiohttp), in alternating rounds. Prints calls/s, p50/p99 latency and the
server's CPU per call for each, and the MCP/REST throughput ratio. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from rich.console import Console

from bench import load
from bench.api import base_env, environment, skchat_command
from bench.harness import REPO, Server, free_port, machine_cpu_times, publish, scratch_database
from skchat.kit.db import Database
from skchat.knowledge.importer import import_folder
from skchat.tenancy.service import create_tenant

DEMO_STORE = REPO / "examples" / "demo-store"
QUERIES = ["cotton kurta", "silk saree for a wedding", "kids ethnic wear", "linen shirt", "dupatta", "gift box"]
TOOLS = ("search_catalog", "get_conversation")
# (tool, via) -> what one call is, for the report.
WHAT = {
    ("search_catalog", "rest"): "GET /chat/v1/catalog/search?q=…&limit=5",
    ("search_catalog", "mcp"): 'tools/call search_catalog {"query", "limit": 5}',
    ("get_conversation", "rest"): "GET /chat/v1/conversations/{id} + GET …/messages?order=desc&limit=100",
    ("get_conversation", "mcp"): 'tools/call get_conversation {"conversation_id"}',
}

# An operation for worker w, call number n: None when it succeeded, else what went wrong.
Op = Callable[[int, int], Awaitable[str | None]]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench mcp", description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=8, help="calls in flight at once (default 8)")
    parser.add_argument(
        "--duration", type=float, default=6.0, help="measured seconds per target, split over the rounds (default 6)"
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each round (default 1)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating REST/MCP rounds per tool (default 2)")
    parser.add_argument("--conversations", type=int, default=32, help="conversations read in turn (default 32)")
    parser.add_argument(
        "--modern",
        action="store_true",
        help="speak protocol revision 2026-07-28 (server/discover, one self-contained POST per call) instead of the"
        " initialize handshake of 2025-11-25",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 256 or not 1 <= args.rounds <= 20 or not 1 <= args.conversations <= 1000:
        parser.error("--concurrency must be 1..256, --rounds 1..20 and --conversations 1..1000")
    if not 0.5 <= args.duration <= 600 or not 0 <= args.warmup <= 120:
        parser.error("--duration must be 0.5..600 s and --warmup 0..120 s")
    return args


async def _tenant(owner_url: str, app_role: str, secret: str) -> dict[str, Any]:
    database = Database(owner_url, app_role=app_role, min_size=1, max_size=1)
    await database.connect()
    try:
        return await create_tenant(database, secret.encode(), "Bench Textiles")
    finally:
        await database.close()


def seed(base_url: str, key: str, count: int) -> list[str]:
    """The demo store's catalog and knowledge, and `count` conversations with a customer message and a reply."""
    summary = import_folder(DEMO_STORE, base_url, key, console=Console(quiet=True))
    if summary.failed:
        raise RuntimeError(f"importing the demo store failed: {summary.errors}")
    ids = []
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        for n in range(count):
            made = client.post("/chat/v1/conversations", json={"message": {"text": f"Do you have {QUERIES[n % 6]}?"}})
            made.raise_for_status()
            cid = made.json()["id"]
            reply = {"role": "agent", "text": "Yes: here is what we have."}
            client.post(f"/chat/v1/conversations/{cid}/messages", json=reply).raise_for_status()
            ids.append(cid)
    return ids


async def closed_loop(
    op: Op, *, concurrency: int, warmup_s: float, duration_s: float, on_phase: Callable[[str], None]
) -> load.Result:
    """`concurrency` workers, each starting its next call when the last one ends; a warm-up, then the measure."""
    counter = itertools.count()
    result = load.Result()
    measuring = False

    async def worker(w: int, stop_at: float) -> None:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                error = await op(w, next(counter))
            except Exception as exc:  # a transport or protocol failure is an error of this call, not of the run
                error = type(exc).__name__
            elapsed = time.perf_counter() - started
            if not measuring:
                continue
            if error is None:
                result.requests += 1
                result.latencies_s.append(elapsed)
            else:
                result.errors += 1
                result.error_kinds[error] += 1

    if warmup_s > 0:
        stop_at = time.perf_counter() + warmup_s
        await asyncio.gather(*(worker(w, stop_at) for w in range(concurrency)))
    on_phase("measure")
    measuring = True
    began = time.perf_counter()
    stop_at = began + duration_s
    await asyncio.gather(*(worker(w, stop_at) for w in range(concurrency)))
    result.seconds = time.perf_counter() - began
    on_phase("done")
    return result


@dataclass
class Totals:
    result: load.Result
    server_cpu_s: float = 0.0


def make_ops(rest: aiohttp.ClientSession, sessions: list[ClientSession], conversations: list[str]) -> dict[Any, Op]:
    async def rest_search(w: int, n: int) -> str | None:
        params = {"q": QUERIES[n % len(QUERIES)], "limit": "5"}
        async with rest.get("/chat/v1/catalog/search", params=params) as response:
            await response.read()
            return None if response.status == 200 else f"HTTP {response.status}"

    async def mcp_search(w: int, n: int) -> str | None:
        result = await sessions[w].call_tool("search_catalog", {"query": QUERIES[n % len(QUERIES)], "limit": 5})
        return "tool error" if result.is_error else None

    async def rest_conversation(w: int, n: int) -> str | None:
        cid = conversations[n % len(conversations)]
        async with rest.get(f"/chat/v1/conversations/{cid}") as response:
            await response.read()
            if response.status != 200:
                return f"HTTP {response.status}"
        params = {"order": "desc", "limit": "100"}
        async with rest.get(f"/chat/v1/conversations/{cid}/messages", params=params) as response:
            await response.read()
            return None if response.status == 200 else f"HTTP {response.status}"

    async def mcp_conversation(w: int, n: int) -> str | None:
        cid = conversations[n % len(conversations)]
        result = await sessions[w].call_tool("get_conversation", {"conversation_id": cid})
        return "tool error" if result.is_error else None

    return {
        ("search_catalog", "rest"): rest_search,
        ("search_catalog", "mcp"): mcp_search,
        ("get_conversation", "rest"): rest_conversation,
        ("get_conversation", "mcp"): mcp_conversation,
    }


async def check_equivalent(rest: aiohttp.ClientSession, session: ClientSession, cid: str) -> bool:
    """The two sides of a comparison answer the same data: the MCP answer is the REST answers combined."""
    async with rest.get(f"/chat/v1/conversations/{cid}") as response:
        conversation = await response.json()
    async with rest.get(f"/chat/v1/conversations/{cid}/messages", params={"order": "desc", "limit": "100"}) as r:
        newest = await r.json()
    result = await session.call_tool("get_conversation", {"conversation_id": cid})
    got = result.structured_content or {}
    expected = {**conversation, "messages": newest["data"][::-1], "messages_has_more": newest["has_more"]}
    async with rest.get("/chat/v1/catalog/search", params={"q": QUERIES[0], "limit": "5"}) as response:
        searched = await response.json()
    found = await session.call_tool("search_catalog", {"query": QUERIES[0], "limit": 5})
    return bool(got == expected and found.structured_content == searched and searched["data"])


async def measure_all(
    service: Server, key: str, conversations: list[str], args: argparse.Namespace
) -> tuple[dict[Any, Totals], list[dict[str, Any]], dict[str, float], bool]:
    totals = {target: Totals(load.Result()) for target in WHAT}
    rounds: list[dict[str, Any]] = []
    machine = {"busy": 0.0, "total": 0.0}
    headers = {"Authorization": f"Bearer {key}"}
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with (
        aiohttp.ClientSession(service.base_url, headers=headers, connector=connector) as rest,
        AsyncExitStack() as stack,
    ):
        sessions: list[ClientSession] = []
        for _ in range(args.concurrency):
            http = await stack.enter_async_context(httpx2.AsyncClient(headers=headers, timeout=30))
            read, write = await stack.enter_async_context(
                streamable_http_client(f"{service.base_url}/mcp", http_client=http)
            )
            session = await stack.enter_async_context(ClientSession(read, write))
            await (session.discover() if args.modern else session.initialize())
            sessions.append(session)
        equivalent = await check_equivalent(rest, sessions[0], conversations[0])
        ops = make_ops(rest, sessions, conversations)
        for number in range(1, args.rounds + 1):
            for tool in TOOLS:
                vias = ("rest", "mcp") if number % 2 else ("mcp", "rest")
                for via in vias:
                    print(f"  round {number}/{args.rounds}: {tool} via {via} …", file=sys.stderr, flush=True)
                    readings: dict[str, tuple[float, float, float]] = {}

                    def on_phase(phase: str, readings: dict[str, tuple[float, float, float]] = readings) -> None:
                        readings[phase] = (service.cpu_seconds(), *machine_cpu_times())

                    result = await closed_loop(
                        ops[(tool, via)],
                        concurrency=args.concurrency,
                        warmup_s=args.warmup,
                        duration_s=args.duration / args.rounds,
                        on_phase=on_phase,
                    )
                    service.ensure_running()
                    (cpu0, busy0, total0), (cpu1, busy1, total1) = readings["measure"], readings["done"]
                    totals[(tool, via)].result.merge(result)
                    totals[(tool, via)].server_cpu_s += cpu1 - cpu0
                    machine["busy"] += busy1 - busy0
                    machine["total"] += total1 - total0
                    rounds.append({"round": number, "tool": tool, "via": via, **result.summary()})
    return totals, rounds, machine, equivalent


def run(args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_urlsafe(32)
    with scratch_database("skchat_bench_mcp") as db:
        tenant = asyncio.run(_tenant(db.owner_url, db.app_role, secret))
        env = {
            **base_env(),
            "SKCHAT_DATABASE_URL": db.owner_url,
            "SKCHAT_APP_ROLE": db.app_role,
            "SKCHAT_SECRET_KEY": secret,
            "SKCHAT_DATA_DIR": str(db.workdir / "data"),
            "SKCHAT_RATE_LIMIT_PER_SECOND": "1000000000",
            "SKCHAT_RATE_LIMIT_BURST": "1000000000",
            "SKCHAT_LOG_LEVEL": "warning",
        }
        port = free_port()
        command = [*skchat_command(), "serve", "--port", str(port)]
        with Server("service", command, port=port, env=env, cwd=db.workdir) as service:
            conversations = seed(service.base_url, tenant["test_key"], args.conversations)
            totals, rounds, machine, equivalent = asyncio.run(
                measure_all(service, tenant["test_key"], conversations, args)
            )
            rss = service.rss_bytes()
        where = environment(db)

    targets: dict[str, Any] = {}
    for (tool, via), total in totals.items():
        r = total.result
        targets[f"{tool} {via}"] = {
            "what": WHAT[(tool, via)],
            **r.summary(),
            "server_cpu_ms_per_call": round(1000 * total.server_cpu_s / r.requests, 3) if r.requests else None,
        }
    ratios = {}
    for tool in TOOLS:
        rest, mcp = totals[(tool, "rest")].result.per_second, totals[(tool, "mcp")].result.per_second
        ratios[tool] = round(mcp / rest, 3) if rest else None
    return {
        "benchmark": "mcp",
        "settings": {
            "concurrency": args.concurrency,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "conversations": args.conversations,
            "protocol": "2026-07-28 (server/discover)" if args.modern else "2025-11-25 (initialize handshake)",
        },
        "environment": where,
        "equivalent_answers": equivalent,
        "targets": targets,
        "mcp_over_rest": ratios,
        "machine_cpu_busy_pct": round(100 * machine["busy"] / machine["total"], 1) if machine["total"] else None,
        "service_rss_mib": round(rss / 2**20, 1),
        "rounds_detail": rounds,
    }


def report(results: dict[str, Any]) -> str:
    s, env = results["settings"], results["environment"]
    lines = [
        "MCP benchmark: tool calls through the official MCP client vs the equivalent REST calls, same server and run",
        f"  concurrency {s['concurrency']} (one MCP session per worker, protocol {s['protocol']});"
        f" {s['duration_s']:g} s measured per target in {s['rounds']} alternating round(s), each after a"
        f" {s['warmup_s']:g} s warm-up",
        f"  {env['database']}; uvicorn with {env['uvicorn']}; Python {env['python']}; {env['cpus']} CPU core(s)"
        " shared by PostgreSQL, the server and this client",
        f"  answers equivalent (MCP result == REST result(s)): {'yes' if results['equivalent_answers'] else 'NO'}",
        "",
        f"  {'tool':<18}{'via':<6}{'calls':>8}{'errors':>8}{'calls/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'server CPU ms/call':>20}",
    ]
    for name, t in results["targets"].items():
        tool, via = name.split()
        cpu = t["server_cpu_ms_per_call"]
        lines.append(
            f"  {tool:<18}{via.upper():<6}{t['requests']:>8}{t['errors']:>8}{t['requests_per_second']:>10.1f}"
            f"{t['p50_ms']:>9.2f}{t['p99_ms']:>9.2f}{(cpu if cpu is not None else float('nan')):>20.3f}"
        )
    lines.append("")
    for name, t in results["targets"].items():
        lines.append(f"  {name}: {t['what']}")
    lines += [
        "",
        f"  Whole machine CPU busy while measuring: {results['machine_cpu_busy_pct']}%;"
        f" server RSS at the end: {results['service_rss_mib']} MiB.",
    ]
    for tool, ratio in results["mcp_over_rest"].items():
        lines.append(f"  MCP/REST throughput, {tool}: {ratio:.2f}" if ratio is not None else f"  {tool}: no REST calls")
    for name, t in results["targets"].items():
        if t["errors"]:
            lines.append(f"  {name} errors: {t['error_kinds']}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    results = run(args)
    publish(report(results), results, args.json)
    failed = any(t["errors"] for t in results["targets"].values())
    return 1 if failed or not results["equivalent_answers"] else 0
