"""The `skchat` command: serve, worker, migrate, tenant create, import, eval."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from skchat.config import Settings, get_settings

app = typer.Typer(help="SK Chat: customer conversations answered by an AI agent.", no_args_is_help=True)
tenant_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
console = Console(stderr=True)


def database_url(settings: Settings) -> str:
    """The configured database, or the embedded one (started on demand) when none is configured."""
    if settings.database_url:
        return settings.database_url
    from skchat import embedded

    console.print(f"[dim]No SKCHAT_DATABASE_URL: using the embedded PostgreSQL in {settings.resolved_data_dir()}[/]")
    return embedded.start(settings.resolved_data_dir())


def migrated_url(settings: Settings) -> str:
    from skchat.migrate import upgrade

    url = database_url(settings)
    upgrade(url, settings.app_role)
    return url


def run_event_loop(main: Coroutine[Any, Any, None]) -> None:
    """uvloop when installed (as `skchat serve` gets through uvicorn): the worker's delivery loop is
    mostly event-loop and socket work, which uvloop does in C."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it on every platform we ship for
        asyncio.run(main)
    else:
        uvloop.run(main)


def _exit_normally(signum: int, frame: object) -> None:
    raise SystemExit(0)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Run the API, the worker and the web assets (applies pending migrations first)."""
    import uvicorn

    from skchat.app import create_app
    from skchat.kit.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    url = migrated_url(settings)
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"[bold green]SK Chat[/] on http://{bind_host}:{bind_port}  (API under /chat/v1)")
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal with the handler it
    # found installed. Make that handler a normal exit, so atexit hooks (which stop the embedded
    # PostgreSQL) run and the exit status is 0.
    signal.signal(signal.SIGTERM, _exit_normally)
    uvicorn.run(
        create_app(settings, url, run_worker=settings.serve_worker),
        host=bind_host,
        port=bind_port,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=10,
    )


@app.command()
def worker() -> None:
    """Run the background worker alone (to scale out)."""
    from skchat.agent.registry import build_agent_services, warm
    from skchat.agent.registry import close as close_agent
    from skchat.kit import heap
    from skchat.kit.db import Database
    from skchat.kit.logging import configure_logging
    from skchat.worker import runner

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    url = migrated_url(settings)

    async def main() -> None:
        db = Database(url, app_role=settings.app_role, min_size=1, max_size=8)
        await db.connect()
        agent = build_agent_services(settings)
        await asyncio.to_thread(warm, agent)
        heap.settle_after_startup()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await runner.run(db, settings, stop, agent)
        finally:
            await close_agent(agent)
            await db.close()

    run_event_loop(main())


@app.command()
def migrate() -> None:
    """Apply pending database migrations."""
    migrated_url(get_settings())
    console.print("[green]Database is up to date.[/]")


@app.command()
def listen(
    key: Annotated[str, typer.Option("--key", envvar="SKCHAT_API_KEY", help="A secret key (sk_test_… or sk_live_…).")],
    forward_to: Annotated[
        str | None, typer.Option("--forward-to", help="Forward each event, signed, to this URL.")
    ] = None,
    api: Annotated[str | None, typer.Option(help="The SK Chat server (default: this machine's).")] = None,
    events: Annotated[str | None, typer.Option(help="Comma-separated event types to show (default: all).")] = None,
) -> None:
    """Print a tenant's events as they happen, and forward them as signed webhooks (like stripe listen)."""
    from skchat.kit.signing import new_secret
    from skchat.listen import run

    settings = get_settings()
    base = api or f"http://{settings.host}:{settings.port}"
    types = {t.strip() for t in events.split(",") if t.strip()} if events else None
    with contextlib.suppress(KeyboardInterrupt):
        run(base, key, forward_to, types, new_secret(), lambda line: typer.echo(line, err=False))


