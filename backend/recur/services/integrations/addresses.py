"""Where webhooks may be sent: never to the server's own network (server-side request
forgery). A URL whose host is, or resolves to, a private, loopback, link-local, reserved or
multicast address is refused, when registered and again before each delivery, unless
development allows it (``RECUR_WEBHOOKS_ALLOW_PRIVATE``; docs/integrations.md)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class Refused(Exception):
    """A URL webhooks may not be sent to, with why in words."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def check_url_form(url: str, *, allow_private: bool) -> str:
    """The URL, trimmed, if its form is acceptable: HTTPS (plain HTTP only where private
    addresses are allowed), a host, no credentials in it."""
    url = url.strip()
    if len(url) > 2000:
        raise Refused("The URL has at most 2000 characters.")
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise Refused("The URL must start with https://.")
    if not parts.hostname:
        raise Refused("The URL must name a host.")
    if parts.username or parts.password:
        raise Refused("The URL must not carry a user name or password.")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise Refused("The URL's port is not a number from 1 to 65535.") from None
    return url


async def check_destination(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose host is or resolves to an address inside a private network."""
    check_url_form(url, allow_private=allow_private)
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError:
            raise Refused(f"{host} does not resolve to an address.") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses or not all(_public(address) for address in addresses):
        raise Refused(f"{host} is a private or loopback address; webhooks go to public hosts.")
