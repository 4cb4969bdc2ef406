"""render.page() on hostile or unusual documents: everything escaped, $ref cycles terminate."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from skchat.reference import render
from skchat.reference.conventions import Limits

LIMITS = Limits(
    base_path="/chat/v1", max_body_bytes=256 * 1024, rate_per_second=100, burst=200, idempotency_retention_s=86400
)
EVIL = '<script>alert("x")</script><img src=https://evil.example/x.png>'


def document() -> dict[str, Any]:
    node = {
        "type": "object",
        "description": EVIL,
        "properties": {
            EVIL: {"type": "string", "enum": [EVIL, "ok"], "default": EVIL},
            "child": {"$ref": "#/components/schemas/Node"},  # a cycle: Node contains Node
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
        "required": [EVIL],
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": EVIL, "version": EVIL, "description": f"`{EVIL}` and {EVIL}"},
        "tags": [{"name": EVIL, "description": EVIL}],
        "paths": {
            "/chat/v1/things/{id}": {
                "post": {
                    "tags": [EVIL],
                    "summary": EVIL,
                    "description": EVIL,
                    "operationId": EVIL,
                    "parameters": [{"name": EVIL, "in": "query", "schema": {"type": "string"}, "description": EVIL}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
                    "responses": {
                        "200": {
                            "description": EVIL,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}},
                        },
                        "404": {"description": EVIL},
                    },
                }
            }
        },
        "components": {"schemas": {"Node": node}},
    }


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_every_text_is_escaped() -> None:
    html = render.page(document(), LIMITS)
    parser = Tags()
    parser.feed(html)
    assert not [tag for tag, _ in parser.tags if tag in {"script", "img"}]
    # The hostile text only ever appears as text: in no attribute except as a harmless, escaped anchor.
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert "evil.example" not in (value or "") or name in {"id", "href"}, (tag, name, value)
            if name == "href":
                assert (value or "").startswith(("#", "/")), value
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_ref_cycles_and_unknown_tags_render() -> None:
    html = render.page(document(), LIMITS)
    assert html.count('id="obj-Node"') == 1
    # The request body nests Node inside Node a bounded number of times.
    assert 0 < html.count("Child attributes of <code>child</code>") <= render.MAX_DEPTH * 2
    assert html.endswith("</html>")


def test_backticks_become_code_and_unpaired_ones_stay_text() -> None:
    assert render.inline("use `limit` here") == "use <code>limit</code> here"
    assert render.inline("a ` b <i>") == "a ` b &lt;i&gt;"
    assert render.prose("one\n\ntwo") == "<p>one</p><p>two</p>"