@app.command("import")
def import_(
    folder: Annotated[
        Path, typer.Argument(help="A store folder: store.json, intents.json, knowledge.jsonl, catalog.jsonl.")
    ],
    key: Annotated[str, typer.Option("--key", envvar="SKCHAT_API_KEY", help="A secret key (sk_test_… or sk_live_…).")],
    api: Annotated[str | None, typer.Option(help="The SK Chat server (default: this machine's).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=32, help="Requests in flight at once.")] = 4,
) -> None:
    """Load a store folder (demo-store format) through the API; running it again changes only what differs."""
    from skchat.kit.keys import key_mode
    from skchat.knowledge.folder import FolderError
    from skchat.knowledge.importer import ImportFailed, import_folder, print_summary

    if key_mode(key) is None:
        console.print("[red]--key must be a secret key: sk_test_… or sk_live_….[/]")
        raise typer.Exit(2)
    settings = get_settings()
    base = api or f"http://{settings.host}:{settings.port}"
    try:
        summary = import_folder(folder, base, key, console=console, concurrency=concurrency)
    except FolderError as exc:
        console.print(f"Cannot import {folder}: nothing was sent.", style="red", markup=False, soft_wrap=True)
        for problem in exc.problems:
            console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    except ImportFailed as exc:
        console.print(str(exc), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(summary.as_dict()))
    else:
        print_summary(summary, Console())
    if summary.failed:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    files: Annotated[
        list[Path], typer.Argument(help="Labelled jsonl files: messages (`text`) or conversation scripts (`turns`).")
    ],
    api: Annotated[
        str | None, typer.Option(help="An SK Chat server to measure (default: start one in this process).")
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="A secret key of that server (sk_test_… or sk_live_…).")
    ] = None,
    store: Annotated[
        Path | None, typer.Option(help="The store folder to import first (default: examples/demo-store).")
    ] = None,
    no_import: Annotated[bool, typer.Option("--no-import", help="Do not import the store (with --api).")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write every metric and row here.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Conversations in flight at once.")] = 2,
    timeout: Annotated[
        float, typer.Option(min=0.5, help="Seconds to wait for the agent's reaction to a message.")
    ] = 20.0,
    misses: Annotated[bool, typer.Option("--misses", help="Also list every miss.")] = False,
) -> None:
    """Measure the agent through the API: accuracy per field and language, facts, handoff, latency."""
    from skchat.evaluate.command import DEFAULT_STORE, Options, run
    from skchat.kit.keys import key_mode

    if key is not None and key_mode(key) is None:
        console.print("[red]--key must be a secret key: sk_test_… or sk_live_….[/]")
        raise typer.Exit(2)
    options = Options(files, api, key, store or DEFAULT_STORE, not no_import, json_out, concurrency, timeout, misses)
    raise typer.Exit(run(options, console))


@tenant_app.command("create")
def tenant_create(
    name: Annotated[str, typer.Argument(help="The tenant's (business's) name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create a tenant with its default agent and one test and one live key."""
    from skchat.kit.db import Database
    from skchat.tenancy.service import create_tenant

    settings = get_settings()
    url = migrated_url(settings)

    async def main() -> dict[str, str]:
        db = Database(url, app_role=settings.app_role, min_size=1, max_size=1)
        await db.connect()
        try:
            return await create_tenant(db, settings.resolved_secret_key(), name)
        finally:
            await db.close()

    created = asyncio.run(main())
    if as_json:
        keys = ("tenant_id", "agent_id", "test_key", "live_key", "live_agent_id")
        typer.echo(json.dumps({k: created[k] for k in keys}))
        return
    console.print(f"[bold]Tenant[/] {created['tenant_id']}  ({name})")
    console.print(f"  default agent (test): {created['agent_id']}")
    console.print(f"  default agent (live): {created['live_agent_id']}")
    console.print(f"  test key: {created['test_key']}")
    console.print(f"  live key: {created['live_key']}")
    console.print("[yellow]The keys are shown only now; keep them somewhere safe.[/]")


if __name__ == "__main__":
    app()
