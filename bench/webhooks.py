"""`python -m bench webhooks`: webhooks delivered per second and API-ack → received latency, beside a bare sender.

Starts, each in its own process on 127.0.0.1: a fast receiver (aiohttp.web, answers 204 and
records when each webhook-id arrived) and the service (`skchat serve`, its in-process worker
delivering). One endpoint, test mode, subscribed to `chat.conversation.created`; every
`POST /chat/v1/conversations` emits one. The baseline is the bare sending loop: this process
POSTing signed bodies of the same size to the same receiver as fast as it can. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from collections.abc import Coroutine
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import orjson

from bench.api import _tenant, base_env, environment, skchat_command
from bench.harness import REPO, PostgresCpu, Server, free_port, publish, scratch_database, settings_overrides
from skchat.kit import signing

AIM_RATIO = 0.50
AIM_P99_MS = 100.0
EVENT_TYPE = "chat.conversation.created"


# --------------------------------------------------------------------------- the receiver (a child process)


def receiver_main(port: int) -> None:
    """Answer 204 to every POST; record (webhook-id, conversation_id, arrival time) per path."""
    from aiohttp import web

    with_uvloop = True
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        with_uvloop = False

    records: dict[str, list[tuple[str, str | None, float]]] = {}
    sample: dict[str, bytes] = {}

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        at = time.time()
        try:
            conversation_id = orjson.loads(body).get("conversation_id")
        except orjson.JSONDecodeError:
            conversation_id = None
        records.setdefault(request.path, []).append((request.headers.get("webhook-id", ""), conversation_id, at))
        sample.setdefault(request.path, body)
        return web.Response(status=204)

    async def ready(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def count(request: web.Request) -> web.Response:
        got = records.get(request.query["path"], [])
        return web.json_response({"requests": len(got), "unique": len({r[0] for r in got})})

    async def stats(request: web.Request) -> web.Response:
        path = request.query["path"]
        body = sample.get(path, b"")
        return web.Response(
            body=orjson.dumps({"records": records.get(path, []), "sample_body": body.decode()}),
            content_type="application/json",
        )

    app = web.Application()
    app.router.add_get("/readyz", ready)
    app.router.add_get("/count", count)
    app.router.add_get("/stats", stats)
    app.router.add_post("/{tail:.*}", hook)
    web.run_app(
        app,
        host="127.0.0.1",
        port=port,
        print=None,
        access_log=None,
        loop=uvloop.new_event_loop() if with_uvloop else None,
    )


# --------------------------------------------------------------------------- helpers


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


class Bench:
    def __init__(
        self, service: Server, receiver: Server, key: str, workers: list[Server], postgres: PostgresCpu
    ) -> None:
        self.service = service
        self.postgres = postgres
        self.workers = workers
        self.receiver = receiver
        self.api = httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        self.auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.endpoint_id = ""

    def senders_cpu_seconds(self) -> float:
        """CPU used so far by the processes that deliver: the service and any extra workers."""
        return self.service.cpu_seconds() + sum(w.cpu_seconds() for w in self.workers)

    def point_to(self, path: str, *, disabled: bool | None = None) -> None:
        """Create the one endpoint, or move it to another receiver path (one path per phase)."""
        body: dict[str, Any] = {"url": self.receiver.base_url + path}
        if not self.endpoint_id:
            r = self.api.post("/chat/v1/webhook_endpoints", json={**body, "events": [EVENT_TYPE]})
            r.raise_for_status()
            self.endpoint_id = r.json()["id"]
            body = {}
        if disabled is not None:
            body["disabled"] = disabled
        if body:
            self.api.patch(f"/chat/v1/webhook_endpoints/{self.endpoint_id}", json=body).raise_for_status()

    def wait_received(self, path: str, count: int, timeout_s: float) -> dict[str, int]:
        deadline = time.monotonic() + timeout_s
        while True:
            got: dict[str, int] = httpx.get(f"{self.receiver.base_url}/count", params={"path": path}).json()
            if got["unique"] >= count or time.monotonic() > deadline:
                return got
            self.service.ensure_running()
            time.sleep(0.05)

    def records(self, path: str) -> tuple[list[tuple[str, str | None, float]], str]:
        data = httpx.get(f"{self.receiver.base_url}/stats", params={"path": path}, timeout=30).json()
        return [tuple(r) for r in data["records"]], data["sample_body"]

    async def create(self, count: int, concurrency: int) -> tuple[dict[str, float], float, float, int]:
        """POST `count` conversations, `concurrency` in flight: ({conversation: ack}, first send, last ack, errors)."""
        acks: dict[str, float] = {}
        errors = 0
        todo = iter(range(count))
        async with aiohttp.ClientSession(
            self.service.base_url, connector=aiohttp.TCPConnector(limit=concurrency)
        ) as http:

            async def worker() -> None:
                nonlocal errors
                for _ in todo:
                    async with http.post("/chat/v1/conversations", data=b"{}", headers=self.auth) as response:
                        body = await response.read()
                        if response.status != 201:
                            errors += 1
                            continue
                        acks[orjson.loads(body)["id"]] = time.time()

            started = time.time()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return acks, started, max(acks.values(), default=started), errors

    async def paced(self, rate: float, seconds: float) -> tuple[dict[str, float], int]:
        """Open loop: one POST every 1/rate s, each on its own task, for `seconds`: ({conversation_id: ack}, errors)."""
        acks: dict[str, float] = {}
        errors = 0
        async with aiohttp.ClientSession(self.service.base_url, connector=aiohttp.TCPConnector(limit=0)) as http:

            async def one() -> None:
                nonlocal errors
                async with http.post("/chat/v1/conversations", data=b"{}", headers=self.auth) as response:
                    body = await response.read()
                    if response.status != 201:
                        errors += 1
                        return
                    acks[orjson.loads(body)["id"]] = time.time()

            tasks = []
            start = time.monotonic()
            for n in range(int(rate * seconds)):
                delay = start + n / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one()))
            await asyncio.gather(*tasks)
        return acks, errors


async def bare_sender(url: str, body: bytes, count: int, concurrency: int) -> dict[str, Any]:
    """The baseline: sign and POST `count` bodies, `concurrency` in flight, as the worker's client does."""
    secret = signing.new_secret()
    errors = 0
    todo = iter(range(count))
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=15)) as http:

        async def worker() -> None:
            nonlocal errors
            for n in todo:
                headers = signing.headers([secret], f"evt_bench{n:08d}", int(time.time()), body)
                headers["Content-Type"] = "application/json"
                async with http.post(url, data=body, headers=headers, allow_redirects=False) as response:
                    await response.read()
                    if not 200 <= response.status < 300:
                        errors += 1

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "posts": count,
        "errors": errors,
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1),
        "cpu_ms_per_post": round(1000 * cpu / count, 3),
    }


