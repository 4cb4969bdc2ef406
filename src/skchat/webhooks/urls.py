"""Which webhook URLs may be called: http(s) only, and in live mode no private addresses (SSRF)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from skchat.kit.errors import ValidationFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def forbidden_address(address: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved or unspecified: never a customer's server."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def check_url(url: str, *, block_private: bool) -> str:
    """Validate an endpoint URL at creation; delivery checks every connection again."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationFailed("url must be an absolute http(s) URL.", errors=[{"field": "url", "message": "invalid"}])
    if parts.username or parts.password:
        raise ValidationFailed(
            "url must not carry credentials.", errors=[{"field": "url", "message": "credentials in URL"}]
        )
    if block_private:
        host = parts.hostname
        literal = literal_address(host)
        addresses: list[IPAddress] = []
        if literal is not None:
            addresses = [literal]
        elif host == "localhost" or host.endswith(".localhost"):
            addresses = [ipaddress.ip_address("127.0.0.1")]
        else:
            try:
                loop = asyncio.get_running_loop()
                infos = await loop.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
                addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
            except (OSError, UnicodeError):
                addresses = []  # unresolvable now; delivery will check when it resolves
        if any(forbidden_address(a) for a in addresses):
            raise ValidationFailed(
                "Live-mode webhook URLs must not point to private, loopback or link-local addresses.",
                errors=[{"field": "url", "message": "private address"}],
            )
    return url
