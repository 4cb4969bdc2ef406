"""`skchat import DIR --key sk_…`: load a store folder through the public API, safely re-runnable.

Everything goes through the real API with the caller's key, so authentication, scopes,
row-level security and idempotency apply exactly as for any client. The folder is read and
validated first (`knowledge/folder.py`); nothing is sent if any line is bad.

Re-runs are upserts, decided on the client: the importer lists what the tenant already has,
then for each record POSTs it when its id is new, PATCHes only the fields that differ when it
exists, and leaves it alone when it is the same (so a second run writes nothing and says so).
Intents go through `POST /intents`, which upserts by name. A 409 on create (someone made the
id meanwhile) falls back to the PATCH. Nothing is ever deleted: rows absent from the folder stay.

`store.json` sets the tenant's default agent the way `skchat tenant create` would have for a
store of that name: agent name "<store> assistant", widget title "<store>", `languages`; and
the greeting "Hi! Welcome to <store>. How can we help?" unless someone wrote their own. The
description is not stored: the API has no field for it, and its facts belong in articles.

Every write carries an Idempotency-Key, reused when it is retried (timeouts, 429, 5xx), so a
retried write never happens twice.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from skchat.agents.defaults import default_agent_fields
from skchat.knowledge.folder import Entry, Folder, Kind, Store, read_folder

API = "/chat/v1"
PATHS: dict[Kind, str] = {"intent": "/intents", "article": "/knowledge/articles", "item": "/catalog/items"}
LABELS: dict[Kind, str] = {
    "store": "store (default agent)",
    "intent": "intents",
    "article": "knowledge articles",
    "item": "catalog items",
}
RETRIES = 5
GENERATED_GREETING = re.compile(r"Hi! Welcome to .+\. How can we help\?")


class ImportFailed(Exception):
    """The import could not start (bad key, unreachable server); nothing was written."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


@dataclass
class Summary:
    counts: dict[Kind, Counts] = field(default_factory=lambda: {k: Counts() for k in LABELS})
    errors: list[str] = field(default_factory=list)
    # The server built this tenant's search index and intent model at the end of the import.
    agent_ready: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, kind: Kind, outcome: str, error: str | None = None) -> None:
        with self._lock:
            counts = self.counts[kind]
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if error is not None:
                self.errors.append(error)

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {k: vars(c) for k, c in self.counts.items()},
            "changed": self.changed,
            "failed": self.failed,
            "errors": self.errors,
            "agent_ready": self.agent_ready,
        }


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    text = f"{response.status_code} {body.get('code', '')}: {body.get('detail', '')}".strip()
    return text


class Api:
    """The few calls the importer makes, with retries that reuse each write's Idempotency-Key."""

    def __init__(self, client: httpx.Client, sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.sleep = sleep

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"Idempotency-Key": f"import-{uuid.uuid4()}"} if method != "GET" else {}
        for attempt in range(RETRIES):
            last = attempt == RETRIES - 1
            try:
                response = self.client.request(method, API + path, json=body, headers=headers)
            except httpx.TransportError:
                if last:
                    raise
                self.sleep(0.5 * 2**attempt)
                continue
            busy = response.status_code == 409 and _code(response) == "idempotency_key_in_use"
            if last or not (response.status_code in (429, 502, 503, 504) or busy):
                return response
            retry_after = response.headers.get("retry-after", "")
            self.sleep(float(retry_after) if retry_after.isdigit() else 0.5 * 2**attempt)
        raise AssertionError("unreachable")

    def walk(self, path: str) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            params = "?limit=100&order=asc" + (f"&cursor={cursor}" if cursor else "")
            response = self.call("GET", path + params)
            if response.status_code != 200:
                raise ImportFailed(f"GET {API}{path}: {_problem(response)}")
            page = response.json()
            yield from page["data"]
            if not page["has_more"]:
                return
            cursor = page["next_cursor"]


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("code", "")) if isinstance(body, dict) else ""


def _differences(entry: Entry, existing: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.body.items() if k not in ("id", "name") and existing.get(k) != v}


