"""The agent's worker: claims reply jobs and answers, never from the request.

Per job: read the conversation, the message and recent history in one short transaction;
retrieve and compose outside any transaction (a hosted model may take seconds); then, in a
second transaction with the conversation locked, check it is still `open` (the server-side
silence after a handoff: a job queued before a handoff sends nothing) and store the reply and
its `chat.message.sent`, or stand down after too many unanswered questions.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from prometheus_client import Counter, Histogram

from skchat.agent import jobs, notices, policy
from skchat.agent.replies.offline import gather_hits
from skchat.agent.services import AgentServices
from skchat.agent.types import Annotation, Draft, Turn
from skchat.agents import repository as agents
from skchat.config import Settings
from skchat.conversations import repository as conversations
from skchat.conversations.handoff import stand_down
from skchat.events.service import emit
from skchat.kit.db import Database, Record, TenantScope
from skchat.kit.ids import new_id
from skchat.messages import repository as messages
from skchat.messages.repository import NewMessage
from skchat.messages.schemas import render as render_message
from skchat.messages.service import sent_event

log = structlog.get_logger("skchat.agent")

REPLIES = Counter("skchat_agent_replies_total", "Agent jobs finished", ["kind", "outcome"])
REPLY_SECONDS = Histogram(
    "skchat_agent_reply_seconds",
    "From claiming a reply job to storing the reply",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
HISTORY = 10
MAX_ATTEMPTS = 5


class AgentRunner:
    def __init__(self, db: Database, settings: Settings, services: AgentServices, concurrency: int = 4) -> None:
        self.db = db
        self.settings = settings
        self.services = services
        self.concurrency = concurrency
        self.lease_s = settings.llm_timeout_s * 3 + 30  # a crashed worker's job is retried after this
        self.running: set[asyncio.Task[None]] = set()
        self.wake = asyncio.Event()

    def _on_notify(self, *_: object) -> None:
        self.wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        listener = await self.db.pool.acquire()
        await listener.add_listener(jobs.CHANNEL, self._on_notify)
        try:
            while not stop.is_set():
                self.wake.clear()
                free = self.concurrency - len(self.running)
                claimed: list[Record] = []
                if free > 0:
                    try:
                        async with self.db.pool.acquire() as conn:
                            claimed = await jobs.claim(conn, free, self.lease_s)
                    except Exception:
                        log.exception("claiming agent jobs failed")
                for job in claimed:
                    task = asyncio.create_task(self._run_job(job))
                    self.running.add(task)
                    task.add_done_callback(self._done)
                if claimed and len(claimed) >= free:
                    await asyncio.sleep(0)
                    continue
                waits = [asyncio.ensure_future(self.wake.wait()), asyncio.ensure_future(stop.wait())]
                await asyncio.wait(waits, timeout=self.settings.webhook_poll_interval_s, return_when="FIRST_COMPLETED")
                for w in waits:
                    w.cancel()
        finally:
            if self.running:
                await asyncio.wait(self.running, timeout=5)
            with contextlib.suppress(Exception):
                await listener.remove_listener(jobs.CHANNEL, self._on_notify)
            await self.db.pool.release(listener)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.running.discard(task)
        self.wake.set()

    async def _run_job(self, job: Record) -> None:
        scope = TenantScope(job["tenant_id"], job["livemode"])
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            if job["kind"] == "handoff_notice":
                outcome = await self._handoff_notice(scope, job)
            else:
                outcome = await self._reply(scope, job)
            REPLIES.labels(job["kind"], outcome).inc()
            REPLY_SECONDS.observe(loop.time() - started)
        except Exception as exc:
            log.exception("agent job failed", job_id=job["id"], attempt=job["attempts"])
            REPLIES.labels(job["kind"], "error").inc()
            async with self.db.transaction(scope) as conn:
                if job["attempts"] >= MAX_ATTEMPTS:
                    await jobs.finish(conn, scope, job["id"], "failed", repr(exc)[:500])
                else:
                    await jobs.retry_later(conn, scope, job["id"], 2.0 ** job["attempts"], repr(exc)[:500])

    async def _handoff_notice(self, scope: TenantScope, job: Record) -> str:
        async with self.db.transaction(scope) as conn:
            conversation = await conversations.get(conn, scope, job["conversation_id"], lock=True)
            message = await messages.get(conn, scope, job["message_id"])
            if conversation is None or message is None or conversation["status"] != "handoff":
                await jobs.finish(conn, scope, job["id"], "done", "skipped: no longer waiting for a person")
                return "skipped"
            text, lang = notices.handoff_notice(message["lang"])
            await self._send(conn, scope, conversation, Draft(text, (), True, lang), message["intent"])
            await jobs.finish(conn, scope, job["id"], "done")
        return "sent"

    async def _reply(self, scope: TenantScope, job: Record) -> str:
        async with self.db.transaction(scope) as conn:
            conversation = await conversations.get(conn, scope, job["conversation_id"])
            message = await messages.get(conn, scope, job["message_id"])
            if conversation is None or message is None or conversation["status"] != "open":
                await jobs.finish(conn, scope, job["id"], "done", "skipped: the AI is not active")
                return "silent"
            history = [
                Turn("customer" if m["role"] == "customer" else "agent", m["text"])
                for m in await messages.recent(conn, scope, conversation["id"], HISTORY, before=message["created_at"])
                if m["role"] != "note"
            ]
            corpus, retriever = await self.services.corpus.get(conn, scope)
        annotation = Annotation(
            lang=message["lang"] or "en",
            intent=message["intent"],
            confidence=message["confidence"] or 0.0,
            sentiment=message["sentiment"] or "neutral",
            sentiment_score=message["sentiment_score"] or 0.0,
        )
        hits = await asyncio.to_thread(gather_hits, retriever, message["text"], annotation, history)
        draft = await self.services.replies.generate(message["text"], annotation, hits, corpus, history)

        async with self.db.transaction(scope) as conn:
            conversation = await conversations.get(conn, scope, job["conversation_id"], lock=True)
            if conversation is None or conversation["status"] != "open":
                await jobs.finish(conn, scope, job["id"], "done", "skipped: a person took over meanwhile")
                return "silent"
            unanswered = 0 if draft.answered else conversation["unanswered_count"] + 1
            await conversations.update(conn, scope, conversation["id"], {"unanswered_count": unanswered})
            agent = await agents.get(conn, scope, conversation["agent_id"])
            decision = policy.after_unanswered(unanswered, policy.HandoffRules.of(agent["handoff"] if agent else None))
            if decision is not None:
                await stand_down(conn, scope, conversation, decision.reason, decision.detail)
                text, lang = notices.handoff_notice(message["lang"])
                await self._send(conn, scope, conversation, Draft(text, (), True, lang), message["intent"])
                outcome = "handoff"
            else:
                await self._send(conn, scope, conversation, draft, message["intent"])
                outcome = "answered" if draft.answered else "unanswered"
            await jobs.finish(conn, scope, job["id"], "done")
        return outcome

    async def _send(
        self, conn: Any, scope: TenantScope, conversation: Record, draft: Draft, intent: str | None
    ) -> None:
        row = await messages.insert(
            conn,
            scope,
            NewMessage(
                new_id("msg"),
                conversation["id"],
                "agent",
                "ai",
                conversation["agent_id"],
                draft.text,
                intent=intent,
                lang=draft.lang,
                sentiment="neutral",
                sentiment_score=0.0,
                sources=[{"type": kind, "id": source_id} for kind, source_id in draft.sources],
            ),
        )
        await conversations.count_message(conn, scope, conversation["id"])
        await emit(conn, scope, "chat.message.sent", sent_event(render_message(row)))
