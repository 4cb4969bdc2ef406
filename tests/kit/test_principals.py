"""The per-process memo of looked-up keys stays within its bound."""

from __future__ import annotations

from skchat.kit.principals import KnownKeys, Principal


def principal(n: int) -> Principal:
    return Principal(f"key_{n}", "ten_1", False, frozenset({"conversations:read"}))


def test_the_oldest_remembered_key_goes_first_past_the_limit() -> None:
    keys = KnownKeys(limit=3)
    for n in range(3):
        keys.remember(f"h{n}", principal(n))
    keys.remember("h1", principal(1))  # already known: nothing is pushed out
    assert len(keys) == 3
    keys.remember("h3", principal(3))
    assert len(keys) == 3 and keys.get("h0") is None
    assert [keys.get(f"h{n}") for n in (1, 2, 3)] == [principal(1), principal(2), principal(3)]
    keys.forget("h2")
    keys.forget("h2")  # forgetting twice is harmless
    assert keys.get("h2") is None and len(keys) == 2
