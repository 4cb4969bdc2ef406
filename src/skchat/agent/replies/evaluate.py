"""Offline measurement of retrieval and reply composition on a labelled file, without the database or NLU.

    python -m skchat.agent.replies.evaluate [--store DIR] [--data FILE] [--dense] [--show]

It stands in for the NLU with the file's gold `lang` (romanized text becomes `hi-Latn`/`ta-Latn`) and
`intent`, so the numbers are those of retrieval and replies alone. It prints:
- facts: the share of replies holding every `answer_must_contain` string (case, dashes and thousands
  separators ignored, as the data's README says);
- retrieval hit@1 / hit@3 against `answer_article` / `answer_item`, and the composer's source hit rate;
- honesty: out-of-scope messages answered with `answered=False` and no sources;
- latency of build, search and compose.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from skchat.agent.replies.demo import load_corpus
from skchat.agent.replies.offline import OfflineReplyGenerator, gather_hits
from skchat.agent.retrieval import default_factory
from skchat.agent.retrieval.hybrid import HybridFactory
from skchat.agent.retrieval.text import is_indic, is_latin, raw_tokens
from skchat.agent.types import Annotation, Sentiment

_SHARED = Path(__file__).resolve().parents[5] / "shared" / "data"
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_GROUPING = re.compile(r"(?<=\d),(?=\d)")


def normalise_fact(text: str) -> str:
    return _GROUPING.sub("", _DASHES.sub("-", text)).casefold()


def holds(reply: str, facts: list[str]) -> bool:
    body = normalise_fact(reply)
    return all(normalise_fact(f) in body for f in facts)


def stand_in_lang(text: str, gold: str) -> str:
    """The gold language as the NLU would tag it: romanized Indic text gets `-Latn`."""
    tokens = raw_tokens(text)
    latin = sum(1 for t in tokens if is_latin(t))
    indic = sum(1 for t in tokens if is_indic(t))
    if gold != "en" and latin > indic:
        return f"{gold}-Latn"
    return gold


def _pct(values: list[bool]) -> str:
    return f"{sum(values)}/{len(values)} = {100 * sum(values) / len(values):.1f}%" if values else "n/a"


def run(store: Path, data: Path, *, dense: bool, show: bool, intents: bool = True) -> dict[str, Any]:
    corpus = load_corpus(store)
    started = time.perf_counter()
    factory = default_factory(sync_limit=None) if dense else HybridFactory()
    retriever = factory.build(corpus)
    build_s = time.perf_counter() - started
    composer = OfflineReplyGenerator()
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    facts: list[bool] = []
    facts_by_lang: dict[str, list[bool]] = defaultdict(list)
    hit1: list[bool] = []
    hit3: list[bool] = []
    cited: list[bool] = []
    honest: list[bool] = []
    search_ms: list[float] = []
    compose_ms: list[float] = []
    for row in rows:
        sentiment: Sentiment = row.get("sentiment") or "neutral"
        annotation = Annotation(
            lang=stand_in_lang(row["text"], row["lang"]),
            intent=row.get("intent") if intents else None,
            confidence=1.0,
            sentiment=sentiment,
            sentiment_score=0.0,
        )
        t0 = time.perf_counter()
        hits = gather_hits(retriever, row["text"], annotation, ())
        t1 = time.perf_counter()
        draft = composer.compose(row["text"], annotation, hits, corpus, ())
        t2 = time.perf_counter()
        search_ms.append((t1 - t0) * 1000)
        compose_ms.append((t2 - t1) * 1000)
        gold = {x for x in (row.get("answer_article"), row.get("answer_item")) if x}
        ids = [h.id for h in hits]
        if gold:
            hit1.append(bool(ids) and ids[0] in gold)
            hit3.append(bool(gold & set(ids[:3])))
            cited.append(bool(gold & {i for _, i in draft.sources}))
        must = list(row.get("answer_must_contain") or [])
        if must:
            ok = holds(draft.text, must)
            facts.append(ok)
            facts_by_lang[row["lang"]].append(ok)
        if row.get("intent") == "out_of_scope":
            honest.append(not draft.answered and not draft.sources)
        if show and ((must and not holds(draft.text, must)) or (gold and not (gold & {i for _, i in draft.sources}))):
            print(f"- {row['id']} [{annotation.lang} {row.get('intent')}] {row['text']}")
            print(f"  gold={sorted(gold)} must={must} hits={[(h.id, h.score) for h in hits[:3]]}")
            print(f"  reply({draft.lang}, answered={draft.answered}, sources={list(draft.sources)}): {draft.text}")
    report = {
        "facts": _pct(facts),
        "facts_by_lang": {lang: _pct(v) for lang, v in sorted(facts_by_lang.items())},
        "retrieval_hit@1": _pct(hit1),
        "retrieval_hit@3": _pct(hit3),
        "reply_cites_gold": _pct(cited),
        "out_of_scope_honest": _pct(honest),
        "build_s": round(build_s, 3),
        "search_ms_p50": round(statistics.median(search_ms), 2),
        "search_ms_p95": round(sorted(search_ms)[int(0.95 * (len(search_ms) - 1))], 2),
        "compose_ms_p50": round(statistics.median(compose_ms), 2),
        "compose_ms_p95": round(sorted(compose_ms)[int(0.95 * (len(compose_ms) - 1))], 2),
        "retriever": "hybrid (bm25 + e5)" if dense else "lexical (bm25)",
        "intent": "gold" if intents else "none",
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", type=Path, default=_SHARED / "demo-store")
    parser.add_argument("--data", type=Path, default=_SHARED / "nlu-dev.jsonl")
    parser.add_argument("--lexical", action="store_true", help="lexical retrieval only (no embeddings)")
    parser.add_argument("--no-intent", action="store_true", help="compose without the gold intent (worst-case NLU)")
    parser.add_argument("--show", action="store_true", help="print every miss")
    args = parser.parse_args()
    report = run(args.store, args.data, dense=not args.lexical, show=args.show, intents=not args.no_intent)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
