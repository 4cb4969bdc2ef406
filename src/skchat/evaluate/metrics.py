"""Scoring what the API answered against the labels: pure functions, no I/O.

Each message (or script) is first judged on its own (`judge_message`, `judge_script`: what was
expected, what came back, which checks passed; None = not scored for lack of a label), then the
judgements are aggregated (`score_messages`, `score_scripts`). A share is
`{"correct", "total", "share"}` with `share` None when nothing was scored.

Rules, from the data's README and the issue:
- language: our BCP 47 tag's primary subtag against the label (`hi-Latn` counts as `hi`);
- facts: only rows with `answer_must_contain` that should not hand off; held when the AI reply
  contains every string, ignoring case, dash variety and thousands separators (`18500` ~ `₹18,500`);
  a handoff or no reply in time holds nothing;
- sources: rows naming `answer_article` / `answer_item` that should not hand off; a hit when the
  reply's sources include every id the row names;
- handoff: predicted when the message's first reaction is a handoff;
- scripts: the handoff turn must equal `expect_handoff_at` exactly (null = never); the first turn
  with a `chat.sentiment.changed` must equal `expect_sentiment_change_at` (null = no change at all).
- percentiles are nearest-rank.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from skchat.evaluate.outcomes import MessageResult, ScriptResult

FIELDS = ("lang", "intent", "sentiment")
SENTIMENTS = ("negative", "neutral", "positive")
NONE = "(none)"

_DASHES = re.compile(r"[\u002d\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_GROUPING = re.compile(r"(?<=\d)[,\u066c\u2009\u202f](?=\d)")
_SPACES = re.compile(r"\s+")


def normalise_fact(text: str) -> str:
    """Case, width, dashes, digit grouping and runs of spaces do not matter when checking a fact."""
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text)
    text = _GROUPING.sub("", text)
    return _SPACES.sub(" ", text).casefold().strip()


def missing_facts(reply: str | None, facts: Sequence[str]) -> list[str]:
    """The required strings the reply does not hold (all of them when there is no reply)."""
    if reply is None:
        return list(facts)
    body = normalise_fact(reply)
    return [fact for fact in facts if normalise_fact(fact) not in body]


def holds_facts(reply: str | None, facts: Sequence[str]) -> bool:
    return not missing_facts(reply, facts)


def primary_subtag(tag: str | None) -> str | None:
    """`hi-Latn` → `hi`; `EN` → `en`."""
    if not tag:
        return None
    return tag.split("-", 1)[0].split("_", 1)[0].lower()


def share(correct: int, total: int) -> dict[str, Any]:
    return {"correct": correct, "total": total, "share": correct / total if total else None}


def share_of(checks: Iterable[bool | None]) -> dict[str, Any]:
    """The share of True among the checks that were made (None = not scored)."""
    made = [c for c in checks if c is not None]
    return share(sum(made), len(made))


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile, q in [0, 1]."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def latency(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "p50": None, "p99": None, "mean": None, "max": None}
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5) or 0.0, 2),
        "p99": round(percentile(values, 0.99) or 0.0, 2),
        "mean": round(statistics.fmean(values), 2),
        "max": round(max(values), 2),
    }


def prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    """Precision, recall and F1; None where the denominator is zero."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def binary(pairs: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    """(expected, predicted) pairs → counts with precision, recall and F1 of the positive class."""
    counts = Counter((e, p) for e, p in pairs)
    tp, fp, fn, tn = counts[True, True], counts[False, True], counts[True, False], counts[False, False]
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, **prf(tp, fp, fn)}


def confusions(pairs: Iterable[tuple[str, str]], top: int = 10) -> list[dict[str, Any]]:
    """The most frequent (expected, got) mistakes."""
    counts = Counter((e, g) for e, g in pairs if e != g)
    return [{"expected": e, "got": g, "count": n} for (e, g), n in counts.most_common(top)]


def matrix(pairs: Iterable[tuple[str, str]], labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """expected → got → count, over `labels` (others counted under NONE)."""
    table = {e: dict.fromkeys([*labels, NONE], 0) for e in labels}
    for expected, got in pairs:
        if expected in table:
            table[expected][got if got in labels else NONE] += 1
    return table


def _check(expected: str | None, got: str | None) -> bool | None:
    return None if expected is None else expected == got


def judge_message(result: MessageResult) -> dict[str, Any]:
    """One message: what was expected, what came back, and which checks passed."""
    row, ann, reaction = result.row, result.annotated, result.reaction
    should_answer = row.expect_handoff is not True
    kind = reaction.kind if reaction else None
    reply = reaction.text if reaction is not None and reaction.kind == "reply" else None
    sources = list(reaction.sources) if reaction is not None else []
    got_lang = primary_subtag(ann.lang) if ann else None
    got_intent = (ann.intent or NONE) if ann else None
    got_sentiment = ann.sentiment if ann else None
    handoff = kind == "handoff"
    gold = [x for x in (row.answer_article, row.answer_item) if x]
    missing = missing_facts(reply, row.answer_must_contain)
    scored = result.error is None and ann is not None
    ok: dict[str, bool | None] = {
        "lang": _check(primary_subtag(row.lang), got_lang) if scored else None,
        "intent": _check(row.intent, got_intent) if scored else None,
        "sentiment": _check(row.sentiment, got_sentiment) if scored else None,
        "handoff": row.expect_handoff == handoff if scored and row.expect_handoff is not None else None,
        "facts": (not missing) if scored and row.answer_must_contain and should_answer else None,
        "sources": (reply is not None and set(gold) <= {i for _, i in sources})
        if scored and gold and should_answer
        else None,
    }
    return {
        "id": row.id,
        "source": row.source,
        "text": row.text,
        "conversation_id": result.conversation_id,
        "expected": {
            "lang": row.lang,
            "intent": row.intent,
            "sentiment": row.sentiment,
            "handoff": row.expect_handoff,
            "answer_article": row.answer_article,
            "answer_item": row.answer_item,
            "answer_must_contain": list(row.answer_must_contain),
        },
        "got": {
            "lang": ann.lang if ann else None,
            "intent": got_intent,
            "sentiment": got_sentiment,
            "sentiment_score": ann.sentiment_score if ann else None,
            "confidence": ann.confidence if ann else None,
            "reaction": kind,
            "handoff_reason": reaction.reason if reaction else None,
            "reply": reply,
            "reply_lang": reaction.lang if reaction else None,
            "sources": [f"{t}:{i}" for t, i in sources],
        },
        "ok": ok,
        "missing_facts": missing if ok["facts"] is False else [],
        "post_ms": result.post_ms,
        "reply_ms": reaction.server_ms if reaction else None,
        "observed_reply_ms": reaction.observed_ms if reaction else None,
        "error": result.error,
    }


def _pair(judged: dict[str, Any], name: str) -> tuple[str, str]:
    """(expected, got) of one field, languages on their primary subtag."""
    expected, got = judged["expected"][name], judged["got"][name]
    if name == "lang":
        expected, got = primary_subtag(expected), primary_subtag(got)
    return str(expected), str(got if got is not None else NONE)


def score_messages(judged: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy per field and per language, confusions, handoff P/R/F1, facts, sources, latency."""
    ran = [j for j in judged if j["error"] is None]
    by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for j in ran:
        by_lang[primary_subtag(j["expected"]["lang"]) or "?"].append(j)
    checks = (*FIELDS, "handoff", "facts", "sources")
    handoff_pairs = [
        (bool(j["expected"]["handoff"]), j["got"]["reaction"] == "handoff")
        for j in ran
        if j["expected"]["handoff"] is not None
    ]
    replies = [j for j in ran if j["got"]["reaction"] == "reply"]
    return {
        "count": len(judged),
        "errors": len(judged) - len(ran),
        "reactions": dict(Counter(j["got"]["reaction"] or "none" for j in ran)),
        "accuracy": {name: share_of(j["ok"][name] for j in ran) for name in FIELDS},
        "by_language": {
            lang: {"n": len(rows), **{name: share_of(j["ok"][name] for j in rows) for name in checks}}
            for lang, rows in sorted(by_lang.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        },
        "confusions": {name: confusions(_pair(j, name) for j in ran if j["ok"][name] is not None) for name in FIELDS},
        "sentiment_matrix": matrix(
            (_pair(j, "sentiment") for j in ran if j["ok"]["sentiment"] is not None), SENTIMENTS
        ),
        "handoff": binary(handoff_pairs),
        "handoff_reasons": dict(
            Counter(j["got"]["handoff_reason"] or "?" for j in ran if j["got"]["reaction"] == "handoff")
        ),
        "facts": share_of(j["ok"]["facts"] for j in ran),
        "sources": share_of(j["ok"]["sources"] for j in ran),
        "reply_in_expected_language": share_of(
            primary_subtag(j["got"]["reply_lang"]) == primary_subtag(j["expected"]["lang"])
            for j in replies
            if j["expected"]["lang"]
        ),
        "latency_ms": {
            "post": latency([j["post_ms"] for j in ran if j["post_ms"] is not None]),
            "reply": latency([j["reply_ms"] for j in replies if j["reply_ms"] is not None]),
            "observed_reply": latency([j["observed_reply_ms"] for j in replies if j["observed_reply_ms"] is not None]),
        },
    }


def first_change(turns: Sequence[int]) -> int | None:
    return min(turns) if turns else None


def judge_script(result: ScriptResult) -> dict[str, Any]:
    script = result.script
    handoff_at, changes = result.handoff_at, result.change_turns
    scored = result.error is None
    labelled = script.labelled
    return {
        "id": script.id,
        "source": script.source,
        "notes": script.notes,
        "conversation_id": result.conversation_id,
        "expected_handoff_at": script.expect_handoff_at,
        "handoff_at": handoff_at,
        "handoff_ok": handoff_at == script.expect_handoff_at if scored and "expect_handoff_at" in labelled else None,
        "expected_change_at": script.expect_sentiment_change_at,
        "change_turns": changes,
        "change_ok": (
            first_change(changes) == script.expect_sentiment_change_at
            if scored and "expect_sentiment_change_at" in labelled
            else None
        ),
        "turns_posted": len(result.turns),
        "turns_total": len(script.turns),
        "turns": [
            {
                "index": t.index,
                "text": t.text,
                "lang": t.annotated.lang if t.annotated else None,
                "intent": t.annotated.intent if t.annotated else None,
                "sentiment": t.annotated.sentiment if t.annotated else None,
                "sentiment_score": t.annotated.sentiment_score if t.annotated else None,
                "reaction": t.reaction.kind if t.reaction else None,
                "handoff_reason": t.reaction.reason if t.reaction else None,
                "reply": t.reaction.text if t.reaction else None,
                "sources": [f"{k}:{i}" for k, i in t.reaction.sources] if t.reaction else [],
                "post_ms": t.post_ms,
                "reply_ms": t.reaction.server_ms if t.reaction and t.reaction.kind == "reply" else None,
            }
            for t in result.turns
        ],
        "sentiment_changes": result.sentiment_changes,
        "error": result.error,
    }


def handoff_timing(expected: int | None, got: int | None) -> str:
    """right | early | late | missed (expected, none came) | spurious (none expected, one came)."""
    if expected == got:
        return "right"
    if got is None:
        return "missed"
    if expected is None:
        return "spurious"
    return "early" if got < expected else "late"


def score_scripts(judged: Sequence[dict[str, Any]]) -> dict[str, Any]:
    ran = [j for j in judged if j["error"] is None]
    turns = [t for j in ran for t in j["turns"]]
    return {
        "count": len(judged),
        "errors": len(judged) - len(ran),
        "handoff_turn": share_of(j["handoff_ok"] for j in ran),
        "handoff_timing": dict(
            Counter(
                handoff_timing(j["expected_handoff_at"], j["handoff_at"]) for j in ran if j["handoff_ok"] is not None
            )
        ),
        "sentiment_change_turn": share_of(j["change_ok"] for j in ran),
        "turns": len(turns),
        "timeouts": sum(1 for t in turns if t["reaction"] == "timeout"),
        "latency_ms": {
            "post": latency([t["post_ms"] for t in turns if t["post_ms"] is not None]),
            "reply": latency([t["reply_ms"] for t in turns if t["reply_ms"] is not None]),
        },
    }
