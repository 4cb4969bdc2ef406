"""The reply-generation interface: turn a customer message and what retrieval found into a `Draft`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from skchat.agent.types import Annotation, Corpus, Draft, Hit, Turn


class ReplyGenerator(Protocol):
    """Composes the agent's reply from the tenant's knowledge only.

    `hits` are the retrieval results for the message (see `offline.gather_hits`), `history` the earlier turns
    of the conversation (oldest first), `greeting` the agent's configured greeting if any. The draft's
    `sources` name exactly the articles/items whose facts the text uses; `answered=False` means it could
    not answer from the knowledge and says so (or asks one clarifying question).
    """

    def compose(
        self,
        message: str,
        annotation: Annotation,
        hits: Sequence[Hit],
        corpus: Corpus,
        history: Sequence[Turn],
        *,
        greeting: str | None = None,
    ) -> Draft: ...
