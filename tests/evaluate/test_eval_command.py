"""`skchat eval` end to end: a tiny labelled file through a real server whose worker runs the agent."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from skchat.cli import app
from tests.conftest import ServerThread, Tenant


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


MESSAGES = [
    {
        "id": "t1",
        "text": "Is shipping to Chennai possible, and how many days would it take?",
        "lang": "en",
        "intent": "delivery_area",
        "sentiment": "neutral",
        "expect_handoff": False,
        "answer_article": "kb_delivery_chennai",
        "answer_item": None,
        "answer_must_contain": ["Chennai"],
    },
    {
        "id": "t2",
        "text": "Stop the bot. Connect me to a human agent, right now.",
        "lang": "en",
        "intent": "human_request",
        "sentiment": "negative",
        "expect_handoff": True,
        "answer_article": None,
        "answer_item": None,
        "answer_must_contain": [],
    },
    {
        "id": "t3",
        "text": "क्या आप कैश ऑन डिलीवरी लेते हैं?",
        "lang": "hi",
        "intent": "payment_methods",
        "sentiment": "neutral",
        "expect_handoff": False,
        "answer_article": None,
        "answer_item": None,
        "answer_must_contain": [],
    },
]
SCRIPT = {
    "id": "tc1",
    "turns": ["Hello there", "Please let me talk to a real person from your team"],
    "expect_handoff_at": 1,
    "expect_sentiment_change_at": None,
    "notes": "A greeting, then a request for a person.",
}


def test_eval_runs_messages_and_a_conversation_through_the_api(
    tmp_path: Path,
    agent_server: ServerThread,
    make_tenant: Callable[[str], Tenant],
    demo_store: Path,
) -> None:
    tenant = make_tenant("Kaveri Threads")
    messages = write_jsonl(tmp_path / "messages.jsonl", MESSAGES)
    scripts = write_jsonl(tmp_path / "scripts.jsonl", [SCRIPT])
    out = tmp_path / "report.json"
    args = ["eval", str(messages), str(scripts), "--api", agent_server.base_url, "--key", tenant.test_key]
    args += ["--store", str(demo_store), "--json", str(out), "--misses", "--timeout", "20"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Single messages: 3" in result.output and "Per script" in result.output

    report = json.loads(out.read_text())
    assert report["run"]["files"] == {str(messages): "messages", str(scripts): "conversations"}
    assert report["run"]["import"]["failed"] == 0
    assert report["cold_start"]["reaction"] == "reply"

    m = report["messages"]
    assert m["count"] == 3 and m["errors"] == 0
    for field in ("lang", "intent", "sentiment"):
        assert m["accuracy"][field]["total"] == 3
    assert m["accuracy"]["lang"]["correct"] == 3  # `hi` for the Devanagari question
    assert set(m["by_language"]) == {"en", "hi"} and m["by_language"]["en"]["n"] == 2
    rows = {row["id"]: row for row in m["rows"]}
    assert rows["t2"]["got"]["reaction"] == "handoff"
    assert rows["t2"]["got"]["handoff_reason"] == "customer_request"
    assert rows["t1"]["got"]["reaction"] == "reply" and rows["t1"]["got"]["reply"]
    assert rows["t3"]["got"]["reaction"] == "reply"
    assert m["handoff"]["tp"] == 1 and m["handoff"]["fn"] == 0 and m["handoff"]["recall"] == 1.0
    assert m["facts"]["total"] == 1  # only t1 names facts
    assert m["sources"]["total"] == 1
    assert all(r["got"]["sources"] == [] or r["got"]["reaction"] == "reply" for r in m["rows"])
    latency = m["latency_ms"]
    assert latency["post"]["n"] == 3 and latency["post"]["p50"] > 0
    assert latency["reply"]["n"] == 2 and latency["observed_reply"]["p99"] >= latency["observed_reply"]["p50"]
    assert len({row["conversation_id"] for row in m["rows"]}) == 3  # a conversation per message

    c = report["conversations"]
    assert c["count"] == 1 and c["errors"] == 0
    (script,) = c["scripts"]
    assert script["handoff_at"] == 1 and script["handoff_ok"] is True
    assert script["turns_posted"] == 2 and [t["reaction"] for t in script["turns"]] == ["reply", "handoff"]
    assert c["handoff_turn"] == {"correct": 1, "total": 1, "share": 1.0}


def test_a_script_stops_at_the_handoff(
    tmp_path: Path, agent_server: ServerThread, make_tenant: Callable[[str], Tenant], demo_store: Path
) -> None:
    tenant = make_tenant("Kaveri Threads")
    script = {**SCRIPT, "turns": ["I need a human, not a bot", "hello?", "anyone?"], "expect_handoff_at": 0}
    scripts = write_jsonl(tmp_path / "scripts.jsonl", [script])
    out = tmp_path / "report.json"
    args = ["eval", str(scripts), "--api", agent_server.base_url, "--key", tenant.test_key]
    result = CliRunner().invoke(app, [*args, "--store", str(demo_store), "--json", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    (judged,) = report["conversations"]["scripts"]
    assert judged["turns_posted"] == 1 and judged["turns_total"] == 3 and judged["handoff_at"] == 0
    assert report["messages"] is None


def test_bad_files_and_arguments_exit_2_before_anything_runs(tmp_path: Path) -> None:
    neither = write_jsonl(tmp_path / "odd.jsonl", [{"id": "x", "question": "?"}])
    result = CliRunner().invoke(
        app, ["eval", str(neither), "--api", "http://127.0.0.1:9", "--key", "sk_test_" + "a" * 32]
    )
    assert result.exit_code == 2
    assert "neither a message" in result.output

    mixed = write_jsonl(tmp_path / "mixed.jsonl", [MESSAGES[0], SCRIPT])
    result = CliRunner().invoke(
        app, ["eval", str(mixed), "--api", "http://127.0.0.1:9", "--key", "sk_test_" + "a" * 32]
    )
    assert result.exit_code == 2 and "mixed.jsonl:2" in result.output

    result = CliRunner().invoke(app, ["eval", str(tmp_path / "absent.jsonl")])
    assert result.exit_code == 2

    good = write_jsonl(tmp_path / "good.jsonl", MESSAGES)
    result = CliRunner().invoke(app, ["eval", str(good), "--api", "http://127.0.0.1:9"])
    assert result.exit_code == 2 and "--api needs --key" in result.output
    result = CliRunner().invoke(app, ["eval", str(good), "--key", "pk_nope"])
    assert result.exit_code == 2


def test_an_unreachable_server_is_a_failure_to_run(tmp_path: Path, demo_store: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", MESSAGES)
    args = ["eval", str(good), "--api", "http://127.0.0.1:9", "--key", "sk_test_" + "a" * 32, "--no-import"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "Evaluation failed" in result.output
