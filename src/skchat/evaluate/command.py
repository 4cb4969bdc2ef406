"""`skchat eval FILE.jsonl …`: read the files, find or start a service, import the store, run, report.

Exit status: 0 when everything ran (whatever the numbers: it is a measurement, not a gate),
1 when something failed to run (the service, the import, an API call), 2 for bad arguments or files.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from skchat.evaluate.data import DataError, Dataset, read_files
from skchat.evaluate.metrics import judge_message, judge_script, score_messages, score_scripts
from skchat.evaluate.report import print_report, write_json
from skchat.evaluate.runner import ApiError, Client, Runner
from skchat.knowledge.folder import Folder, FolderError, read_folder

# The demo store shipped in the repository (a copy of shared/data/demo-store).
DEFAULT_STORE = Path(__file__).resolve().parents[3] / "examples" / "demo-store"


@dataclass(frozen=True)
class Options:
    files: list[Path]
    api: str | None = None
    key: str | None = None
    store: Path = DEFAULT_STORE
    import_store: bool = True
    json_out: Path | None = None
    concurrency: int = 2
    timeout_s: float = 20.0
    misses: bool = False


class EvalFailed(Exception):
    """Something the evaluation needs could not be done (exit status 1)."""


async def evaluate(
    base_url: str, key: str, dataset: Dataset, *, concurrency: int, timeout_s: float, console: Console
) -> dict[str, Any]:
    """Run every message and script of `dataset` through the API at `base_url`; score them."""
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=concurrency + 4)
    # Generous: the first POST for a tenant builds its models inside the request, slowly on a busy machine.
    timeout = httpx.Timeout(120.0, connect=10.0)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, limits=limits) as http:
        client = Client(http)
        runner = Runner(client, timeout_s=timeout_s, concurrency=concurrency)
        # The first customer message a server process sees for a tenant pays for building that tenant's
        # models (intent classifier, search index) inside the POST: timed here, apart, and reported as the
        # cold start, so that the latencies of the labelled rows are the steady state.
        out: dict[str, Any] = {"cold_start": await runner.cold_start()}
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            out.update(messages=None, conversations=None)
            if dataset.messages:
                task = progress.add_task("messages", total=len(dataset.messages))
                results = await runner.messages(dataset.messages, lambda: progress.advance(task))
                judged = [judge_message(r) for r in results]
                out["messages"] = {**score_messages(judged), "rows": judged}
            if dataset.scripts:
                task = progress.add_task("conversations", total=len(dataset.scripts))
                scripts = await runner.scripts(dataset.scripts, lambda: progress.advance(task))
                judged = [judge_script(s) for s in scripts]
                out["conversations"] = {**score_scripts(judged), "scripts": judged}
    return out


def import_store(folder: Folder, base_url: str, key: str, console: Console) -> dict[str, Any]:
    from skchat.knowledge.importer import ImportFailed, run_import

    try:
        summary = run_import(folder, base_url, key, console=console)
    except ImportFailed as exc:
        raise EvalFailed(str(exc)) from exc
    if summary.failed:
        raise EvalFailed(f"importing {folder.path}: {summary.failed} record(s) failed: {summary.errors[:3]}")
    return summary.as_dict()


def _local(stack: ExitStack, console: Console, tenant_name: str) -> tuple[str, str, str]:
    """Start the service in this process over the configured (or embedded) database; a fresh tenant."""
    from skchat.cli import migrated_url
    from skchat.config import get_settings
    from skchat.evaluate.local import local_service

    settings = get_settings()
    where = "SKCHAT_DATABASE_URL" if settings.database_url else f"embedded PostgreSQL in {settings.resolved_data_dir()}"
    url = migrated_url(settings)
    console.print("[dim]Starting the service in-process (loading the models)…[/]")
    try:
        service = stack.enter_context(local_service(settings, url, where, tenant_name))
    except RuntimeError as exc:
        raise EvalFailed(str(exc)) from exc
    console.print(f"[dim]Service on {service.base_url}, fresh tenant {service.tenant_id} (test mode).[/]")
    return service.base_url, service.key, where


def _configured_server() -> str:
    from skchat.config import get_settings

    settings = get_settings()
    return f"http://{settings.host}:{settings.port}"


@dataclass(frozen=True)
class Prepared:
    dataset: Dataset
    folder: Folder | None
    tenant_name: str  # for a fresh tenant: the store's name, as its owner would have named it


def prepare(options: Options, console: Console) -> Prepared | None:
    """Read and check the files and the store folder before anything starts (None: say why, exit 2)."""
    try:
        dataset = read_files(options.files)
    except DataError as exc:
        console.print(f"Cannot evaluate: {exc}", style="red", markup=False, soft_wrap=True)
        return None
    if options.api is not None and options.key is None:
        console.print("--api needs --key (a secret key of that server).", style="red")
        return None
    folder = None
    if options.import_store:
        try:
            folder = read_folder(options.store)
        except FolderError as exc:
            console.print(f"Cannot import {options.store}:", style="red", markup=False, soft_wrap=True)
            for problem in exc.problems:
                console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
            return None
    name = folder.store.name if folder and folder.store and folder.store.name else "skchat eval"
    return Prepared(dataset, folder, name)


def measure(
    options: Options, prepared: Prepared, base_url: str, key: str, *, local: bool, database: str, console: Console
) -> dict[str, Any]:
    """Import the store (unless told not to), run everything through the API, return the full report."""
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    imported = import_store(prepared.folder, base_url, key, console) if prepared.folder is not None else None
    results = asyncio.run(
        evaluate(
            base_url,
            key,
            prepared.dataset,
            concurrency=options.concurrency,
            timeout_s=options.timeout_s,
            console=console,
        )
    )
    return {
        "run": {
            "started_at": started_at.isoformat(timespec="seconds"),
            "duration_s": round(time.perf_counter() - started, 2),
            "api": base_url,
            "local": local,
            "database": database,
            "files": prepared.dataset.files,
            "store": str(prepared.folder.path) if prepared.folder is not None else None,
            "import": imported,
            "concurrency": options.concurrency,
            "timeout_s": options.timeout_s,
        },
        **results,
    }


def finish(report: dict[str, Any], options: Options, console: Console, out: Console) -> int:
    """Print the tables, write the JSON; 1 if some row failed to run."""
    print_report(report, out, misses=options.misses)
    if options.json_out is not None:
        write_json(report, options.json_out)
        console.print(f"[dim]Wrote {options.json_out}[/]")
    failed = sum((report[kind] or {}).get("errors", 0) for kind in ("messages", "conversations"))
    if failed:
        console.print(f"[red]{failed} message(s) or script(s) failed to run; see the JSON for the errors.[/]")
        return 1
    return 0


def run(options: Options, console: Console, out: Console | None = None) -> int:
    """The whole `skchat eval`: 0 when it ran, 1 when something failed to run, 2 for bad input."""
    prepared = prepare(options, console)
    if prepared is None:
        return 2
    try:
        with ExitStack() as stack:
            if options.key is not None:
                base_url, key, database = options.api or _configured_server(), options.key, "remote"
            else:
                base_url, key, database = _local(stack, console, prepared.tenant_name)
            report = measure(
                options, prepared, base_url, key, local=options.key is None, database=database, console=console
            )
    except (EvalFailed, ApiError) as exc:
        console.print(f"Evaluation failed: {exc}", style="red", markup=False, soft_wrap=True)
        return 1
    return finish(report, options, console, out or Console())
