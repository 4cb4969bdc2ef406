"""What a running process holds: settings, the pool, the rate limiter, the keys it has seen.

Built once in the lifespan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from skchat.agent.services import AgentServices
from skchat.config import Settings
from skchat.kit.db import Database
from skchat.kit.principals import KnownKeys
from skchat.kit.ratelimit import TokenBuckets


@dataclass
class Runtime:
    settings: Settings
    db: Database
    buckets: TokenBuckets
    key_secret: bytes
    agent: AgentServices | None = None
    known_keys: KnownKeys = field(default_factory=KnownKeys)


def get_runtime(conn: HTTPConnection) -> Runtime:
    runtime: Runtime = conn.app.state.runtime
    return runtime
