"""The evaluation's output: rich tables on the terminal, and every number (per row too) as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

# The issue's aims, for a held-out set (harder wording, more languages) measured through the API.
AIMS: dict[str, float] = {
    "intent": 0.80,
    "lang": 0.95,
    "sentiment": 0.75,
    "facts": 0.75,
    "handoff_f1": 0.80,
    "handoff_turn": 0.75,
}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def fmt_share(s: dict[str, Any]) -> str:
    return "—" if not s["total"] else f"{s['correct']}/{s['total']}  {pct(s['share'])}"


def _aim(name: str, value: float | None) -> str:
    aim = AIMS.get(name)
    if aim is None:
        return ""
    mark = "" if value is None else (" [green]✓[/]" if value >= aim else " [red]✗[/]")
    return f"≥ {pct(aim) if name != 'handoff_f1' else f'{aim:.2f}'}{mark}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _cut(text: str | None, width: int = 70) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return escape(text if len(text) <= width else text[: width - 1] + "…")


def messages_tables(m: dict[str, Any]) -> list[Table]:
    summary = Table(title=f"Single messages: {m['count']} ({m['errors']} failed to run)", title_justify="left")
    for column in ("measure", "result", "aim (held-out)"):
        summary.add_column(column)
    for name, label in (("lang", "language"), ("intent", "intent"), ("sentiment", "sentiment")):
        s = m["accuracy"][name]
        summary.add_row(label, fmt_share(s), _aim(name, s["share"]))
    summary.add_row("facts held in the reply", fmt_share(m["facts"]), _aim("facts", m["facts"]["share"]))
    summary.add_row("reply cites the gold article/item", fmt_share(m["sources"]), "")
    h = m["handoff"]
    summary.add_row(
        "handoff precision / recall",
        f"{pct(h['precision'])} / {pct(h['recall'])}  (tp {h['tp']}, fp {h['fp']}, fn {h['fn']}, tn {h['tn']})",
        "",
    )
    summary.add_row("handoff F1", "—" if h["f1"] is None else f"{h['f1']:.3f}", _aim("handoff_f1", h["f1"]))
    summary.add_row("reply in the customer's language", fmt_share(m["reply_in_expected_language"]), "")
    summary.add_row("reactions", ", ".join(f"{k} {v}" for k, v in sorted(m["reactions"].items())), "")
    if m["handoff_reasons"]:
        summary.add_row("handoff reasons", ", ".join(f"{k} {v}" for k, v in sorted(m["handoff_reasons"].items())), "")

    by_lang = Table(title="Per language (of the label)", title_justify="left")
    columns = ("lang", "intent", "sentiment", "handoff", "facts", "sources")
    by_lang.add_column("language")
    by_lang.add_column("n", justify="right")
    for column in columns:
        by_lang.add_column("lang id" if column == "lang" else column, justify="right")
    for lang, row in m["by_language"].items():
        by_lang.add_row(lang, str(row["n"]), *(fmt_share(row[c]) for c in columns))

    confused = Table(title="Most frequent confusions (expected → got)", title_justify="left")
    confused.add_column("field")
    confused.add_column("confusions")
    for name, pairs in m["confusions"].items():
        if pairs:
            confused.add_row(name, ", ".join(f"{p['expected']}→{p['got']} x{p['count']}" for p in pairs))

    sentiment = Table(title="Sentiment: expected (rows) by got (columns)", title_justify="left")
    sentiment.add_column("")
    labels = list(next(iter(m["sentiment_matrix"].values()), {}).keys())
    for label in labels:
        sentiment.add_column(label, justify="right")
    for expected, row in m["sentiment_matrix"].items():
        sentiment.add_row(expected, *(str(row[label]) for label in labels))
    return [summary, by_lang, confused, sentiment]


def latency_table(messages: dict[str, Any] | None, conversations: dict[str, Any] | None) -> Table:
    table = Table(title="Latency per message (ms)", title_justify="left")
    for column in ("what", "n", "p50", "p99", "mean", "max"):
        table.add_column(column, justify="left" if column == "what" else "right")
    rows: list[tuple[str, dict[str, Any]]] = []
    if messages:
        lat = messages["latency_ms"]
        rows += [
            ("POST round trip, annotation inside (messages)", lat["post"]),
            ("message stored → AI reply stored, server clock", lat["reply"]),
            ("POST sent → AI reply seen here (polling)", lat["observed_reply"]),
        ]
    if conversations:
        lat = conversations["latency_ms"]
        rows += [
            ("POST round trip (conversation turns)", lat["post"]),
            ("message stored → AI reply stored (turns)", lat["reply"]),
        ]
    for label, s in rows:
        table.add_row(label, str(s["n"]), _ms(s["p50"]), _ms(s["p99"]), _ms(s["mean"]), _ms(s["max"]))
    return table


def _turn(value: int | None) -> str:
    return "never" if value is None else str(value)


def _turns(values: list[int]) -> str:
    return ", ".join(str(v) for v in values) if values else "none"


def _ok(value: bool | None) -> str:
    return "" if value is None else ("[green]✓[/]" if value else "[red]✗[/]")


def conversations_tables(c: dict[str, Any]) -> list[Table]:
    summary = Table(title=f"Conversations: {c['count']} scripts ({c['errors']} failed to run)", title_justify="left")
    for column in ("measure", "result", "aim (held-out)"):
        summary.add_column(column)
    summary.add_row(
        "handoff at the right turn", fmt_share(c["handoff_turn"]), _aim("handoff_turn", c["handoff_turn"]["share"])
    )
    summary.add_row("handoff timing", ", ".join(f"{k} {v}" for k, v in sorted(c["handoff_timing"].items())) or "—", "")
    summary.add_row("sentiment change at the right turn", fmt_share(c["sentiment_change_turn"]), "")
    summary.add_row("turns posted / timed out", f"{c['turns']} / {c['timeouts']}", "")

    scripts = Table(title="Per script", title_justify="left", show_lines=True)
    for column in ("id", "turns", "handoff exp → got", "", "mood change exp → got", " ", "notes"):
        scripts.add_column(column)
    for s in c["scripts"]:
        note = s["notes"]
        if s["error"]:
            note = f"[red]failed: {escape(s['error'])}[/]"
        else:
            note = escape(note)
            reasons = [t["handoff_reason"] for t in s["turns"] if t["reaction"] == "handoff"]
            if reasons:
                note += f" [dim](handoff reason: {escape(reasons[0] or '?')})[/]"
        scripts.add_row(
            s["id"],
            f"{s['turns_posted']}/{s['turns_total']}",
            f"{_turn(s['expected_handoff_at'])} → {_turn(s['handoff_at'])}",
            _ok(s["handoff_ok"]),
            f"{_turn(s['expected_change_at'])} → {_turns(s['change_turns'])}",
            _ok(s["change_ok"]),
            note,
        )
    return [summary, scripts]


def misses_tables(messages: dict[str, Any] | None, conversations: dict[str, Any] | None) -> list[Table]:
    tables: list[Table] = []
    if messages:
        table = Table(title="Message misses", title_justify="left", show_lines=True)
        for column in ("id", "missed (expected → got)", "text", "reply"):
            table.add_column(column)
        for row in messages["rows"]:
            missed = [name for name, ok in row["ok"].items() if ok is False]
            if not missed and not row["error"]:
                continue
            parts = []
            for name in missed:
                if name in ("lang", "intent", "sentiment"):
                    parts.append(f"{name}: {row['expected'][name]} → {row['got'][name]}")
                elif name == "handoff":
                    reason = row["got"]["handoff_reason"]
                    parts.append(
                        f"handoff: {row['expected']['handoff']} → {row['got']['reaction']}"
                        + (f" ({reason})" if reason else "")
                    )
                elif name == "facts":
                    parts.append(f"facts missing: {row['missing_facts']}")
                else:
                    gold = [x for x in (row["expected"]["answer_article"], row["expected"]["answer_item"]) if x]
                    parts.append(f"sources: {gold} → {row['got']['sources']}")
            if row["error"]:
                parts.append(f"failed: {row['error']}")
            table.add_row(row["id"], escape("\n".join(parts)), _cut(row["text"], 60), _cut(row["got"]["reply"], 90))
        tables.append(table)
    if conversations:
        table = Table(title="Conversation turns (scripts with a miss)", title_justify="left", show_lines=True)
        for column in ("id", "#", "text", "annotation", "reaction"):
            table.add_column(column)
        for s in conversations["scripts"]:
            if s["handoff_ok"] is not False and s["change_ok"] is not False:
                continue
            changed = {c["turn"]: f"{c['from']}→{c['to']}" for c in s["sentiment_changes"]}
            for t in s["turns"]:
                annotation = f"{t['lang']} {t['intent']} {t['sentiment']} {t['sentiment_score']}"
                if t["index"] in changed:
                    annotation += f" mood {changed[t['index']]}"
                reaction = t["reaction"] or ""
                if t["reaction"] == "handoff":
                    reaction += f" ({t['handoff_reason']})"
                elif t["reply"]:
                    reaction += f": {t['reply']}"
                table.add_row(s["id"], str(t["index"]), _cut(t["text"], 50), escape(annotation), _cut(reaction, 90))
        tables.append(table)
    return tables


def print_report(report: dict[str, Any], console: Console, *, misses: bool = False) -> None:
    messages, conversations = report.get("messages"), report.get("conversations")
    run = report["run"]
    console.print(
        f"[bold]skchat eval[/] against {run['api']} ({'in-process service' if run['local'] else 'remote service'}), "
        f"concurrency {run['concurrency']}, timeout {run['timeout_s']:g} s, {run['duration_s']:.1f} s in all"
    )
    if messages:
        for table in messages_tables(messages):
            console.print(table)
    if conversations:
        for table in conversations_tables(conversations):
            console.print(table)
    console.print(latency_table(messages, conversations))
    cold = report.get("cold_start")
    if cold:
        console.print(
            f"Cold start, measured apart before the rows: the first customer message ('Hello') took "
            f"{_ms(cold['post_ms'])} ms to POST (it builds the tenant's intent model and search index, unless the "
            f"import's closing search built them), then {_ms(cold['reply_ms'])} ms to the agent's {cold['reaction']}."
        )
    if misses:
        for table in misses_tables(messages, conversations):
            console.print(table)
    console.print(
        "[dim]Aims are the issue's, for the held-out set; this is a measurement, not a gate. "
        "--json OUT has every row; --misses lists what went wrong.[/]"
    )


def write_json(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