class Importer:
    def __init__(self, api: Api, summary: Summary, say: Callable[..., None]) -> None:
        self.api = api
        self.summary = summary
        self.say = say
        self.existing: dict[Kind, dict[str, dict[str, Any]]] = {}

    def fail(self, entry: Entry | None, kind: Kind, message: str) -> None:
        where = f"{entry.where} ({entry.key})" if entry is not None else LABELS[kind]
        error = f"{where}: {message}"
        self.summary.count(kind, "failed", error)
        self.say(f"[red]✗[/] {escape(error)}", soft_wrap=True)

    def load_existing(self) -> None:
        for kind in ("intent", "article", "item"):
            key = "name" if kind == "intent" else "id"
            self.existing[kind] = {obj[key]: obj for obj in self.api.walk(PATHS[kind])}

    def put(self, entry: Entry) -> None:
        """Create, update or leave alone one intent, article or item."""
        current = self.existing[entry.kind].get(entry.key)
        if current is not None and not _differences(entry, current):
            self.summary.count(entry.kind, "unchanged")
            return
        if entry.kind == "intent":
            response = self.api.call("POST", PATHS["intent"], entry.body)
            if response.status_code in (200, 201):
                self.summary.count(entry.kind, "created" if response.status_code == 201 else "updated")
            else:
                self.fail(entry, entry.kind, _problem(response))
            return
        if current is None:
            response = self.api.call("POST", PATHS[entry.kind], entry.body)
            if response.status_code == 201:
                self.summary.count(entry.kind, "created")
                return
            if response.status_code != 409 or _code(response) != "conflict":
                self.fail(entry, entry.kind, _problem(response))
                return
            found = self.api.call("GET", f"{PATHS[entry.kind]}/{entry.key}")  # created meanwhile: update it
            if found.status_code != 200:
                self.fail(entry, entry.kind, _problem(found))
                return
            current = found.json()
            if not _differences(entry, current):
                self.summary.count(entry.kind, "unchanged")
                return
        response = self.api.call("PATCH", f"{PATHS[entry.kind]}/{entry.key}", _differences(entry, current))
        if response.status_code == 200:
            self.summary.count(entry.kind, "updated")
        else:
            self.fail(entry, entry.kind, _problem(response))

    def put_store(self, store: Store) -> None:
        """Name the default agent after the store and give it the store's languages."""
        agent = next((a for a in self.api.walk("/agents") if a.get("is_default")), None)
        if agent is None:
            self.fail(None, "store", "this tenant has no default agent")
            return
        wanted: dict[str, Any] = {}
        if store.name:
            fields = default_agent_fields(store.name)
            wanted["name"] = fields["name"]
            if agent["greeting"] is None or GENERATED_GREETING.fullmatch(agent["greeting"]):
                wanted["greeting"] = fields["greeting"]
            wanted["widget"] = {"title": store.name}
        if store.languages:
            wanted["languages"] = store.languages
        changes = {
            k: v
            for k, v in wanted.items()
            if (agent["widget"].get("title") != v["title"] if k == "widget" else agent.get(k) != v)
        }
        if not changes:
            self.summary.count("store", "unchanged")
            return
        response = self.api.call("PATCH", f"/agents/{agent['id']}", changes)
        if response.status_code == 200:
            self.summary.count("store", "updated")
        else:
            self.fail(None, "store", f"PATCH {API}/agents/{agent['id']}: {_problem(response)}")


def check_key(api: Api, base: str) -> None:
    try:
        response = api.call("GET", "/intents?limit=1")
    except httpx.TransportError as exc:
        raise ImportFailed(f"Cannot reach the SK Chat API at {base}: {exc}") from exc
    if response.status_code in (401, 403):
        raise ImportFailed(f"The API key was refused: {_problem(response)}")
    if response.status_code != 200:
        raise ImportFailed(f"Unexpected answer from {base}{API}/intents: {_problem(response)}")


def run_import(
    folder: Folder,
    base: str,
    key: str,
    *,
    console: Console,
    concurrency: int = 4,
    transport: httpx.BaseTransport | None = None,
) -> Summary:
    """Upload a validated folder; returns what was created, updated, left alone, and what failed."""
    summary = Summary()
    headers = {"Authorization": f"Bearer {key}", "User-Agent": "skchat-import"}
    with httpx.Client(base_url=base, headers=headers, timeout=30, transport=transport) as client:
        api = Api(client)
        check_key(api, base)
        mode = "live" if key.startswith("sk_live_") else "test"
        console.print(f"Importing {escape(str(folder.path))} into {mode} mode at {escape(base)}", soft_wrap=True)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as progress:
            importer = Importer(api, summary, progress.console.print)
            importer.load_existing()
            task = progress.add_task("Importing", total=folder.total)

            def one(entry: Entry) -> None:
                try:
                    importer.put(entry)
                except httpx.TransportError as exc:
                    importer.fail(entry, entry.kind, f"request failed: {exc}")
                progress.advance(task)

            if folder.store is not None:
                progress.update(task, description=LABELS["store"])
                try:
                    importer.put_store(folder.store)
                except (httpx.TransportError, ImportFailed) as exc:
                    importer.fail(None, "store", str(exc))
                progress.advance(task)
            progress.update(task, description=LABELS["intent"])
            for entry in folder.intents:  # few, and an article may name one: before the rest
                one(entry)
            progress.update(task, description=f"{LABELS['article']} and {LABELS['item']}")
            with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
                list(pool.map(one, [*folder.articles, *folder.items]))
            # One search builds the server's index and intent model for this tenant now, so the
            # first customer message does not wait for it (a measurement, not part of the import).
            progress.update(task, description="Preparing the agent")
            with contextlib.suppress(httpx.HTTPError):
                summary.agent_ready = api.call("GET", "/knowledge/search?q=hello&limit=1").status_code == 200
            progress.update(task, description="Done")
    return summary


def import_folder(path: Path, base: str, key: str, *, console: Console, concurrency: int = 4) -> Summary:
    """Read and check the folder (FolderError), then upload it (ImportFailed if it cannot start)."""
    return run_import(read_folder(path), base, key, console=console, concurrency=concurrency)


def print_summary(summary: Summary, console: Console) -> None:
    table = Table(title="Import summary", title_justify="left")
    for column in ("", "created", "updated", "unchanged", "failed"):
        table.add_column(column, justify="left" if not column else "right")
    for kind, counts in summary.counts.items():
        if counts.created + counts.updated + counts.unchanged + counts.failed:
            table.add_row(
                LABELS[kind], str(counts.created), str(counts.updated), str(counts.unchanged), str(counts.failed)
            )
    console.print(table)
    if summary.failed:
        console.print(f"[red]{summary.failed} record(s) failed[/]; the rest were imported. Fix them and run again.")
    elif summary.changed:
        console.print(f"[green]Imported: {summary.changed} record(s) created or updated.[/]")
    else:
        console.print("[green]Nothing changed: the tenant already holds everything in this folder.[/]")
    if summary.agent_ready:
        console.print("The agent is ready for this tenant: its search index and intent model are built.")
