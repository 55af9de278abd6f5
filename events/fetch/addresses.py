"""Where a fetch may go. A source's own host and the hosts it lists in ``allow_hosts`` are trusted;
anything else a page leads to (a linked calendar, a redirect) must resolve only to public addresses,
so a hostile page cannot make the service read its own network into a public feed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def trusted(url: str, hosts: Collection[str]) -> bool:
    """Whether ``url``'s origin is one of ``hosts``: an entry ``host:port`` names that port, a bare
    ``host`` the scheme's default port only (a site on port 80 trusts none of its host's other ports)."""
    parts = urlsplit(url)
    if parts.netloc.lower() in hosts:
        return True
    host = (parts.hostname or "").lower()
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port
    except ValueError:
        return False
    if port is not None and port != default:
        return f"{host}:{port}" in hosts
    return host in hosts or f"{host}:{default}" in hosts


async def refusal(url: str, hosts: Collection[str]) -> str | None:
    """Why ``url`` may not be fetched, in one line, or None. Names are resolved, and every address
    they resolve to must be public (not loopback, private, link-local, metadata or reserved)."""
    if trusted(url, hosts):
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as exc:
            return f"cannot resolve {host}: {exc}"
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if not address.is_global or address.is_multicast:
            return (
                f"{host} is a {_kind(address)} address ({address}); a source reaches such a host only "
                "when it lists it in allow_hosts"
            )
    return None


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_private:
        return "private"
    return "reserved"
