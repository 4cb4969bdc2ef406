"""Choosing the NLU provider by configuration: a name -> factory registry with one instance per process."""

from __future__ import annotations

import threading
from collections.abc import Callable

from skchat.agent.nlu.base import NLUProvider

DEFAULT = "offline"

_factories: dict[str, Callable[[], NLUProvider]] = {}
_instances: dict[str, NLUProvider] = {}
_lock = threading.Lock()


def _offline() -> NLUProvider:
    from skchat.agent.nlu.offline import OfflineNLU

    return OfflineNLU()


def register(name: str, factory: Callable[[], NLUProvider]) -> None:
    """Make a provider choosable as `SKCHAT_NLU_PROVIDER=name` (replaces any earlier one of that name)."""
    with _lock:
        _factories[name] = factory
        _instances.pop(name, None)


def available() -> tuple[str, ...]:
    with _lock:
        return tuple(sorted(_factories))


def get_nlu(settings_or_name: object = None) -> NLUProvider:
    """The process-wide provider named by `settings.nlu_provider`, by a plain name, or the default.

    Unknown names raise ValueError at start-up rather than silently running another provider.
    """
    if settings_or_name is None:
        name = DEFAULT
    elif isinstance(settings_or_name, str):
        name = settings_or_name
    else:
        name = str(getattr(settings_or_name, "nlu_provider", None) or DEFAULT)
    name = name.strip().lower()
    with _lock:
        instance = _instances.get(name)
        if instance is not None:
            return instance
        factory = _factories.get(name)
        if factory is None:
            raise ValueError(f"unknown NLU provider {name!r}; available: {', '.join(sorted(_factories))}")
        instance = factory()
        _instances[name] = instance
        return instance


register(DEFAULT, _offline)
