from __future__ import annotations

from types import SimpleNamespace

import pytest

from skchat.agent.nlu import get_nlu, register
from skchat.agent.nlu.offline import OfflineNLU
from skchat.agent.nlu.registry import available
from skchat.agent.types import Annotation, IntentSpec
from skchat.config import Settings


def test_default_is_offline_and_shared() -> None:
    provider = get_nlu()
    assert isinstance(provider, OfflineNLU)
    assert get_nlu("offline") is provider
    assert get_nlu(SimpleNamespace(nlu_provider="offline")) is provider
    assert get_nlu(SimpleNamespace()) is provider  # settings without the field: the default
    assert get_nlu(Settings(nlu_provider="offline")) is provider


def test_unknown_provider_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown NLU provider 'nope'"):
        get_nlu("nope")


def test_register_a_provider() -> None:
    class Fixed:
        def annotate(self, text: str, intents: tuple[IntentSpec, ...]) -> Annotation:
            return Annotation(lang="en", intent=None, confidence=0.0, sentiment="neutral", sentiment_score=0.0)

    register("fixed-test", Fixed)
    assert "fixed-test" in available()
    assert isinstance(get_nlu("Fixed-Test"), Fixed)
