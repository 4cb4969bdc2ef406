"""Fixtures for the offline NLU tests: one provider per session (the model loads once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skchat.agent.nlu.evaluate import load_intents
from skchat.agent.nlu.offline import OfflineNLU
from skchat.agent.types import IntentSpec

DEMO_INTENTS = Path(__file__).resolve().parents[3] / "examples" / "demo-store" / "intents.json"


@pytest.fixture(scope="session")
def nlu() -> OfflineNLU:
    provider = OfflineNLU()
    provider.warm()
    return provider


@pytest.fixture(scope="session")
def demo_intents() -> tuple[IntentSpec, ...]:
    if not DEMO_INTENTS.exists():
        pytest.skip(f"demo-store taxonomy not found at {DEMO_INTENTS} (examples/demo-store in the repo)")
    return load_intents(DEMO_INTENTS)
