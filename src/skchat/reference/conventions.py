"""The conventions every operation shares, as the reference page states them.

Each statement here describes what `kit/` does (context.py, middleware.py, idempotency.py,
pagination.py, ratelimit.py, errors.py); the numbers come from the running server's settings
and the error codes from the `ApiError` classes themselves, so the page cannot state a limit
or a code the server does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from skchat.config import Settings
from skchat.kit.errors import TYPE_BASE
from skchat.kit.keys import SCOPES
from skchat.reference.spec import error_classes


@dataclass(frozen=True, slots=True)
class Limits:
    base_path: str
    max_body_bytes: int
    rate_per_second: float
    burst: int
    idempotency_retention_s: float

    @classmethod
    def from_settings(cls, settings: Settings, base_path: str) -> Limits:
        return cls(
            base_path=base_path,
            max_body_bytes=settings.max_body_bytes,
            rate_per_second=settings.rate_limit_per_second,
            burst=settings.rate_limit_burst,
            idempotency_retention_s=settings.idempotency_retention_s,
        )


@dataclass(frozen=True, slots=True)
class Topic:
    anchor: str
    title: str
    body: str  # HTML, already escaped


def _size(n: int) -> str:
    return f"{n // 1024} KiB" if n % 1024 == 0 else f"{n} bytes"


def _duration(seconds: float) -> str:
    if seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{seconds:g} seconds"


def _rate(value: float) -> str:
    return f"{value:g}"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _pre(text: str) -> str:
    return f"<pre><code>{escape(text)}</code></pre>"


def error_table() -> str:
    rows = []
    seen: set[str] = set()
    for cls in sorted(error_classes(), key=lambda c: (c.status, c.code)):
        if cls.code in seen:
            continue
        seen.add(cls.code)
        rows.append(
            f'<tr><td><span class="status s{cls.status // 100}">{cls.status}</span></td>'
            f"<td>{_code(cls.code)}</td><td>{escape(cls.title)}</td></tr>"
        )
    return (
        '<table class="codes"><thead><tr><th>Status</th><th>code</th><th>title</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def topics(limits: Limits) -> list[Topic]:
    base = limits.base_path
    problem = (
        "{\n"
        f'  "type": "{TYPE_BASE}validation_failed",\n'
        '  "title": "Validation failed",\n'
        '  "status": 422,\n'
        '  "detail": "contact.email: value is not a valid email address",\n'
        '  "code": "validation_failed",\n'
        '  "request_id": "req_01JD3M5W8X7K2F9Q4T6V0B1C2N",\n'
        '  "errors": [{"field": "contact.email", "message": "value is not a valid email address"}]\n'
        "}"
    )
    page = '{"object": "list", "data": [ … ], "has_more": true, "next_cursor": "WyJkIiwiMjAyNi0x…"}'
    scopes = " ".join(_code(s) for s in SCOPES)
    return [
        Topic(
            "base",
            "Base path and bodies",
            f"<p>Every route below lives under {_code(base)}. Request and response bodies are JSON "
            f"({_code('Content-Type: application/json')}, UTF-8); a body over {_size(limits.max_body_bytes)} "
            "gets <b>413</b>, a body in another format <b>415</b>. Unknown fields in a request body are "
            "rejected with <b>422</b>, so a typo never silently does nothing.</p>"
            "<p>Ids are prefixed ULIDs (" + ", ".join(_code(p) for p in ("cnv_…", "msg_…", "ctc_…", "evt_…")) + " …); "
            f"times are RFC 3339 UTC with milliseconds, e.g. {_code('2026-11-23T10:15:30.123Z')}.</p>",
        ),
        Topic(
            "auth",
            "Authentication and modes",
            f"<p>Send a secret key in every request: {_code('Authorization: Bearer sk_test_…')}. "
            "No key, a malformed one or a revoked one gets <b>401</b> <code>unauthenticated</code> "
            "(revocation takes effect at once); a valid key without the operation's scope gets <b>403</b> "
            "<code>forbidden</code>. Each operation lists the scope it needs.</p>"
            f"<p>A {_code('sk_test_…')} key sees and writes only test-mode data, a {_code('sk_live_…')} key only "
            f"live data; every object carries {_code('livemode')}. An id of the other mode, or of another "
            "tenant, answers <b>404</b> exactly like an id that does not exist.</p>"
            "<p>A key created without scopes gets every scope of the key that created it; a key can never "
            f'grant a scope it lacks itself. The scopes:</p><p class="scopes">{scopes}</p>',
        ),
        Topic(
            "idempotency",
            "Idempotency",
            f"<p>Every write (POST, PATCH, DELETE) accepts an {_code('Idempotency-Key')} header of 1&ndash;255 "
            "printable ASCII characters. Per key, tenant and mode, for "
            f"{_duration(limits.idempotency_retention_s)}:</p><ul>"
            "<li>the same key with the same method, path and JSON body returns the first response again "
            f"(status, body, {_code('Content-Type')} and {_code('Location')}) with "
            f"{_code('Idempotent-Replayed: true')}, and writes nothing;</li>"
            "<li>the same key with a different method, path or body: <b>422</b> "
            "<code>idempotency_key_reused</code>;</li>"
            "<li>the same key while the first request is still running: <b>409</b> "
            "<code>idempotency_key_in_use</code>;</li>"
            "<li>a request that failed (any 4xx or 5xx) wrote nothing and is not stored: retry it with the "
            "same key.</li></ul>"
            "<p>The response is recorded in the same transaction as the write, so N simultaneous requests "
            "with one key make exactly one write.</p>",
        ),
        Topic(
            "pagination",
            "Pagination",
            f"<p>Every list takes {_code('limit')} (1&ndash;100, default 20), {_code('cursor')} and "
            f"{_code('order')} ({_code('asc')} or {_code('desc')}) and answers:</p>{_pre(page)}"
            f"<p>Pass {_code('next_cursor')} back as {_code('cursor')} (with the same {_code('order')}) "
            f"until {_code('has_more')} is false. Cursors are keyed on each object's creation time and id, "
            "so a walk returns every object that existed when it began exactly once, whatever is inserted "
            "or deleted meanwhile. Lists are newest first unless noted (messages are oldest first): each list "
            f"shows its default {_code('order')}. A malformed "
            "cursor gets <b>400</b> <code>invalid_request</code>.</p>",
        ),
        Topic(
            "errors",
            "Errors",
            "<p>Every error is <code>application/problem+json</code> (RFC 9457) with a stable "
            f"{_code('code')} to branch on; validation errors add {_code('errors')}, one entry per field. "
            "Never a stack trace, never HTML.</p>" + _pre(problem) + error_table(),
        ),
        Topic(
            "request-ids",
            "Request ids",
            f"<p>Every response carries {_code('X-Request-Id')} ({_code('req_…')}), also given as "
            f"{_code('request_id')} in error bodies. Send your own {_code('X-Request-Id')} (8&ndash;128 characters "
            f"of {_code('A-Z a-z 0-9 _ . : -')}) and it is used and echoed instead.</p>",
        ),
        Topic(
            "rate-limits",
            "Rate limits",
            f"<p>Each API key has a token bucket: {_rate(limits.rate_per_second)} requests per second, "
            f"bursts up to {limits.burst}. Authenticated responses carry {_code('RateLimit-Limit')} "
            f"(the burst), {_code('RateLimit-Remaining')} and {_code('RateLimit-Reset')} (seconds until "
            f"the bucket is full). Over the limit: <b>429</b> <code>rate_limited</code> with "
            f"{_code('Retry-After')} in seconds. The limit is enforced by each server process.</p>",
        ),
    ]
