"""The OpenAPI document as one self-contained HTML page: inline CSS, no script, nothing fetched.

Everything shown comes from the live document (operations, parameters, bodies, responses,
objects) or from `conventions` (which reads the server's settings), so the page cannot drift
from what the server does. Every piece of text is escaped; the only markup a description may
carry is `code` in backticks and blank-line paragraphs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from skchat.reference.conventions import Limits, Topic, topics

METHODS = ("get", "post", "put", "patch", "delete")
MAX_DEPTH = 6


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return resources.files("skchat").joinpath("static/reference.css").read_text(encoding="utf-8")


def inline(text: str) -> str:
    """Escaped text with `backtick` spans as <code>."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show it as it is
        return escape(text)
    return "".join(f"<code>{escape(p)}</code>" if i % 2 else escape(p) for i, p in enumerate(parts))


def prose(text: str | None) -> str:
    if not text or not text.strip():
        return ""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "".join(f"<p>{inline(' '.join(p.split()))}</p>" for p in paragraphs)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


class Document:
    """The OpenAPI document with `$ref` resolution."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.raw = document
        self.components: dict[str, Any] = document.get("components", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in node and seen < 20:
            ref: str = node["$ref"]
            if not ref.startswith("#/"):
                return {}
            target: Any = self.raw
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            # Sibling keys of a $ref (allowed in 3.1) refine the target, e.g. a default.
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}} if len(node) > 1 else target
            seen += 1
        return node

    def list_item(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        """For a list envelope ({"object": "list", "data": [...]}): the schema of one item."""
        resolved = self.resolve(schema)
        props = resolved.get("properties", {})
        kind = props.get("object", {})
        if kind.get("const") == "list" or kind.get("enum") == ["list"]:
            data = self.resolve(props.get("data", {}))
            if data.get("type") == "array" and isinstance(data.get("items"), dict):
                items: dict[str, Any] = data["items"]
                return items
        return None


def split_nullable(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(the schema without its null alternative, whether null is allowed)."""
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list):
            rest = [o for o in options if o.get("type") != "null"]
            if len(rest) < len(options) and len(rest) == 1:
                outer = {k: v for k, v in schema.items() if k != key}
                return {**rest[0], **outer}, True
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest_types = [t for t in kind if t != "null"]
        return {**schema, "type": rest_types[0] if len(rest_types) == 1 else rest_types}, True
    return schema, False


