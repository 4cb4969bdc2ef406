"""The scoring rules of `skchat eval`, on small hand-made outcomes."""

from __future__ import annotations

import pytest

from skchat.evaluate.data import LabelledMessage, Script
from skchat.evaluate.metrics import (
    binary,
    handoff_timing,
    holds_facts,
    judge_message,
    judge_script,
    missing_facts,
    normalise_fact,
    percentile,
    primary_subtag,
    score_messages,
    score_scripts,
)
from skchat.evaluate.outcomes import Annotated, MessageResult, Reaction, ScriptResult, TurnResult
from skchat.evaluate.runner import reaction_to, sentiment_changes


@pytest.mark.parametrize(
    ("reply", "fact"),
    [
        ("Sarees from ₹18,500 upwards.", "18500"),
        ("Kanjivaram silk: ₹1,18,500.", "118500"),  # Indian grouping
        ("Delivery takes 1\u20132 days.", "1-2"),  # en dash in the reply, hyphen in the fact
        ("Delivery takes 1-2 days.", "1\u20132"),
        ("Delivery takes 2\u20144 days.", "2\u20134"),  # em dash
        ("Use code first10 at checkout.", "FIRST10"),
        ("Pay by   UPI or\nnetbanking.", "upi or netbanking"),
        ("Use \uff26\uff29\uff32\uff33\uff34\uff11\uff10.", "FIRST10"),  # full-width letters
    ],
)
def test_a_fact_is_held_whatever_the_case_dashes_and_grouping(reply: str, fact: str) -> None:
    assert holds_facts(reply, [fact])


def test_a_fact_is_missing_when_its_digits_or_words_differ() -> None:
    assert missing_facts("Delivery takes 1\u20133 days; ₹1,850.", ["1\u20132", "18500", "1850"]) == [
        "1\u20132",
        "18500",
    ]
    assert missing_facts(None, ["Chennai"]) == ["Chennai"]
    assert not holds_facts("", ["x"])
    assert holds_facts("anything", [])
    # a comma that is not between digits is kept
    assert normalise_fact("Chennai, 1,999") == "chennai, 1999"


def test_primary_subtag() -> None:
    assert primary_subtag("hi-Latn") == "hi"
    assert primary_subtag("EN") == "en"
    assert primary_subtag("ta_Latn") == "ta"
    assert primary_subtag(None) is None


def test_precision_recall_f1() -> None:
    pairs = [(True, True)] * 3 + [(False, True)] * 1 + [(True, False)] * 2 + [(False, False)] * 4
    result = binary(pairs)
    assert (result["tp"], result["fp"], result["fn"], result["tn"]) == (3, 1, 2, 4)
    assert result["precision"] == pytest.approx(0.75)
    assert result["recall"] == pytest.approx(0.6)
    assert result["f1"] == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    nothing = binary([(False, False)])
    assert nothing["precision"] is None and nothing["recall"] is None and nothing["f1"] is None
    assert binary([(True, False), (False, True)])["f1"] == 0.0


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) is None


def labelled(id_: str, lang: str, **labels: object) -> LabelledMessage:
    defaults: dict[str, object] = {"intent": "greeting", "sentiment": "neutral", "expect_handoff": False}
    return LabelledMessage(id=id_, text=f"text {id_}", source="t.jsonl", lang=lang, **{**defaults, **labels})  # type: ignore[arg-type]


def result(
    row: LabelledMessage, lang: str, intent: str | None, sentiment: str, reaction: Reaction | None
) -> MessageResult:
    return MessageResult(row, "cnv_1", "msg_1", Annotated(lang, intent, sentiment, 0.0, 0.9), 12.0, reaction)


def reply(text: str, *sources: tuple[str, str], ms: float = 40.0) -> Reaction:
    return Reaction("reply", text=text, lang="en", sources=sources, server_ms=ms, observed_ms=ms + 20)


