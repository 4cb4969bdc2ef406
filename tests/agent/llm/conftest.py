"""Fakes of the hosted chat APIs on loopback, one per test, and the adapters pointed at them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.openai_server import FakeOpenAI

API_KEY = "sk-test-9f8e7d6c5b4a39281706"


@pytest.fixture
def openai_fake() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(api_key=API_KEY)
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def anthropic_fake() -> Iterator[FakeAnthropic]:
    fake = FakeAnthropic(api_key=API_KEY)
    try:
        yield fake
    finally:
        fake.close()