class Renderer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = Document(document)
        self.object_names: set[str] = set()

    # -- types ------------------------------------------------------------------------------

    def object_link(self, name: str) -> str:
        return f'<a class="obj" href="#obj-{escape(slug(name))}">{escape(name)}</a>'

    def type_label(self, schema: dict[str, Any], link: bool) -> str:
        schema, _ = split_nullable(schema)
        name = ref_name(schema)
        if name is not None:
            item = self.doc.list_item(schema)
            if link and item is not None:
                return "list of " + self.type_label(item, link)
            if link and name in self.object_names:
                return self.object_link(name)
            schema = self.doc.resolve(schema)
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                return " or ".join(self.type_label(option, link) for option in schema[key])
        kind = schema.get("type")
        if isinstance(kind, list):
            return " or ".join(escape(str(k)) for k in kind)
        if kind == "array":
            items = schema.get("items")
            return "array of " + (self.type_label(items, link) if isinstance(items, dict) else "any")
        if kind == "object" or "properties" in schema:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra and not schema.get("properties"):
                return "map of " + self.type_label(extra, link)
            return "object"
        if kind is None:
            return "enum" if "enum" in schema else "any"
        fmt = schema.get("format")
        return escape(str(kind)) + (f" ({escape(str(fmt))})" if fmt else "")

    def children_schema(self, schema: dict[str, Any], link: bool) -> tuple[dict[str, Any], str | None] | None:
        """The object whose attributes nest under this one (and its schema name), unless it is linked instead."""
        schema, _ = split_nullable(schema)
        if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
            schema, _ = split_nullable(schema["items"])
        name = ref_name(schema)
        if name is not None and link and name in self.object_names:
            return None
        resolved = self.doc.resolve(schema)
        return (resolved, name) if resolved.get("properties") else None

    # -- facts about a value ---------------------------------------------------------------

    def facts(self, schema: dict[str, Any]) -> str:
        outer = schema
        schema, _ = split_nullable(schema)
        schema = {**self.doc.resolve(schema), **{k: v for k, v in outer.items() if k in ("default", "description")}}
        if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
            items = self.doc.resolve(split_nullable(schema["items"])[0])
        else:
            items = None
        out: list[str] = []
        enum = schema.get("enum") or (items or {}).get("enum")
        if "const" in schema:
            out.append(f'<span class="fact">Always {self.value(schema["const"])}</span>')
        elif isinstance(enum, list):
            label = "Each one of" if items is not None and "enum" in items else "One of"
            values = " ".join(self.value(v) for v in enum)
            out.append(f'<span class="fact enum">{label}: {values}</span>')
        bounds = [*self.bounds(schema, "character"), *self.bounds(schema, ""), *self.bounds(schema, "item")]
        if items is not None:
            bounds += [f"each {b}" for b in (*self.bounds(items, "character"), *self.bounds(items, ""))]
        out.extend(f'<span class="fact">{escape(b)}</span>' for b in bounds)
        for key, label in (("pattern", "Pattern"),):
            if key in schema:
                out.append(f'<span class="fact">{label} <code>{escape(str(schema[key]))}</code></span>')
        if "default" in schema and schema["default"] not in (None, {}, []) and "const" not in schema:
            out.append(f'<span class="fact">Default {self.value(schema["default"])}</span>')
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            out.append(f'<span class="fact enum">Examples: {" ".join(self.value(v) for v in examples)}</span>')
        return f'<div class="facts">{"".join(out)}</div>' if out else ""

    @staticmethod
    def bounds(schema: dict[str, Any], unit: str) -> list[str]:
        """Length, item-count or numeric limits, in words."""
        keys = {"character": ("minLength", "maxLength"), "item": ("minItems", "maxItems"), "": ("minimum", "maximum")}
        lo, hi = (schema.get(k) for k in keys[unit])
        plural = f" {unit}s" if unit else ""
        if lo is not None and hi is not None:
            return [f"{lo}\u2013{hi}{plural}"]
        if hi is not None:
            return [f"at most {hi}{plural}"]
        if lo is not None and (unit == "" or lo > (0 if unit == "item" else 1)):
            return [f"at least {lo}{plural}"]
        return []

    @staticmethod
    def value(value: Any) -> str:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return f"<code>{escape(text)}</code>"

    # -- attributes ------------------------------------------------------------------------

    def attribute(
        self,
        name: str,
        schema: dict[str, Any],
        *,
        required: bool | None,
        link: bool,
        depth: int,
        seen: frozenset[str],
        parameter: bool = False,
    ) -> str:
        inner, nullable = split_nullable(schema)
        description = schema.get("description") or self.doc.resolve(inner).get("description")
        badges = []
        if required is True:
            badges.append('<span class="badge req">required</span>')
        elif required is False:
            badges.append('<span class="badge opt">optional</span>')
        if nullable and not parameter:
            badges.append('<span class="badge null">nullable</span>')
        head = (
            f'<div class="attr-head"><code class="attr-name">{escape(name)}</code>'
            f'<span class="attr-type">{self.type_label(schema, link)}</span>{"".join(badges)}</div>'
        )
        body = prose(description) + self.facts(schema)
        children = self.children_schema(schema, link)
        nested = ""
        if children is not None and depth < MAX_DEPTH and children[1] not in seen:
            child, child_name = children
            inner_html = self.attributes(
                child, link=link, depth=depth + 1, seen=seen | {child_name} if child_name else seen
            )
            opened = " open" if not link and depth == 0 else ""
            nested = (
                f'<details class="children"{opened}><summary>Child attributes of '
                f"<code>{escape(name)}</code></summary>{inner_html}</details>"
            )
        return f'<div class="attr">{head}<div class="attr-body">{body}{nested}</div></div>'

    def attributes(
        self, schema: dict[str, Any], *, link: bool, depth: int = 0, seen: frozenset[str] = frozenset()
    ) -> str:
        schema = self.doc.resolve(schema)
        required = set(schema.get("required", []))
        rows = [
            # An object the API returns always has all its fields (null when empty): no required/optional.
            self.attribute(name, prop, required=None if link else name in required, link=link, depth=depth, seen=seen)
            for name, prop in schema.get("properties", {}).items()
        ]
        if schema.get("additionalProperties") is True and schema.get("properties"):
            rows.append('<p class="more">Other fields may be present beside these.</p>')
        if schema.get("additionalProperties") is False and not link and depth == 0:
            rows.append('<p class="more">Unknown fields are rejected with 422.</p>')
        if not rows:
            return f'<p class="muted">{self.type_label(schema, link)}</p>'
        return f'<div class="attrs">{"".join(rows)}</div>'

    # -- operations ------------------------------------------------------------------------

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, item in self.doc.raw.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    yield path, method, item[method]

    @staticmethod
    def op_anchor(path: str, method: str, op: dict[str, Any]) -> str:
        return "op-" + slug(op.get("operationId") or f"{method}-{path}")

    @staticmethod
    def path_html(path: str) -> str:
        parts = re.split(r"(\{[^}]+\})", path)
        return "".join(
            f'<span class="param">{escape(p)}</span>' if p.startswith("{") else escape(p) for p in parts if p
        )

    def security(self, op: dict[str, Any]) -> str:
        requirements = op.get("security")
        if not requirements:
            return '<span class="pill">No authentication</span>'
        scopes = [s for req in requirements for names in req.values() for s in names]
        if scopes:
            return "".join(f'<span class="pill scope">Scope <code>{escape(s)}</code></span>' for s in scopes)
        return '<span class="pill scope">Any API key</span>'

    def parameters(self, op: dict[str, Any]) -> str:
        groups: dict[str, list[str]] = {}
        for raw in op.get("parameters", []):
            param = self.doc.resolve(raw)
            schema = dict(param.get("schema", {}))
            if param.get("description"):
                schema["description"] = param["description"]
            row = self.attribute(
                param.get("name", ""),
                schema,
                required=bool(param.get("required")),
                link=True,
                depth=MAX_DEPTH,
                seen=frozenset(),
                parameter=True,  # a query parameter is omitted, never null
            )
            groups.setdefault(param.get("in", "query"), []).append(row)
        titles = {"path": "Path parameters", "query": "Query parameters", "header": "Headers"}
        return "".join(
            f'<h4>{titles.get(where, escape(where.title()))}</h4><div class="attrs">{"".join(groups[where])}</div>'
            for where in ("path", "query", "header", "cookie")
            if where in groups
        )

    def request_body(self, op: dict[str, Any]) -> str:
        body = op.get("requestBody")
        if not body:
            return ""
        body = self.doc.resolve(body)
        content = body.get("content", {})
        media = "application/json" if "application/json" in content else next(iter(content), "")
        schema = content.get(media, {}).get("schema", {})
        need = "required" if body.get("required") else "optional"
        return (
            f'<h4>Request body <span class="muted">{escape(media)}, {need}</span></h4>'
            + prose(body.get("description"))
            + self.attributes(schema, link=False)
        )

    def responses(self, op: dict[str, Any]) -> str:
        ok: list[str] = []
        errors: list[str] = []
        for status, raw in sorted(op.get("responses", {}).items()):
            response = self.doc.resolve(raw)
            content = response.get("content", {})
            media = next(iter(content), None)
            schema = content.get(media, {}).get("schema") if media else None
            pill = f'<span class="status s{escape(status[:1])}">{escape(status)}</span>'
            if status.startswith(("2", "3")):
                returns = f' <span class="returns">→ {self.type_label(schema, True)}</span>' if schema else ""
                ok.append(f'<div class="resp">{pill}<div>{prose(response.get("description"))}{returns}</div></div>')
            else:
                errors.append(f"<tr><td>{pill}</td><td>{prose(response.get('description'))}</td></tr>")
        html = f"<h4>Responses</h4>{''.join(ok)}"
        if errors:
            html += (
                '<h4>Errors <span class="muted">application/problem+json, see '
                '<a href="#obj-Problem">Problem</a></span></h4>'
                f'<table class="errors"><tbody>{"".join(errors)}</tbody></table>'
            )
        return html

    def operation(self, path: str, method: str, op: dict[str, Any]) -> str:
        anchor = self.op_anchor(path, method, op)
        pills = self.security(op)
        if any(self.doc.resolve(p).get("name") == "Idempotency-Key" for p in op.get("parameters", [])):
            pills += '<a class="pill" href="#idempotency">Idempotent with <code>Idempotency-Key</code></a>'
        names = {self.doc.resolve(p).get("name") for p in op.get("parameters", [])}
        if {"limit", "cursor"} <= names:
            pills += '<a class="pill" href="#pagination">Paginated</a>'
        return (
            f'<section class="op" id="{escape(anchor)}">'
            f'<div class="op-line"><span class="method {escape(method)}">{escape(method.upper())}</span>'
            f'<code class="path">{self.path_html(path)}</code></div>'
            f"<h3>{escape(op.get('summary') or op.get('operationId') or path)}</h3>"
            f'{prose(op.get("description"))}<div class="pills">{pills}</div>'
            f"{self.parameters(op)}{self.request_body(op)}{self.responses(op)}</section>"
        )

    # -- objects ---------------------------------------------------------------------------

    def collect_objects(self) -> list[str]:
        """Schemas reachable from responses (list envelopes replaced by their items), in first-use order."""
        order: list[str] = []
        schemas: dict[str, Any] = self.doc.components.get("schemas", {})

        def visit(node: Any) -> None:
            if isinstance(node, dict):
                name = ref_name(node)
                if name is not None and name in schemas:
                    item = self.doc.list_item(node)
                    if item is not None:
                        visit(item)
                        return
                    if name not in order:
                        order.append(name)
                        visit(schemas[name])
                    return
                for value in node.values():
                    visit(value)
            elif isinstance(node, list):
                for value in node:
                    visit(value)

        for _, _, op in self.operations():
            for response in op.get("responses", {}).values():
                visit(self.doc.resolve(response).get("content", {}))
        return order

    def objects(self, names: list[str]) -> str:
        schemas: dict[str, Any] = self.doc.components.get("schemas", {})
        blocks = []
        for name in names:
            schema = schemas[name]
            blocks.append(
                f'<section class="object" id="obj-{escape(slug(name))}"><h3>{escape(name)}</h3>'
                f"{prose(schema.get('description'))}{self.attributes(schema, link=True, seen=frozenset({name}))}"
                "</section>"
            )
        return "".join(blocks)

    # -- the page --------------------------------------------------------------------------

    def groups(self) -> list[tuple[str, str, list[tuple[str, str, dict[str, Any]]]]]:
        described = {t["name"]: t.get("description", "") for t in self.doc.raw.get("tags", [])}
        found: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        for path, method, op in self.operations():
            found.setdefault((op.get("tags") or ["Other"])[0], []).append((path, method, op))
        ordered = [t for t in described if t in found] + [t for t in found if t not in described]
        return [(tag, described.get(tag, ""), found[tag]) for tag in ordered]

    def page(self, limits: Limits) -> str:
        info = self.doc.raw.get("info", {})
        title = str(info.get("title", "API"))
        self.object_names = set(self.collect_objects())
        object_names = self.collect_objects()
        groups = self.groups()
        conventions = topics(limits)
        openapi_url = f"{limits.base_path}/openapi.json"
        nav = [self.nav_conventions(conventions)]
        body = [self.section_conventions(conventions)]
        for tag, description, ops in groups:
            tag_id = "tag-" + slug(tag)
            links = "".join(
                f'<li><a href="#{escape(self.op_anchor(p, m, o))}"><span class="m {escape(m)}">'
                f"{escape(m.upper())}</span>{escape(o.get('summary') or p)}</a></li>"
                for p, m, o in ops
            )
            nav.append(
                f'<div class="nav-group"><a class="nav-title" href="#{tag_id}">{escape(tag)}</a><ul>{links}</ul></div>'
            )
            body.append(
                f'<section class="tag" id="{tag_id}"><h2>{escape(tag)}</h2>{prose(description)}'
                f"{''.join(self.operation(p, m, o) for p, m, o in ops)}</section>"
            )
        object_links = "".join(f'<li><a href="#obj-{escape(slug(n))}">{escape(n)}</a></li>' for n in object_names)
        nav.append(
            f'<div class="nav-group"><a class="nav-title" href="#objects">Objects</a><ul>{object_links}</ul></div>'
        )
        body.append(
            '<section class="tag" id="objects"><h2>Objects</h2>'
            "<p>What the operations return. Lists wrap these in the "
            '<a href="#pagination">list envelope</a>.</p>'
            f"{self.objects(object_names)}</section>"
        )
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} reference</title><style>{stylesheet()}</style></head><body>"
            '<a class="skip" href="#main">Skip to content</a>'
            f'<header class="top"><div class="brand">{escape(title)}'
            f'<span class="version">v{escape(str(info.get("version", "")))}</span></div>'
            f'<div class="top-links"><code>{escape(limits.base_path)}</code>'
            f'<a href="{escape(openapi_url)}">openapi.json</a></div></header>'
            f'<div class="layout"><nav class="side" aria-label="Contents">{"".join(nav)}</nav>'
            f'<main id="main"><section class="intro"><h1>{escape(title)} reference</h1>'
            f"{prose(info.get('summary'))}{prose(info.get('description'))}</section>"
            f"{''.join(body)}</main></div></body></html>"
        )

    @staticmethod
    def nav_conventions(conventions: list[Topic]) -> str:
        links = "".join(f'<li><a href="#{escape(t.anchor)}">{escape(t.title)}</a></li>' for t in conventions)
        return f'<div class="nav-group"><a class="nav-title" href="#conventions">Conventions</a><ul>{links}</ul></div>'

    @staticmethod
    def section_conventions(conventions: list[Topic]) -> str:
        topics_html = "".join(
            f'<div class="topic" id="{escape(t.anchor)}"><h3>{escape(t.title)}</h3>{t.body}</div>' for t in conventions
        )
        return f'<section class="tag conventions" id="conventions"><h2>Conventions</h2>{topics_html}</section>'


def page(document: dict[str, Any], limits: Limits) -> str:
    return Renderer(document).page(limits)
