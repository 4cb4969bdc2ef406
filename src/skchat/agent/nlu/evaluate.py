"""Measure an NLU provider on a labelled jsonl file (the format of nlu-dev.jsonl).

    python -m skchat.agent.nlu.evaluate ../shared/data/nlu-dev.jsonl [--intents intents.json] [--provider offline]

Prints accuracy per field and per language (languages compared on the primary subtag: `hi-Latn` counts as
`hi`), handoff precision/recall/F1 (any of the three flags against `expect_handoff`), the most frequent
confusions, p50/p99 latency of one `annotate` (models warmed first, so this is the steady state), and
the process RSS after loading and at the end. `--errors` lists every miss.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from skchat.agent.nlu.language import primary_subtag
from skchat.agent.nlu.registry import get_nlu
from skchat.agent.types import Annotation, IntentSpec


def rss_mib() -> float:
    """Resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def load_intents(path: Path) -> tuple[IntentSpec, ...]:
    data = json.loads(path.read_text())
    return tuple(
        IntentSpec(name=d["name"], description=d.get("description", ""), examples=tuple(d.get("examples", ())))
        for d in data
    )


def _default_intents(data: Path) -> Path:
    return data.parent / "demo-store" / "intents.json"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def evaluate(rows: list[dict[str, Any]], intents: tuple[IntentSpec, ...], provider: str, errors: bool) -> None:
    rss_start = rss_mib()
    nlu = get_nlu(provider)
    warm = getattr(nlu, "warm", None)
    t0 = time.perf_counter()
    if callable(warm):
        warm(intents)
    load_s = time.perf_counter() - t0
    rss_loaded = rss_mib()

    results: list[tuple[dict[str, Any], Annotation]] = []
    latencies: list[float] = []
    cpu_start = time.process_time()
    for row in rows:
        start = time.perf_counter()
        annotation = nlu.annotate(row["text"], intents)
        latencies.append((time.perf_counter() - start) * 1000)
        results.append((row, annotation))
    # CPU time of all threads per message: unlike wall time, it does not grow when other processes compete.
    cpu_ms = (time.process_time() - cpu_start) * 1000 / max(len(rows), 1)

    fields = ("intent", "lang", "sentiment")
    total: Counter[str] = Counter()
    by_lang: dict[str, Counter[str]] = defaultdict(Counter)
    confusions: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    tp = fp = fn = 0
    for row, ann in results:
        got = {"intent": ann.intent or "None", "lang": primary_subtag(ann.lang), "sentiment": ann.sentiment}
        lang = row.get("lang", "?")
        by_lang[lang]["n"] += 1
        total["n"] += 1
        for field in fields:
            if field not in row:
                continue
            ok = got[field] == row[field]
            total[field] += ok
            by_lang[lang][field] += ok
            if not ok:
                confusions[field][(str(row[field]), got[field])] += 1
                if errors:
                    print(f"  miss {field:9} {row[field]!s:>20} -> {got[field]:<20} {row.get('id', '')} {row['text']}")
        if "expect_handoff" in row:
            predicted = ann.wants_human or ann.escalation or ann.sensitive
            expected = bool(row["expect_handoff"])
            tp += predicted and expected
            fp += predicted and not expected
            fn += expected and not predicted
            if errors and predicted != expected:
                flags = [n for n in ("wants_human", "escalation", "sensitive") if getattr(ann, n)]
                print(f"  miss handoff  expected={expected} flags={flags} {row.get('id', '')} {row['text']}")

    n = total["n"]
    print(f"\n{n} messages, provider={provider}, {len(intents)} intents")
    print("accuracy: " + "  ".join(f"{f} {total[f] / n:.1%}" for f in fields))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"handoff:  precision {precision:.1%}  recall {recall:.1%}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    print("\nper language:")
    for lang, counts in sorted(by_lang.items(), key=lambda item: -item[1]["n"]):
        m = counts["n"]
        print(f"  {lang:4} n={m:<4}" + "  ".join(f"{f} {counts[f] / m:6.1%}" for f in fields))
    print("\nmost frequent confusions (expected -> got):")
    for field in fields:
        top = confusions[field].most_common(5)
        if top:
            print(f"  {field}: " + ", ".join(f"{a}->{b} x{c}" for (a, b), c in top))
    print(
        "\nlatency per annotate (ms): "
        + (
            f"p50 {statistics.median(latencies):.2f}  p99 {_percentile(latencies, 0.99):.2f}  "
            f"max {max(latencies):.2f}  mean {statistics.fmean(latencies):.2f}; "
            f"CPU of all threads {cpu_ms:.2f} a message"
        )
    )
    print(
        f"load (warm) {load_s:.2f} s; RSS MiB: start {rss_start:.0f}, after load {rss_loaded:.0f}, end {rss_mib():.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skchat.agent.nlu.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="labelled jsonl (id, text, lang, intent, sentiment, expect_handoff)")
    parser.add_argument("--intents", type=Path, help="intents.json (default: demo-store/intents.json beside PATH)")
    parser.add_argument("--provider", default="offline")
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    intents_path = args.intents or _default_intents(args.path)
    if not args.path.exists() or not intents_path.exists():
        print(f"missing {args.path if not args.path.exists() else intents_path}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.path.read_text().splitlines() if line.strip()]
    evaluate(rows, load_intents(intents_path), args.provider, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
