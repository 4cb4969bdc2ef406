"""Load a folder in the demo-store format (see shared/data/demo-store/README.md) as a `Corpus`, without the
database: for tests and the offline measurement of retrieval and replies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skchat.agent.types import Article, Corpus, IntentSpec, Item


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def item_from_record(record: dict[str, Any]) -> Item:
    """A catalog line as the API stores it: `price_inr` becomes a decimal `price`, the rest `attributes`."""
    known = {"id", "name", "description", "category", "price_inr", "price", "currency", "in_stock"}
    price = record.get("price_inr", record.get("price"))
    return Item(
        id=str(record["id"]),
        name=str(record["name"]),
        description=str(record.get("description") or ""),
        category=record.get("category"),
        price=f"{float(price):.2f}" if price is not None else None,
        currency=str(record.get("currency") or "INR"),
        in_stock=bool(record.get("in_stock", True)),
        attributes={k: v for k, v in record.items() if k not in known},
    )


def load_corpus(folder: str | Path) -> Corpus:
    root = Path(folder)
    store: dict[str, Any] = json.loads((root / "store.json").read_text(encoding="utf-8"))
    articles = tuple(
        Article(
            id=str(a["id"]),
            title=str(a["title"]),
            body=str(a["body"]),
            intent=a.get("intent"),
            tags=tuple(a.get("tags") or ()),
            lang=str(a.get("lang") or "en"),
        )
        for a in _lines(root / "knowledge.jsonl")
    )
    items = tuple(item_from_record(r) for r in _lines(root / "catalog.jsonl"))
    intents_path = root / "intents.json"
    raw_intents: list[dict[str, Any]] = (
        json.loads(intents_path.read_text(encoding="utf-8")) if intents_path.exists() else []
    )
    intents = tuple(
        IntentSpec(
            name=str(i["name"]), description=str(i.get("description") or ""), examples=tuple(i.get("examples") or ())
        )
        for i in raw_intents
    )
    return Corpus(
        articles=articles,
        items=items,
        intents=intents,
        store_name=str(store.get("name") or ""),
        languages=tuple(store.get("languages") or ("en",)),
    )