# --------------------------------------------------------------------------- the run


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench webhooks", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=3000, help="events in the throughput phases (default 3000)")
    parser.add_argument("--concurrency", type=int, default=16, help="API writes in flight (default 16)")
    parser.add_argument("--rate", type=float, default=50.0, help="events/s in the latency phase (default 50)")
    parser.add_argument("--latency-seconds", type=float, default=6.0, help="length of the latency phase (default 6)")
    parser.add_argument("--baseline-posts", type=int, default=10000, help="posts per baseline round (default 10000)")
    parser.add_argument("--baseline-concurrency", type=int, default=64, help="baseline posts in flight (default 64)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SKCHAT_NAME=VALUE",
        help="an extra setting for the service (repeatable), e.g. --set SKCHAT_WEBHOOK_PER_ENDPOINT_CONCURRENCY=64",
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="extra `skchat worker` processes beside the service's own (default 0)"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON here")
    parser.add_argument("--check", action="store_true", help="exit 2 when an aim is missed")
    parser.add_argument("--receiver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 10 <= args.events <= 200_000 or not 1 <= args.concurrency <= 512:
        parser.error("--events must be 10..200000 and --concurrency 1..512")
    if not 0 <= args.workers <= 8:
        parser.error("--workers must be 0..8")
    if not 1 <= args.rate <= 5000 or not 1 <= args.latency_seconds <= 300:
        parser.error("--rate must be 1..5000 and --latency-seconds 1..300")
    if not 100 <= args.baseline_posts <= 1_000_000 or not 1 <= args.baseline_concurrency <= 1024:
        parser.error("--baseline-posts must be 100..1000000 and --baseline-concurrency 1..1024")
    args.extra_env = settings_overrides(parser, args.set)
    return args


def delivered(
    bench: Bench, path: str, acks: dict[str, float], timeout_s: float
) -> tuple[list[tuple[str, str | None, float]], dict[str, Any]]:
    """Wait for every event of `acks` at `path`; return the records and the counts."""
    got = bench.wait_received(path, len(acks), timeout_s)
    records, _ = bench.records(path)
    ours = [r for r in records if r[1] in acks]
    missing = len(acks) - len({r[1] for r in ours})
    return ours, {"received": got["requests"], "unique": got["unique"], "missing": missing}


PER_ENDPOINT = "SKCHAT_WEBHOOK_PER_ENDPOINT_CONCURRENCY"


def per_endpoint_concurrency(args: argparse.Namespace) -> int:
    """The service's requests in flight to the one endpoint: as many as the baseline keeps unless --set
    says otherwise (the default, 32, is a politeness limit for customers' endpoints, not a speed setting)."""
    return int(args.extra_env.get(PER_ENDPOINT, args.baseline_concurrency))


def run(args: argparse.Namespace) -> dict[str, Any]:
    secret = secrets.token_urlsafe(32)
    with scratch_database() as db, ExitStack() as servers:
        tenant = asyncio.run(_tenant(db, secret))
        port = free_port()
        receiver = servers.enter_context(
            Server(
                "receiver",
                [sys.executable, "-m", "bench", "webhooks", "--receiver", "--port", str(port)],
                port=port,
                env={
                    **base_env(),
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
                },
                cwd=db.workdir,
            )
        )
        port = free_port()
        service_env = {
            **base_env(),
            "SKCHAT_DATABASE_URL": db.owner_url,
            "SKCHAT_APP_ROLE": db.app_role,
            "SKCHAT_SECRET_KEY": secret,
            "SKCHAT_DATA_DIR": str(db.workdir / "data"),
            "SKCHAT_RATE_LIMIT_PER_SECOND": "1000000000",
            "SKCHAT_RATE_LIMIT_BURST": "1000000000",
            "SKCHAT_LOG_LEVEL": "warning",
            "SKCHAT_SERVE_WORKER": "true",
            PER_ENDPOINT: str(per_endpoint_concurrency(args)),
            **args.extra_env,
        }
        service = servers.enter_context(
            Server(
                "service", [*skchat_command(), "serve", "--port", str(port)], port=port, env=service_env, cwd=db.workdir
            )
        )
        # Extra delivery workers beside the one inside `serve`, as a deployment scales out.
        worker_argv = [*skchat_command(), "worker"]
        workers = [
            servers.enter_context(
                Server(f"worker{n}", worker_argv, port=0, env=service_env, cwd=db.workdir, ready_path=None)
            )
            for n in range(1, args.workers + 1)
        ]
        postgres = servers.enter_context(closing(PostgresCpu(db.admin_url, db.database)))
        bench = Bench(service, receiver, tenant["test_key"], workers, postgres)
        try:
            results = phases(bench, args)
        finally:
            bench.api.close()
        results["environment"] = environment(db)
    return results


def phases(bench: Bench, args: argparse.Namespace) -> dict[str, Any]:
    def say(text: str) -> None:
        print(f"  {text} …", file=sys.stderr, flush=True)

    def go(coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run(coro)

    timeout = max(60.0, args.events / 50)
    say("warm-up")
    bench.point_to("/warmup")
    acks, *_ = go(bench.create(100, args.concurrency))
    _, counts = delivered(bench, "/warmup", acks, timeout)
    if counts["missing"]:
        raise RuntimeError(f"warm-up: {counts['missing']} of 100 events never arrived:\n{bench.service.log_tail()}")
    _, body = bench.records("/warmup")
    body_bytes = body.encode()

    baseline_url = bench.receiver.base_url + "/baseline"
    baselines: list[dict[str, Any]] = []

    def baseline(round_: int) -> None:
        say(f"baseline round {round_}: {args.baseline_posts} signed POSTs, {args.baseline_concurrency} in flight")
        baselines.append(
            go(bare_sender(f"{baseline_url}{round_}", body_bytes, args.baseline_posts, args.baseline_concurrency))
        )

    baseline(1)

    say(f"live: {args.events} conversations, {args.concurrency} in flight, delivered as they commit")
    bench.point_to("/live")
    acks, first, last_ack, errors = go(bench.create(args.events, args.concurrency))
    records, counts = delivered(bench, "/live", acks, timeout)
    last = max((r[2] for r in records), default=first)
    live = {
        **counts,
        "api_errors": errors,
        "api_writes_per_second": round(len(acks) / (last_ack - first), 1),
        "seconds": round(last - first, 3),
        "deliveries_per_second": round(len({r[1] for r in records}) / (last - first), 1),
        "lag_after_last_ack_ms": round(1000 * (last - last_ack), 1),
    }

    say(f"backlog: {args.events} events while the endpoint is disabled, then enabled and drained")
    bench.point_to("/backlog", disabled=True)
    acks, _, _, errors = go(bench.create(args.events, args.concurrency))
    service_cpu, receiver_cpu = bench.senders_cpu_seconds(), bench.receiver.cpu_seconds()
    postgres_cpu, commits = bench.postgres.seconds(), bench.postgres.commits()
    enabled = time.time()
    bench.point_to("/backlog", disabled=False)
    enable_ms = 1000 * (time.time() - enabled)
    records, counts = delivered(bench, "/backlog", acks, timeout)
    service_cpu, receiver_cpu = bench.senders_cpu_seconds() - service_cpu, bench.receiver.cpu_seconds() - receiver_cpu
    postgres_cpu = bench.postgres.seconds() - postgres_cpu
    time.sleep(1.2)  # backends report their commits to pg_stat_database about once a second
    commits = bench.postgres.commits() - commits
    last = max((r[2] for r in records), default=enabled)
    first = min((r[2] for r in records), default=enabled)
    unique = len({r[1] for r in records})
    sent = unique or 1
    backlog = {
        **counts,
        "api_errors": errors,
        "seconds": round(last - enabled, 3),
        "deliveries_per_second": round(unique / (last - enabled), 1),
        # The PATCH that releases the held rows, and its response: part of the measured time above.
        "enable_request_ms": round(enable_ms, 1),
        "first_delivery_after_ms": round(1000 * (first - enabled), 1),
        # First arrival to last: the drain once under way (not the number compared with the aim).
        "under_way_per_second": round((sent - 1) / (last - first), 1) if last > first else None,
        # Of the whole phase, waiting for the last arrival included: an upper bound per delivery.
        "service_cpu_ms_per_delivery": round(1000 * service_cpu / sent, 3),
        "receiver_cpu_ms_per_delivery": round(1000 * receiver_cpu / sent, 3),
        "postgres_cpu_ms_per_delivery": round(1000 * postgres_cpu / sent, 3),
        "postgres_commits_per_delivery": round(commits / sent, 3),
    }

    say(f"latency: {args.rate:g} events/s for {args.latency_seconds:g} s")
    bench.point_to("/latency")
    acks, errors = go(bench.paced(args.rate, args.latency_seconds))
    records, counts = delivered(bench, "/latency", acks, timeout)
    first_arrival: dict[str, float] = {}
    for _, conversation_id, at in records:
        if conversation_id is not None:
            first_arrival[conversation_id] = min(at, first_arrival.get(conversation_id, at))
    lat_ms = [1000 * (first_arrival[c] - ack) for c, ack in acks.items() if c in first_arrival]
    latency = {
        **counts,
        "api_errors": errors,
        "events": len(acks),
        "rate": args.rate,
        "p50_ms": round(percentile(lat_ms, 0.50), 2),
        "p99_ms": round(percentile(lat_ms, 0.99), 2),
        "max_ms": round(max(lat_ms, default=float("nan")), 2),
        "before_ack": sum(1 for v in lat_ms if v < 0),
    }

    baseline(2)
    bench.service.ensure_running()

    base_rate = sum(b["posts"] for b in baselines) / sum(b["seconds"] for b in baselines)
    ratio_live = live["deliveries_per_second"] / base_rate
    ratio_backlog = backlog["deliveries_per_second"] / base_rate
    return {
        "benchmark": "webhooks",
        "settings": {
            "events": args.events,
            "concurrency": args.concurrency,
            "rate": args.rate,
            "latency_seconds": args.latency_seconds,
            "baseline_posts": args.baseline_posts,
            "baseline_concurrency": args.baseline_concurrency,
            "per_endpoint_concurrency": per_endpoint_concurrency(args),
            "extra_workers": args.workers,
            "body_bytes": len(body_bytes),
            "service_settings": args.extra_env,
        },
        "baseline": {"per_second": round(base_rate, 1), "rounds": baselines},
        "live": live,
        "backlog": backlog,
        "latency": latency,
        "ratio_live": round(ratio_live, 3),
        "ratio_backlog": round(ratio_backlog, 3),
        "aim_ratio": AIM_RATIO,
        "aim_p99_ms": AIM_P99_MS,
        "aim_ratio_met": ratio_backlog >= AIM_RATIO,
        "aim_p99_met": latency["p99_ms"] < AIM_P99_MS,
    }


def report(r: dict[str, Any]) -> str:
    s, env, live, backlog, lat = r["settings"], r["environment"], r["live"], r["backlog"], r["latency"]
    yes = {True: "met", False: "NOT met"}
    lines = [
        f"Webhooks benchmark: {EVENT_TYPE} events, one endpoint (test mode, loopback), body {s['body_bytes']} bytes",
        f"  {env['database']}; Python {env['python']}; {env['cpus']} CPU core(s) shared by PostgreSQL, the service,"
        " the receiver and this process",
        "",
        f"  baseline (bare signed POSTs, {s['baseline_concurrency']} in flight): {r['baseline']['per_second']:.0f}/s"
        f"  (rounds: {', '.join(str(b['per_second']) for b in r['baseline']['rounds'])};"
        f" errors {sum(b['errors'] for b in r['baseline']['rounds'])})",
        f"  live: {s['events']} API writes ({s['concurrency']} in flight) at {live['api_writes_per_second']:.0f}/s;"
        f" delivered {live['deliveries_per_second']:.0f}/s from first POST to last delivery"
        f" (last delivery {live['lag_after_last_ack_ms']:.0f} ms after the last ack); ratio {r['ratio_live']:.2f}",
        f"  backlog: {s['events']} held deliveries drained at {backlog['deliveries_per_second']:.0f}/s"
        f" ({s['per_endpoint_concurrency']} in flight per worker process; worker processes:"
        f" {1 + s['extra_workers']}); ratio {r['ratio_backlog']:.2f}",
        f"    from the enabling PATCH (answered in {backlog['enable_request_ms']:.0f} ms; first delivery after"
        f" {backlog['first_delivery_after_ms']:.0f} ms) to the last delivery; once under way (first to last"
        f" arrival) {backlog['under_way_per_second'] or 0:.0f}/s",
        f"    CPU per delivery: service{' and workers' if s['extra_workers'] else ''}"
        f" {backlog['service_cpu_ms_per_delivery']:.3f} ms, receiver"
        f" {backlog['receiver_cpu_ms_per_delivery']:.3f} ms, PostgreSQL"
        f" {backlog['postgres_cpu_ms_per_delivery']:.3f} ms ({backlog['postgres_commits_per_delivery']:.2f} commits)"
        " (baseline sender"
        f" {r['baseline']['rounds'][0]['cpu_ms_per_post']:.3f} ms per POST)",
        f"  latency at {lat['rate']:g} events/s ({lat['events']} events), API 201 received → webhook received:"
        f" p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms"
        f" ({lat['before_ack']} arrived before their 201 was read)",
        "",
        f"  delivery/baseline (backlog drain, the worker's own rate): {r['ratio_backlog']:.2f}"
        f"  (aim >= {AIM_RATIO:.2f}: {yes[r['aim_ratio_met']]});"
        f" live {r['ratio_live']:.2f} (bounded by the API write rate)",
        f"  p99 at moderate load: {lat['p99_ms']:.1f} ms  (aim < {AIM_P99_MS:g} ms: {yes[r['aim_p99_met']]})",
    ]
    for name in ("live", "backlog", "latency"):
        phase = r[name]
        if phase["missing"] or phase["api_errors"] or phase["received"] != phase["unique"]:
            lines.append(
                f"  {name}: {phase['missing']} missing, {phase['api_errors']} API errors,"
                f" {phase['received'] - phase['unique']} duplicate deliveries"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.receiver:
        receiver_main(args.port)
        return 0
    results = run(args)
    publish(report(results), results, args.json)
    failed = any(results[p]["missing"] or results[p]["api_errors"] for p in ("live", "backlog", "latency"))
    if failed or any(b["errors"] for b in results["baseline"]["rounds"]):
        return 1
    if args.check and not (results["aim_ratio_met"] and results["aim_p99_met"]):
        return 2
    return 0
