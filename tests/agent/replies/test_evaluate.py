"""The offline measurement: fact matching as the data's README defines it, and a run on a small file."""

from __future__ import annotations

import json
from pathlib import Path

from skchat.agent.replies.evaluate import holds, run, stand_in_lang
from tests.agent.retrieval.conftest import DEMO_STORE


def test_facts_match_ignoring_case_dashes_and_thousands_separators() -> None:
    assert holds("The saree costs ₹18,500.", ["18500"])
    assert holds("Delivery in 1\u20132 days", ["1-2", "DELIVERY"])
    assert holds("Orders of ₹1,999 and above", ["₹1,999"])
    assert not holds("Delivery in 2\u20134 days", ["1\u20132"])
    assert not holds("Costs ₹1,850", ["18500"])


def test_stand_in_language_marks_romanized_text() -> None:
    assert stand_in_lang("refund kab aayega bhai?", "hi") == "hi-Latn"
    assert stand_in_lang("रिफंड कब आएगा?", "hi") == "hi"
    assert stand_in_lang("Where is my parcel?", "en") == "en"


def test_run_reports_facts_retrieval_and_honesty(tmp_path: Path) -> None:
    if not DEMO_STORE.exists():
        import pytest

        pytest.skip("demo store not available")
    rows = [
        {
            "id": "t1",
            "text": "Is there a COD fee outside Chennai?",
            "lang": "en",
            "intent": "payment_methods",
            "answer_article": "kb_cod_rules",
            "answer_item": None,
            "answer_must_contain": ["₹40"],
        },
        {
            "id": "t2",
            "text": "price of the navy terry bath towel",
            "lang": "en",
            "intent": "product_price",
            "answer_article": None,
            "answer_item": "itm_towel_bath_terry_navy",
            "answer_must_contain": ["499"],
        },
        {
            "id": "t3",
            "text": "who painted the Mona Lisa?",
            "lang": "en",
            "intent": "out_of_scope",
            "answer_article": None,
            "answer_item": None,
            "answer_must_contain": [],
        },
    ]
    data = tmp_path / "labelled.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = run(DEMO_STORE, data, dense=False, show=False)
    assert report["facts"] == "2/2 = 100.0%"
    assert report["retrieval_hit@1"] == "2/2 = 100.0%"
    assert report["out_of_scope_honest"] == "1/1 = 100.0%"
    assert report["search_ms_p50"] < 50
