"""The labelled files: single messages (a `text` field) or conversation scripts (a `turns` field).

Formats: `shared/data/demo-store/README.md` (nlu-dev.jsonl, conversations-dev.jsonl). A label that a
row lacks is simply not scored for that row, so a file with texts only still gives latencies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Kind = Literal["messages", "conversations"]


class DataError(Exception):
    """A file that cannot be evaluated: missing, not JSON lines, or neither kind."""


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    id: str
    text: str
    source: str  # the file it came from
    lang: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    expect_handoff: bool | None = None
    answer_article: str | None = None
    answer_item: str | None = None
    answer_must_contain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Script:
    id: str
    turns: tuple[str, ...]
    source: str
    expect_handoff_at: int | None = None
    expect_sentiment_change_at: int | None = None
    notes: str = ""
    # Which labels the file gives: a script without `expect_handoff_at` is not scored on it.
    labelled: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Dataset:
    messages: list[LabelledMessage] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    files: dict[str, Kind] = field(default_factory=dict)


def kind_of(row: dict[str, Any]) -> Kind | None:
    if isinstance(row.get("turns"), list):
        return "conversations"
    if isinstance(row.get("text"), str):
        return "messages"
    return None


def _opt_str(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    return value if isinstance(value, str) and value else None


def _opt_int(row: dict[str, Any], name: str, where: str) -> int | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataError(f"{where}: `{name}` must be a turn index (an integer >= 0) or null")
    return value


def _message(row: dict[str, Any], where: str, source: str) -> LabelledMessage:
    text = row["text"]
    if not text.strip():
        raise DataError(f"{where}: empty `text`")
    must = row.get("answer_must_contain") or []
    if not isinstance(must, list) or not all(isinstance(s, str) for s in must):
        raise DataError(f"{where}: `answer_must_contain` must be a list of strings")
    handoff = row.get("expect_handoff")
    return LabelledMessage(
        id=str(row.get("id") or where),
        text=text,
        source=source,
        lang=_opt_str(row, "lang"),
        intent=_opt_str(row, "intent"),
        sentiment=_opt_str(row, "sentiment"),
        expect_handoff=bool(handoff) if handoff is not None else None,
        answer_article=_opt_str(row, "answer_article"),
        answer_item=_opt_str(row, "answer_item"),
        answer_must_contain=tuple(must),
    )


def _script(row: dict[str, Any], where: str, source: str) -> Script:
    turns = row["turns"]
    if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
        raise DataError(f"{where}: `turns` must be a non-empty list of non-empty strings")
    return Script(
        id=str(row.get("id") or where),
        turns=tuple(turns),
        source=source,
        expect_handoff_at=_opt_int(row, "expect_handoff_at", where),
        expect_sentiment_change_at=_opt_int(row, "expect_sentiment_change_at", where),
        notes=str(row.get("notes") or ""),
        labelled=frozenset(k for k in ("expect_handoff_at", "expect_sentiment_change_at") if k in row),
    )


def read_file(path: Path, into: Dataset) -> Kind:
    """Add one file's rows to `into`; every line must be of the kind of the first."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    kind: Kind | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or (this := kind_of(row)) is None:
            raise DataError(f"{where}: neither a message (`text`) nor a conversation script (`turns`)")
        if kind is None:
            kind = this
        elif this != kind:
            raise DataError(f"{where}: a {this[:-1]} in a file of {kind}")
        if this == "messages":
            into.messages.append(_message(row, where, path.name))
        else:
            into.scripts.append(_script(row, where, path.name))
    if kind is None:
        raise DataError(f"{path}: no rows")
    into.files[str(path)] = kind
    return kind


def read_files(paths: list[Path]) -> Dataset:
    dataset = Dataset()
    for path in paths:
        read_file(path, dataset)
    return dataset
