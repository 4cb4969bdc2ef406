"""Driving the real API: each labelled message in a conversation of its own, each script turn by turn.

Everything goes through the public API with one secret key, like any integration: the customer
message is POSTed (its 201 carries the annotation), then the conversation's events are polled
until the agent reacts: `chat.message.sent` from the AI (the reply, with its `sources`), or
`chat.handoff.requested` (the agent stood down; the handoff notice that follows is not a reply),
or the timeout passes. A reaction belongs to the customer message when it is the first such event
after that message's `chat.message.received` in the conversation's `sequence`.

`--concurrency` conversations run at once; the turns of one script always go one after another.
429 and 503 answers are retried after `Retry-After`, with the same Idempotency-Key, so a retried
POST never makes a second message.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import httpx

from skchat.evaluate.data import LabelledMessage, Script
from skchat.evaluate.outcomes import Annotated, MessageResult, Reaction, ScriptResult, TurnResult

API = "/chat/v1"
RETRIES = 5
FIRST_POLL_S = 0.02
MAX_POLL_S = 0.2

T = TypeVar("T")
Progress = Callable[[], None]


class ApiError(Exception):
    """The API answered with an error, or could not be reached."""


class Client:
    """The few calls the evaluation makes, retried (with the same Idempotency-Key) when that is safe.

    Transport errors are retried a few times; 429 and 503 after `Retry-After`; 409
    `idempotency_key_in_use` (our own first attempt still running in the server, e.g. a POST
    that timed out here while the server built a tenant's models) until it has finished, when
    the server replays its answer. All within `patience_s`.
    """

    def __init__(self, http: httpx.AsyncClient, patience_s: float = 180.0) -> None:
        self.http = http
        self.patience_s = patience_s

    async def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": f"eval-{uuid.uuid4()}"} if method != "GET" else {}
        deadline = time.monotonic() + self.patience_s
        failures = 0
        while True:
            delay = min(0.1 * 2**failures, 2.0)
            try:
                response = await self.http.request(method, API + path, json=body, params=params, headers=headers)
            except httpx.TransportError as exc:
                failures += 1
                if failures >= RETRIES or time.monotonic() + delay > deadline:
                    raise ApiError(f"{method} {path}: {exc!r}") from exc
                await asyncio.sleep(delay)
                continue
            if _retryable(response) and time.monotonic() + delay < deadline:
                failures += 1
                await asyncio.sleep(_retry_after(response, delay))
                continue
            if response.status_code >= 400:
                raise ApiError(f"{method} {path}: {_problem(response)}")
            data: dict[str, Any] = response.json()
            return data

    async def events(self, conversation_id: str) -> list[dict[str, Any]]:
        """All of one conversation's events, in `sequence` order."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"conversation_id": conversation_id, "order": "asc", "limit": 100}
        while True:
            page = await self.call("GET", "/events", params=params)
            found.extend(page["data"])
            if not page.get("has_more"):
                break
            params["cursor"] = page["next_cursor"]
        return sorted(found, key=lambda e: (e.get("sequence") or 0, e["created_at"]))


def _retryable(response: httpx.Response) -> bool:
    if response.status_code in (429, 503):
        return True
    if response.status_code == 409:
        try:
            return bool(response.json().get("code") == "idempotency_key_in_use")
        except (ValueError, AttributeError):
            return False
    return False


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", default)), 0.05), 10.0)
    except ValueError:
        return default


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return f"{response.status_code} {body.get('code', '')}: {body.get('detail', '')}"
    return f"HTTP {response.status_code}"


def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def reaction_to(events: Sequence[dict[str, Any]], message_id: str) -> Reaction | None:
    """The agent's first reaction after the customer message `message_id`, if it has come yet."""
    received: dict[str, Any] | None = None
    for event in events:
        if received is None:
            if event["type"] == "chat.message.received" and event.get("message_id") == message_id:
                received = event
            continue
        if event["type"] == "chat.handoff.requested":
            return Reaction(
                "handoff",
                reason=event.get("reason"),
                detail=event.get("detail"),
                server_ms=_elapsed_ms(received, event),
            )
        if event["type"] == "chat.message.received":
            return None  # the next customer message came first: no reaction to this one (yet)
        if event["type"] == "chat.message.sent" and (event.get("sender") or {}).get("type") == "ai":
            return Reaction(
                "reply",
                text=event.get("text"),
                lang=event.get("lang"),
                sources=tuple((s["type"], s["id"]) for s in event.get("sources") or ()),
                server_ms=_elapsed_ms(received, event),
            )
    return None


def _elapsed_ms(start: dict[str, Any], end: dict[str, Any]) -> float:
    return round((_instant(end["created_at"]) - _instant(start["created_at"])).total_seconds() * 1000, 1)


def sentiment_changes(events: Sequence[dict[str, Any]], turn_of: dict[str, int]) -> list[dict[str, Any]]:
    """`chat.sentiment.changed` events, each with the index of the turn whose message caused it."""
    return [
        {
            "turn": turn_of.get(e.get("message_id") or ""),
            "from": e.get("from"),
            "to": e.get("to"),
            "score": e.get("score"),
        }
        for e in events
        if e["type"] == "chat.sentiment.changed"
    ]


class Runner:
    def __init__(self, client: Client, *, timeout_s: float, concurrency: int) -> None:
        self.client = client
        self.timeout_s = timeout_s
        self.concurrency = concurrency
        self.run_id = secrets.token_hex(4)

    def _contact(self, name: str) -> dict[str, str]:
        return {"external_id": f"eval-{self.run_id}-{name}"[:200], "name": f"eval {name}"[:200]}

    async def _post_first(self, name: str, text: str) -> tuple[dict[str, Any], dict[str, Any], float, float]:
        """A new conversation (with a new contact) holding the message: (conversation, message, ms, started)."""
        started = time.perf_counter()
        body = {"contact": self._contact(name), "message": {"text": text}}
        conversation = await self.client.call("POST", "/conversations", body)
        post_ms = (time.perf_counter() - started) * 1000
        return conversation, conversation["messages"][0], post_ms, started

    async def _post_next(self, conversation_id: str, text: str) -> tuple[dict[str, Any], float, float]:
        started = time.perf_counter()
        body = {"role": "customer", "text": text}
        message = await self.client.call("POST", f"/conversations/{conversation_id}/messages", body)
        return message, (time.perf_counter() - started) * 1000, started

    async def wait_for_reaction(
        self, conversation_id: str, message_id: str, started: float
    ) -> tuple[Reaction, list[dict[str, Any]]]:
        """Poll the conversation's events until the agent reacts to the message, or the timeout passes."""
        deadline = started + self.timeout_s
        delay = FIRST_POLL_S
        while True:
            events = await self.client.events(conversation_id)
            found = reaction_to(events, message_id)
            now = time.perf_counter()
            if found is not None:
                observed = round((now - started) * 1000, 1)
                return replace(found, observed_ms=observed), events
            if now >= deadline:
                return Reaction("timeout"), events
            await asyncio.sleep(min(delay, max(deadline - now, 0.0)))
            delay = min(delay * 1.5, MAX_POLL_S)

    async def cold_start(self) -> dict[str, Any]:
        """One unlabelled greeting in a conversation of its own: (POST ms, reaction) before measuring."""
        conversation, message, post_ms, started = await self._post_first("warm-up", "Hello")
        reaction, _ = await self.wait_for_reaction(conversation["id"], message["id"], started)
        return {
            "post_ms": round(post_ms, 1),
            "reaction": reaction.kind,
            "reply_ms": reaction.server_ms,
            "conversation_id": conversation["id"],
        }

    async def message(self, row: LabelledMessage) -> MessageResult:
        result = MessageResult(row)
        try:
            conversation, message, result.post_ms, started = await self._post_first(row.id, row.text)
            result.conversation_id, result.message_id = conversation["id"], message["id"]
            result.annotated = Annotated.of(message)
            result.reaction, _ = await self.wait_for_reaction(conversation["id"], message["id"], started)
        except ApiError as exc:
            result.error = str(exc)
        except Exception as exc:  # an answer of an unexpected shape: this row failed to run, the others go on
            result.error = repr(exc)
        return result

    async def script(self, script: Script) -> ScriptResult:
        result = ScriptResult(script)
        turn_of: dict[str, int] = {}
        events: list[dict[str, Any]] = []
        try:
            for index, text in enumerate(script.turns):
                turn = TurnResult(index, text)
                if result.conversation_id is None:
                    conversation, message, turn.post_ms, started = await self._post_first(script.id, text)
                    result.conversation_id = conversation["id"]
                else:
                    message, turn.post_ms, started = await self._post_next(result.conversation_id, text)
                turn.message_id, turn.annotated = message["id"], Annotated.of(message)
                turn_of[message["id"]] = index
                turn.reaction, events = await self.wait_for_reaction(result.conversation_id, message["id"], started)
                result.turns.append(turn)
                if turn.reaction.kind == "handoff":
                    break  # the agent stood down: a person would answer the rest
            if result.conversation_id is not None:
                events = await self.client.events(result.conversation_id)
            result.sentiment_changes = sentiment_changes(events, turn_of)
        except ApiError as exc:
            result.error = str(exc)
        except Exception as exc:  # an answer of an unexpected shape: this row failed to run, the others go on
            result.error = repr(exc)
        return result

    async def run_all(self, jobs: Sequence[Callable[[], Awaitable[T]]], progress: Progress | None = None) -> list[T]:
        """Run the jobs, `concurrency` at a time, keeping their order in the result."""
        gate = asyncio.Semaphore(self.concurrency)

        async def one(job: Callable[[], Awaitable[T]]) -> T:
            async with gate:
                done = await job()
            if progress is not None:
                progress()
            return done

        return list(await asyncio.gather(*(one(job) for job in jobs)))

    async def messages(self, rows: Sequence[LabelledMessage], progress: Progress | None = None) -> list[MessageResult]:
        return await self.run_all([partial(self.message, row) for row in rows], progress)

    async def scripts(self, scripts: Sequence[Script], progress: Progress | None = None) -> list[ScriptResult]:
        return await self.run_all([partial(self.script, s) for s in scripts], progress)