def test_messages_are_scored_per_field_and_per_language() -> None:
    rows = [
        # en: language right, intent right, facts held, source cited
        result(
            labelled("a", "en", intent="delivery_area", answer_article="kb_a", answer_must_contain=("1\u20132",)),
            "en",
            "delivery_area",
            "neutral",
            reply("Free delivery, 1-2 days.", ("article", "kb_a")),
        ),
        # hi (romanized): hi-Latn counts as hi; wrong intent; facts missing; wrong source
        result(
            labelled("b", "hi", intent="product_price", answer_item="itm_b", answer_must_contain=("₹1,999",)),
            "hi-Latn",
            "product_availability",
            "neutral",
            reply("It costs ₹1,499.", ("item", "itm_c")),
        ),
        # hi: should hand off and did; no intent found; facts not scored (handoff rows)
        result(
            labelled("c", "hi", intent="human_request", sentiment="negative", expect_handoff=True),
            "hi",
            None,
            "negative",
            Reaction("handoff", reason="customer_request", server_ms=5.0),
        ),
        # en: handed off although it should not (a false positive); facts not held (no reply)
        result(
            labelled("d", "en", sentiment="negative", answer_must_contain=("refund",)),
            "ta",
            "greeting",
            "neutral",
            Reaction("handoff", reason="negative_sentiment"),
        ),
        # en: should hand off, the agent answered (a false negative)
        result(labelled("e", "en", expect_handoff=True), "en", "greeting", "neutral", reply("Hello!")),
    ]
    failed = MessageResult(labelled("f", "en"), error="POST /conversations: 500 internal_error")
    judged = [judge_message(r) for r in [*rows, failed]]
    scores = score_messages(judged)

    assert scores["count"] == 6 and scores["errors"] == 1
    assert scores["accuracy"]["lang"] == {"correct": 4, "total": 5, "share": 0.8}
    assert scores["accuracy"]["intent"]["correct"] == 3  # a, d, e
    assert scores["accuracy"]["sentiment"]["correct"] == 4  # d missed
    assert scores["by_language"]["hi"]["n"] == 2
    assert scores["by_language"]["hi"]["lang"]["share"] == 1.0
    assert scores["by_language"]["hi"]["intent"]["share"] == 0.0
    assert scores["by_language"]["en"]["lang"] == {"correct": 2, "total": 3, "share": 2 / 3}
    assert list(scores["by_language"]) == ["en", "hi"]  # the most frequent first
    assert scores["facts"] == {"correct": 1, "total": 3, "share": 1 / 3}
    assert scores["sources"] == {"correct": 1, "total": 2, "share": 0.5}
    h = scores["handoff"]
    assert (h["tp"], h["fp"], h["fn"], h["tn"]) == (1, 1, 1, 2)  # a and b are true negatives
    assert h["f1"] == pytest.approx(0.5)
    assert scores["handoff_reasons"] == {"customer_request": 1, "negative_sentiment": 1}
    assert {"expected": "product_price", "got": "product_availability", "count": 1} in scores["confusions"]["intent"]
    assert {"expected": "human_request", "got": "(none)", "count": 1} in scores["confusions"]["intent"]
    assert scores["confusions"]["lang"] == [{"expected": "en", "got": "ta", "count": 1}]
    assert scores["sentiment_matrix"]["negative"] == {"negative": 1, "neutral": 1, "positive": 0, "(none)": 0}
    assert scores["latency_ms"]["post"]["n"] == 5
    assert scores["latency_ms"]["reply"]["n"] == 3  # replies only, not handoffs
    assert scores["reactions"] == {"reply": 3, "handoff": 2}

    by_id = {j["id"]: j for j in judged}
    assert by_id["b"]["missing_facts"] == ["₹1,999"]
    assert by_id["c"]["ok"]["facts"] is None and by_id["c"]["ok"]["handoff"] is True
    assert by_id["f"]["ok"] == dict.fromkeys(("lang", "intent", "sentiment", "handoff", "facts", "sources"))


def test_a_reply_must_cite_every_gold_source_it_names() -> None:
    row = labelled("g", "en", answer_article="kb_restock", answer_item="itm_x")
    one = judge_message(result(row, "en", "greeting", "neutral", reply("…", ("article", "kb_restock"))))
    both = judge_message(
        result(row, "en", "greeting", "neutral", reply("…", ("item", "itm_x"), ("article", "kb_restock")))
    )
    assert one["ok"]["sources"] is False and both["ok"]["sources"] is True


