"""The MCP docs cannot drift: the tool catalog is the generator's output, the set-up examples work."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from skchat.mcp.docs import COMMAND, render
from skchat.mcp.server import TOOLS
from tests.conftest import Tenant

DOCS = Path(__file__).resolve().parents[2] / "docs"


def blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_committed_tool_catalog_is_the_generated_one() -> None:
    committed = (DOCS / "mcp-tools.md").read_text()
    assert committed == render(), f"docs/mcp-tools.md is stale: run `{COMMAND}`"
    for tool in TOOLS:
        assert f"## `{tool.name}`" in committed and tool.description in committed


def test_the_scope_table_names_each_tool_under_its_scope() -> None:
    text = (DOCS / "mcp.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z]+:[a-z]+)` \| (.+) \|$", text, flags=re.MULTILINE))
    for tool in TOOLS:
        assert f"`{tool.name}`" in rows[tool.scope], (tool.name, tool.scope)
    named = {name for cell in rows.values() for name in re.findall(r"`([a-z_]+)`", cell)}
    assert named == {tool.name for tool in TOOLS}


def test_the_json_examples_are_json_and_point_at_mcp() -> None:
    text = (DOCS / "mcp.md").read_text()
    examples: list[Any] = [json.loads(block) for block in blocks(text, "json")]
    configs = [e for e in examples if "mcpServers" in e or "servers" in e]
    assert len(configs) == 4  # .mcp.json, Claude Desktop, Cursor, VS Code
    for config in configs:
        server = (config.get("mcpServers") or config["servers"])["skchat"]
        assert server.get("url") == "http://127.0.0.1:8080/mcp" or "http://127.0.0.1:8080/mcp" in server["args"]
    assert 'claude mcp add --transport http skchat http://127.0.0.1:8080/mcp --header "Authorization: Bearer' in text


def test_the_python_example_runs(
    base_url: str, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (snippet,) = blocks((DOCS / "mcp.md").read_text(), "python")
    monkeypatch.setenv("SKCHAT_MCP_URL", f"{base_url}/mcp")
    monkeypatch.setenv("SKCHAT_API_KEY", tenant.test_key)
    exec(compile(snippet, "docs/mcp.md", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out
    assert "tools: ['search_catalog', 'search_knowledge'," in printed
    assert "{'object': 'list', 'data': []}" in printed  # this tenant's catalog is empty
