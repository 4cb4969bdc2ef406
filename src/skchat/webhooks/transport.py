"""The HTTP client that delivers webhooks: aiohttp, no redirects, and an SSRF guard for live mode.

The guard sits in the resolver, so it checks the addresses actually connected to (a DNS
answer that changes after the endpoint was created is caught too); IP-literal URLs, which
skip the resolver, are checked before the request.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from skchat.webhooks.urls import forbidden_address, literal_address

USER_AGENT = "SKChat-Webhooks/1.0 (+https://docs.skchat.dev/webhooks)"
MAX_RESPONSE_BYTES = 4096


class BlockedAddress(Exception):
    pass


class PublicOnlyResolver(AbstractResolver):
    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if not forbidden_address(_ip(r["host"]))]
        if not allowed:
            raise BlockedAddress(f"{host} resolves only to private, loopback or link-local addresses")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def _ip(host: str) -> Any:
    address = literal_address(host.split("%")[0])
    assert address is not None
    return address


def check_literal(url: str) -> None:
    host = urlsplit(url).hostname or ""
    address = literal_address(host)
    if address is not None and forbidden_address(address):
        raise BlockedAddress(f"{host} is a private, loopback or link-local address")


def session(*, public_only: bool, timeout_s: float, limit: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=limit,
        limit_per_host=0,
        resolver=PublicOnlyResolver() if public_only else None,
        ttl_dns_cache=60,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout_s),
        headers={"User-Agent": USER_AGENT},
        auto_decompress=True,
    )