def script_result(expect_handoff_at: int | None, expect_change_at: int | None, reactions: list[str]) -> ScriptResult:
    script = Script(
        "s1",
        tuple(f"turn {i}" for i in range(4)),
        "c.jsonl",
        expect_handoff_at,
        expect_change_at,
        labelled=frozenset({"expect_handoff_at", "expect_sentiment_change_at"}),
    )
    turns = [TurnResult(i, f"turn {i}", f"msg_{i}", None, 10.0, Reaction(kind)) for i, kind in enumerate(reactions)]  # type: ignore[arg-type]
    return ScriptResult(script, "cnv_1", turns)


def test_scripts_score_the_handoff_turn_exactly_and_the_first_mood_change() -> None:
    right = script_result(2, 1, ["reply", "reply", "handoff"])
    right.sentiment_changes = [{"turn": 1, "from": "neutral", "to": "negative", "score": -0.4}]
    late = script_result(1, None, ["reply", "reply", "handoff"])
    missed = script_result(3, None, ["reply", "reply", "reply", "timeout"])
    spurious = script_result(None, 2, ["handoff"])
    never = script_result(None, None, ["reply"] * 4)
    never.sentiment_changes = [{"turn": 3, "from": "neutral", "to": "positive", "score": 0.3}]
    judged = [judge_script(s) for s in (right, late, missed, spurious, never)]
    assert [j["handoff_at"] for j in judged] == [2, 2, None, 0, None]
    assert [j["handoff_ok"] for j in judged] == [True, False, False, False, True]
    assert [j["change_ok"] for j in judged] == [True, True, True, False, False]
    scores = score_scripts(judged)
    assert scores["handoff_turn"] == {"correct": 2, "total": 5, "share": 0.4}
    assert scores["handoff_timing"] == {"right": 2, "late": 1, "missed": 1, "spurious": 1}
    assert scores["sentiment_change_turn"]["correct"] == 3
    assert scores["timeouts"] == 1
    assert handoff_timing(3, 1) == "early"


def event(seq: int, type_: str, ms: int, **data: object) -> dict[str, object]:
    return {"type": type_, "sequence": seq, "created_at": f"2026-11-23T10:00:00.{ms:03d}Z", **data}


def test_the_reaction_is_the_first_ai_reply_or_handoff_after_the_message() -> None:
    events = [
        event(1, "chat.conversation.created", 0),
        event(2, "chat.message.received", 10, message_id="msg_1"),
        event(3, "chat.message.sent", 60, sender={"type": "ai", "id": "agt_1"}, text="Hi!", lang="en", sources=[]),
        event(4, "chat.message.received", 100, message_id="msg_2"),
        event(5, "chat.sentiment.changed", 100, message_id="msg_2", **{"from": "neutral", "to": "negative"}),
        event(6, "chat.handoff.requested", 100, reason="customer_request", detail="asked"),
        event(7, "chat.message.sent", 150, sender={"type": "ai", "id": "agt_1"}, text="Connecting you…"),
        event(8, "chat.message.received", 200, message_id="msg_3"),
        event(9, "chat.message.sent", 300, sender={"type": "member", "id": "mem_1"}, text="I'm here"),
    ]
    first = reaction_to(events, "msg_1")
    assert first is not None and first.kind == "reply" and first.text == "Hi!" and first.server_ms == 50.0
    second = reaction_to(events, "msg_2")
    assert second is not None and second.kind == "handoff" and second.reason == "customer_request"
    assert reaction_to(events, "msg_3") is None  # a person's reply is not the agent's
    assert reaction_to(events, "msg_unknown") is None
    assert reaction_to(events[:4], "msg_1") is not None
    assert reaction_to(events[:2], "msg_1") is None
    changes = sentiment_changes(events, {"msg_1": 0, "msg_2": 1})
    assert changes == [{"turn": 1, "from": "neutral", "to": "negative", "score": None}]
