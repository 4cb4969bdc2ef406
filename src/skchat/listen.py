"""`skchat listen`: tail a tenant's events from the API, print them, and forward them signed.

Like `stripe listen`: a developer points it at a local URL and receives every event as a
signed webhook, without exposing the laptop to the internet. It reads `GET /chat/v1/events`
(oldest first) with the caller's key, so it works against any SK Chat server it can reach,
and signs what it forwards with a secret of its own, printed at start.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import orjson

from skchat.kit import signing

Event = dict[str, Any]


class EventTail:
    """Yields events created after it started, oldest first, polling the list endpoint.

    It re-reads the last page (from the cursor that produced it) on each poll, so events that
    land on a page that was not yet full are still seen; ids already yielded are skipped.
    """

    def __init__(self, client: httpx.Client, types: set[str] | None) -> None:
        self.client = client
        self.types = types
        self.cursor: str | None = None
        self.seen: set[str] = set()
        for _ in self._pages():  # skip what already exists
            pass

    def _pages(self) -> Iterator[list[Event]]:
        while True:
            params: dict[str, Any] = {"order": "asc", "limit": 100}
            if self.cursor:
                params["cursor"] = self.cursor
            response = self.client.get("/chat/v1/events", params=params)
            response.raise_for_status()
            page = response.json()
            fresh = [e for e in page["data"] if e["id"] not in self.seen]
            self.seen.update(e["id"] for e in fresh)
            yield fresh
            if not page["has_more"]:
                return
            self.cursor = page["next_cursor"]
            self.seen = {e["id"] for e in fresh}  # only the current page can be read again

    def poll(self) -> list[Event]:
        events = [e for page in self._pages() for e in page]
        return [e for e in events if self.types is None or e["type"] in self.types]


def forward(client: httpx.Client, url: str, secret: str, event: Event) -> int | str:
    body = orjson.dumps(event)
    headers = signing.headers([secret], event["id"], int(time.time()), body)
    headers["Content-Type"] = "application/json"
    try:
        return client.post(url, content=body, headers=headers).status_code
    except httpx.HTTPError as exc:
        return type(exc).__name__


def run(
    api: str,
    key: str,
    forward_to: str | None,
    types: set[str] | None,
    secret: str,
    say: Callable[[str], None],
    interval_s: float = 0.5,
    stop_after: int | None = None,
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=api, headers=headers, timeout=10) as api_client, httpx.Client(timeout=15) as out:
        tail = EventTail(api_client, types)
        say(f"Ready. Listening for events on {api}" + (f", forwarding to {forward_to}" if forward_to else ""))
        if forward_to:
            say(f"Your webhook signing secret is {secret}")
        handled = 0
        while stop_after is None or handled < stop_after:
            for event in tail.poll():
                line = f"{event['created_at']}  {event['type']:<28} {event['id']}"
                if forward_to:
                    line += f"  -> {forward(out, forward_to, secret, event)} POST {forward_to}"
                say(line)
                handled += 1
            time.sleep(interval_s)
