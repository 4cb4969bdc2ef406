"""The conversation state machine, in one place.

    open ──handoff──▶ handoff ──assign──▶ assigned
     │  ╲─────────────assign──────────────▶ │
     └──────────────┬───close───────────────┘
                    ▼
                  closed ──reopen / customer message──▶ open (assigned if it has an assignee)

`ai_active` is derived: true exactly in `open`. The AI agent answers only then.
"""

from __future__ import annotations

from skchat.kit.db import Row
from skchat.kit.errors import Conflict, ConversationClosed


def ensure_not_closed(row: Row) -> None:
    if row["status"] == "closed":
        raise ConversationClosed(f"Conversation {row['id']} is closed; reopen it first.")


def can_hand_off(row: Row) -> None:
    ensure_not_closed(row)
    if row["status"] != "open":
        raise Conflict(f"Conversation {row['id']} is already {row['status']}: the AI agent has stood down.")


def reopened_status(row: Row) -> str:
    return "assigned" if row["assignee_id"] is not None else "open"


def can_reopen(row: Row) -> None:
    if row["status"] != "closed":
        raise Conflict(f"Conversation {row['id']} is {row['status']}, not closed.")
