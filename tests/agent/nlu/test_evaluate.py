from __future__ import annotations

import json
from pathlib import Path

import pytest

from skchat.agent.nlu.evaluate import main
from tests.agent.nlu.conftest import DEMO_INTENTS
from tests.agent.nlu.samples import SAMPLES


def test_evaluate_prints_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not DEMO_INTENTS.exists():
        pytest.skip(f"demo-store taxonomy not found at {DEMO_INTENTS}")
    data = tmp_path / "labelled.jsonl"
    rows = [
        {"id": f"t{i}", "text": t, "lang": lang, "intent": intent, "sentiment": s, "expect_handoff": h}
        for i, (t, lang, intent, s, h) in enumerate(SAMPLES[:20])
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    assert main([str(data), "--intents", str(DEMO_INTENTS)]) == 0
    out = capsys.readouterr().out
    assert "20 messages" in out
    assert "accuracy: intent" in out
    assert "handoff:  precision" in out
    assert "latency per annotate (ms): p50" in out
    assert "RSS MiB" in out


def test_evaluate_missing_file(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nope.jsonl")]) == 2
