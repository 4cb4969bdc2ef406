"""GET /chat/v1/reference: the API reference page, rendered by the server from its own OpenAPI document."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from skchat.kit.errors import ApiError


class Tags(HTMLParser):
    """Every start tag with its attributes, and every id on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.add(str(values["id"]))


@pytest.fixture(scope="module")
def page(base_url: str) -> httpx.Response:
    return httpx.get(f"{base_url}/chat/v1/reference")


@pytest.fixture(scope="module")
def doc(base_url: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{base_url}/chat/v1/openapi.json").json()
    return body


@pytest.fixture(scope="module")
def tags(page: httpx.Response) -> Tags:
    parser = Tags()
    parser.feed(page.text)
    return parser


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_is_html_that_may_load_nothing(page: httpx.Response) -> None:
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!doctype html>")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp


def test_has_no_external_resource_and_no_script(page: httpx.Response, tags: Tags) -> None:
    assert not [t for t, _ in tags.tags if t in {"script", "iframe", "object", "embed"}]
    for tag, attrs in tags.tags:
        for name in ("src", "href", "srcset", "action", "data"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
    linked = [(t, a) for t, a in tags.tags if t in {"link", "img", "script"}]
    assert all(not re.search(r"https?://", str(a)) for _, a in linked)
    style = page.text.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@import" not in style and "url(" not in style


def test_mentions_every_operation_of_the_document(page: httpx.Response, doc: dict[str, Any], tags: Tags) -> None:
    text = text_of(page.text)
    count = 0
    for path, item in doc["paths"].items():
        assert path in text, path
        for op in item.values():
            count += 1
            anchor = f"op-{op['operationId']}"
            assert anchor in tags.ids, anchor
            assert f'href="#{anchor}"' in page.text, anchor  # in the sidebar
            assert op["summary"] in text
            if op.get("description"):
                assert " ".join(op["description"].replace("`", "").split()) in text
    assert count >= 15
    for path in ("/chat/v1/conversations/{conversation_id}/handoff", "/chat/v1/api_keys", "/chat/v1/events"):
        assert path in text


def test_every_internal_link_has_a_target(page: httpx.Response, tags: Tags) -> None:
    anchors = [str(a["href"])[1:] for t, a in tags.tags if t == "a" and str(a.get("href", "")).startswith("#")]
    assert anchors
    assert [a for a in anchors if a not in tags.ids] == []


def test_shows_bodies_scopes_and_errors(page: httpx.Response) -> None:
    text = text_of(page.text)
    create = text_of(page.text.split('id="op-create_conversation"', 1)[1].split('<section class="op"', 1)[0])
    # The request body, with $refs resolved into child attributes and enum values.
    for words in ("Request body", "external_id", "Child attributes of contact", "whatsapp", "1\u201310000 characters"):
        assert words in create, words
    assert "Scope conversations:write" in create
    assert "Idempotency-Key" in create
    for status in ("400", "401", "403", "404", "409", "413", "422", "429"):
        assert status in create
    assert "conversation_closed" in create
    # Objects the operations return, with their attributes.
    assert 'id="obj-Conversation"' in page.text and 'id="obj-Problem"' in page.text
    assert "ai_active" in text and "request_id" in text


def test_conventions_state_what_this_server_does(page: httpx.Response) -> None:
    text = text_of(page.text)
    for words in (
        "Authorization: Bearer sk_test_",
        "Idempotent-Replayed: true",
        '"has_more"',
        "next_cursor",
        "application/problem+json",
        "X-Request-Id",
        "Retry-After",
        "256 KiB",
        "24 hours",
    ):
        assert words in text, words
    # The test server runs with a burst of 10 000 (tests/conftest.py): the page reads the live settings.
    assert "bursts up to 10000" in text
    codes = re.findall(r"<td><code>([a-z_]+)</code></td>", page.text)
    assert {cls.code for cls in _error_classes()} <= set(codes)


def _error_classes() -> list[type[ApiError]]:
    found, queue = [], [ApiError]
    while queue:
        cls = queue.pop()
        found.append(cls)
        queue.extend(cls.__subclasses__())
    return found


def test_docs_redirects_to_the_reference(client: httpx.Client) -> None:
    r = client.get("/docs", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == "/chat/v1/reference"
    followed = client.get("/docs", follow_redirects=True)
    assert followed.status_code == 200 and "SK Chat API reference" in followed.text
    assert client.head("/docs").status_code == 307


def test_the_pages_are_not_in_the_openapi_document(doc: dict[str, Any]) -> None:
    assert "/chat/v1/reference" not in doc["paths"] and "/docs" not in doc["paths"]
