"""Reading a store folder in the demo-store format, checked line by line before anything is sent.

The format (see shared/data/demo-store/README.md): `store.json` (name, description, currency,
languages), `knowledge.jsonl` (one article per line), `catalog.jsonl` (one product per line)
and `intents.json` (a list of {name, description, examples}). Any of them may be absent, but
not all. Each record is validated with the API's own request models, so a bad value is
reported with its file and line number before the first write, not halfway through.

Catalog lines map to the API's item: `price_inr` (rupees) becomes `price` ("1999.00") with
the line's `currency`, else the store's, else INR; `sizes`, `colors`, `stock_by_size` and any
other field the item has no place for go into `attributes`. Articles and items need an `id`:
it is what makes a second import update the same rows instead of adding copies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError

from skchat.agents.schemas import Languages
from skchat.catalog.schemas import ItemCreate
from skchat.intents.schemas import IntentUpsert
from skchat.knowledge.schemas import ArticleCreate

Kind = Literal["store", "intent", "article", "item"]
FILES = ("store.json", "intents.json", "knowledge.jsonl", "catalog.jsonl")
ITEM_FIELDS = frozenset({"id", "name", "description", "category", "price", "currency", "in_stock", "attributes"})
_LANGUAGES: TypeAdapter[list[str]] = TypeAdapter(Languages)


class FolderError(Exception):
    """The folder cannot be imported; `problems` lists every one found, each with its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing to import: its API body, its key (id or name) and where it came from."""

    kind: Kind
    key: str
    body: dict[str, Any]
    where: str


@dataclass
class Store:
    name: str | None = None
    description: str | None = None
    currency: str = "INR"
    languages: list[str] = field(default_factory=list)


@dataclass
class Folder:
    path: Path
    store: Store | None
    intents: list[Entry]
    articles: list[Entry]
    items: list[Entry]

    @property
    def total(self) -> int:
        return (self.store is not None) + len(self.intents) + len(self.articles) + len(self.items)


def _messages(error: ValidationError) -> list[str]:
    out = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"]) or "line"
        out.append(f"{where}: {e['msg'].removeprefix('Value error, ')}")
    return out


def _validated(model: type[BaseModel], raw: dict[str, Any], where: str, problems: list[str]) -> BaseModel | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(f"{where}: {m}" for m in _messages(exc))
        return None


def _load_json(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{path.name}: not UTF-8 text")
    except json.JSONDecodeError as exc:
        problems.append(f"{path.name}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})")
    return None


def _jsonl(path: Path, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    lines: list[tuple[int, dict[str, Any]]] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{path.name}: not UTF-8 text")
        return lines
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{number}: not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(value, dict):
            problems.append(f"{path.name}:{number}: expected a JSON object, got {type(value).__name__}")
            continue
        lines.append((number, value))
    return lines


def _store(path: Path, problems: list[str]) -> Store | None:
    raw = _load_json(path, problems)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{path.name}: expected a JSON object")
        return None
    store = Store()
    for key in ("name", "description"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{path.name}: {key}: must be a non-empty string")
        elif value is not None:
            setattr(store, key, value.strip())
    currency = raw.get("currency", "INR")
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
        problems.append(f"{path.name}: currency: must be an ISO 4217 code such as INR")
    else:
        store.currency = currency
    if "languages" in raw:
        try:
            store.languages = _LANGUAGES.validate_python(raw["languages"])
        except ValidationError as exc:
            problems.extend(f"{path.name}: languages.{m}" for m in _messages(exc))
    return store


def _intents(path: Path, problems: list[str]) -> list[Entry]:
    raw = _load_json(path, problems)
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(f"{path.name}: expected a JSON list of intents")
        return []
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for index, value in enumerate(raw, start=1):
        where = f"{path.name}: intent #{index}"
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a JSON object")
            continue
        model = _validated(IntentUpsert, value, where, problems)
        if model is None:
            continue
        name = value["name"]
        if name in seen:
            problems.append(f"{where}: name {name} already appears as {seen[name]}")
            continue
        seen[name] = f"intent #{index}"
        entries.append(Entry("intent", name, model.model_dump(), where))
    return entries


def _price(value: Any) -> str | None:
    """`price_inr` as a decimal string with two places, or None when it is not a plain amount."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    cents = amount.quantize(Decimal("0.01"))
    return str(cents) if amount == cents and amount >= 0 and amount.is_finite() else None


def _item_body(raw: dict[str, Any], store: Store | None, where: str, problems: list[str]) -> dict[str, Any] | None:
    body = {k: v for k, v in raw.items() if k in ITEM_FIELDS and k != "attributes"}
    attributes = raw.get("attributes", {})
    if not isinstance(attributes, dict):
        problems.append(f"{where}: attributes: must be a JSON object")
        return None
    extra = {k: v for k, v in raw.items() if k not in ITEM_FIELDS and k != "price_inr"}
    body["attributes"] = {**extra, **attributes}
    if "price_inr" in raw:
        if "price" in raw:
            problems.append(f"{where}: give either price or price_inr, not both")
            return None
        price = _price(raw["price_inr"])
        if price is None:
            problems.append(f"{where}: price_inr: must be a non-negative amount in rupees, e.g. 1999")
            return None
        body["price"] = price
    body.setdefault("currency", store.currency if store else "INR")
    return body


def _records(path: Path, kind: Literal["article", "item"], store: Store | None, problems: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, raw in _jsonl(path, problems):
        where = f"{path.name}:{number}"
        if not isinstance(raw.get("id"), str) or not raw["id"].strip():
            problems.append(f"{where}: id: required, so that importing again updates this row instead of copying it")
            continue
        body = raw if kind == "article" else _item_body(raw, store, where, problems)
        if body is None:
            continue
        model = _validated(ArticleCreate if kind == "article" else ItemCreate, body, where, problems)
        if model is None:
            continue
        key = raw["id"]
        if key in seen:
            problems.append(f"{where}: id {key} already appears on line {seen[key]}")
            continue
        seen[key] = number
        entries.append(Entry(kind, key, model.model_dump(), where))
    return entries


def read_folder(path: Path) -> Folder:
    """The folder's records, every one valid; or FolderError listing every problem found."""
    if not path.is_dir():
        raise FolderError([f"{path}: not a directory"])
    present = {name: path / name for name in FILES if (path / name).is_file()}
    if not present:
        raise FolderError([f"{path}: none of {', '.join(FILES)} is there; is this a store folder?"])
    problems: list[str] = []
    store = _store(present["store.json"], problems) if "store.json" in present else None
    intents = _intents(present["intents.json"], problems) if "intents.json" in present else []
    articles = _records(present["knowledge.jsonl"], "article", store, problems) if "knowledge.jsonl" in present else []
    items = _records(present["catalog.jsonl"], "item", store, problems) if "catalog.jsonl" in present else []
    if problems:
        raise FolderError(problems)
    return Folder(path, store, intents, articles, items)
