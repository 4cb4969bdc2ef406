"""The MCP tool catalog as Markdown, generated from the tool definitions so it cannot drift.

    python -m skchat.mcp.docs > docs/mcp-tools.md

tests/mcp/test_docs.py fails when the committed file differs from this output.
"""

from __future__ import annotations

import json
from typing import Any

from skchat.mcp.server import TOOLS
from skchat.mcp.tools import ToolDef

COMMAND = "python -m skchat.mcp.docs > docs/mcp-tools.md"


def _type(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    kind = str(prop.get("type", "any"))
    limits = []
    if "minLength" in prop or "maxLength" in prop:
        limits.append(f"{prop.get('minLength', 0)}-{prop.get('maxLength', '…')} chars")
    if "minimum" in prop or "maximum" in prop:
        limits.append(f"{prop.get('minimum', '…')}-{prop.get('maximum', '…')}")
    return f"{kind} ({', '.join(limits)})" if limits else kind


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _hints(tool: ToolDef[Any]) -> str:
    hints = tool.annotations()
    return (
        f"readOnlyHint `{str(hints.read_only_hint).lower()}`, destructiveHint `{str(hints.destructive_hint).lower()}`, "
        f"idempotentHint `{str(hints.idempotent_hint).lower()}`, openWorldHint `{str(hints.open_world_hint).lower()}`"
    )


def _section(tool: ToolDef[Any]) -> list[str]:
    schema = tool.input_schema()
    required = set(schema.get("required", []))
    lines = [
        f"## `{tool.name}`",
        "",
        f"**{tool.title}.** Scope `{tool.scope}`. {'Reads only.' if tool.read_only else 'Writes.'}",
        "",
        tool.description,
        "",
        "| argument | type | required | default | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, prop in schema["properties"].items():
        default = f"`{json.dumps(prop['default'])}`" if "default" in prop else ""
        lines.append(
            f"| `{name}` | {_type(prop)} | {'yes' if name in required else 'no'} | {default} "
            f"| {_cell(prop.get('description', ''))} |"
        )
    lines += [
        "",
        f"Annotations: {_hints(tool)}.",
        "",
        "<details><summary>Input schema</summary>",
        "",
        "```json",
        json.dumps(schema, indent=2, ensure_ascii=False),
        "```",
        "",
        "</details>",
        "",
    ]
    return lines


def render() -> str:
    lines = [
        "# MCP tool catalog",
        "",
        f"<!-- Generated from src/skchat/mcp/ by `{COMMAND}`. Do not edit: tests/mcp/test_docs.py fails on drift. -->",
        "",
        "The tools `/mcp` offers (set-up, auth and errors: [mcp.md](mcp.md)). A key sees only the tools its scopes "
        "allow. Every result is JSON text (also given as `structuredContent`); every error is a tool result with "
        '`isError: true` whose text is the REST API\'s problem body: `{"type", "title", "status", "detail", '
        '"code", "request_id"}`, plus `errors: [{"field", "message"}]` for bad arguments.',
        "",
        "| tool | scope | reads only | destructive | idempotent | what it does |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for tool in TOOLS:
        hints = tool.annotations()
        lines.append(
            f"| [`{tool.name}`](#{tool.name}) | `{tool.scope}` | {_yes(hints.read_only_hint)} "
            f"| {_yes(hints.destructive_hint)} | {_yes(hints.idempotent_hint)} | {tool.title} |"
        )
    lines.append("")
    for tool in TOOLS:
        lines += _section(tool)
    return "\n".join(lines).rstrip("\n") + "\n"


def _yes(value: bool | None) -> str:
    return "yes" if value else "no"


if __name__ == "__main__":
    print(render(), end="")
