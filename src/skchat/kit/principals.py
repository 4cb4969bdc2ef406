"""Who a request runs as, and the per-process memo of keys already looked up.

A key's row never changes but for `revoked_at`: its id, tenant, mode and scopes are fixed at
creation. So once a key has been looked up, this process remembers them by the key's hash and
does not fetch them again. That memo is never trusted for *whether* the key is still valid:
every request's transaction starts with `skchat_enter`, which checks the key's row inside the
transaction (migration 0008), so revocation takes effect at once in every process without any
invalidation message. A key found revoked there is dropped from the memo.
"""

from __future__ import annotations

from dataclasses import dataclass

from skchat.kit.db import TenantScope


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    tenant_id: str
    livemode: bool
    scopes: frozenset[str]

    @property
    def scope(self) -> TenantScope:
        return TenantScope(self.tenant_id, self.livemode)


class KnownKeys:
    """key hash → Principal, bounded: past `limit` entries the oldest-remembered goes first."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._by_hash: dict[str, Principal] = {}

    def get(self, key_hash: str) -> Principal | None:
        return self._by_hash.get(key_hash)

    def remember(self, key_hash: str, principal: Principal) -> None:
        if key_hash not in self._by_hash and len(self._by_hash) >= self.limit:
            del self._by_hash[next(iter(self._by_hash))]  # dicts keep insertion order
        self._by_hash[key_hash] = principal

    def forget(self, key_hash: str) -> None:
        self._by_hash.pop(key_hash, None)

    def __len__(self) -> int:
        return len(self._by_hash)
