"""What a customer message sets in motion, inside the customer's POST.

1. NLU annotates it (before anything is stored, so the 201 already carries the annotation).
2. One statement (`messages.repository.receive`) moves the conversation (message count, event
   sequence, reopen if closed, language, intent and running mood: `conversations.repository.
   received_ctes`), stores the message and its event, and queues a reply job when the
   conversation is `open` (the AI is active).
3. If the agent stands down at once (a request for a person, an escalation, a sensitive case,
   anger below the threshold), that job becomes a handoff notice. Replies are made by the worker.
4. `chat.sentiment.changed` when the mood's label changed; `chat.handoff.requested` when the
   agent stood down (after `chat.message.received`, so `sequence` follows cause and effect).
"""

from __future__ import annotations

from dataclasses import dataclass

from skchat.agent import policy
from skchat.agent.types import Annotation
from skchat.conversations.handoff import stand_down
from skchat.events.service import emit
from skchat.kit.db import Connection, Row, TenantScope


@dataclass(frozen=True, slots=True)
class Plan:
    job_kind: str | None  # "reply", "handoff_notice", or None when a person owns the thread
    handoff: policy.Decision | None


def plan(conversation: Row, annotation: Annotation | None) -> Plan:
    """Decide from the conversation as it is after the message (status, agent rules)."""
    if conversation["status"] != "open":
        return Plan(None, None)  # a person owns the thread: the AI stays silent
    if annotation is not None:
        decision = policy.for_message(
            annotation,
            policy.HandoffRules.of(conversation["agent_handoff"]),
            conversation["previous_score"],
            conversation["sentiment_score"],
        )
        if decision is not None:
            return Plan("handoff_notice", decision)
    return Plan("reply", None)


async def follow_up(conn: Connection, scope: TenantScope, conversation: Row, message_id: str, decided: Plan) -> None:
    """The events that follow the stored message: a mood change, then a handoff."""
    previous, current = conversation["previous_sentiment"], conversation["sentiment"]
    if previous is not None and current != previous:
        await emit(
            conn,
            scope,
            "chat.sentiment.changed",
            {
                "conversation_id": conversation["id"],
                "from": previous,
                "to": current,
                "score": round(conversation["sentiment_score"], 4),
                "message_id": message_id,
            },
        )
    if decided.handoff is not None:
        await stand_down(
            conn, scope, conversation, decided.handoff.reason, decided.handoff.detail, last_message_id=message_id
        )
