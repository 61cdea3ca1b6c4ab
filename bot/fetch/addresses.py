"""Where fetches may connect: public addresses only, unless the operator allows more.

An admin's URL, or a redirect from a third-party feed, must not reach this machine or its
private network (an internal service's answer would be published, and open and closed
ports would answer differently). The check runs where the connection is made: the host
is resolved once, every address it resolves to is checked, and the connection goes to a
checked address, so a second DNS answer (rebinding) has nothing to slip past. TLS and the
Host header keep the name: only the TCP connection uses the address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
import ssl
from collections.abc import Iterable

import httpcore

from calendars.errors import FetchFailed
from calendars.urls import FetchAllow

__all__ = ["AddressRefused", "GuardedBackend", "connect_problem", "refusal"]

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_ATTEMPTS = 4  # addresses tried per connection: bounded time for a host with many
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(FetchFailed):
    """The target is on a network fetches may not reach; nothing was sent to it."""


def _kind(address: IPAddress) -> str | None:
    """What kind of non-public address this is, or None for a public one."""
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private-network address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "a non-public address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address
    (``::ffff:127.0.0.1``, ``2002:7f00:1::``): gateways deliver those to the IPv4 inside."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # (server, client): the client is where it lands
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def refusal(host: str, address: IPAddress, allow: FetchAllow) -> str | None:
    """Why ``host`` at ``address`` may not be fetched, or None when it may."""
    if allow.allows_host(host) or allow.allows_address(address):
        return None
    inner = _embedded_ipv4(address)
    if inner is not None and allow.allows_address(inner):
        return None
    kind = (_kind(inner) if inner is not None else None) or _kind(address)
    if kind is None:
        return None
    shown = f"{address} ({inner})" if inner is not None else str(address)
    where = f"{shown} is" if _literal(host) == address else f"{host} resolves to {shown}, which is"
    return (
        f"{where} {kind}; fetches to private networks are refused "
        "(set SUMMITWATCH_FETCH_ALLOW to allow one)"
    )


def connect_problem(exc: BaseException) -> str:
    """The operating system's reason a connection failed ("connection refused"), which
    anyio and httpx wrap in "All connection attempts failed"."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return "the host name could not be resolved"
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"its TLS certificate was refused ({current.verify_message})"
        if isinstance(current, ssl.SSLError):  # an OSError whose errno means nothing here
            return f"the TLS handshake failed ({current.reason or current})"
        if isinstance(current, OSError) and current.errno and current.errno > 0:
            return os.strerror(current.errno).lower()
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return str(exc) or type(exc).__name__


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses ``allow`` permits."""

    def __init__(
        self, allow: FetchAllow, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._allow = allow
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 -- httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port, timeout)
        for address in addresses:
            reason = refusal(host, address, self._allow)
            if reason is not None:
                logger.warning("fetch.refused host=%s address=%s", host, address)
                raise AddressRefused(reason)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in list(addresses)[:MAX_ATTEMPTS]:
            try:
                return await self._inner.connect_tcp(
                    addresses[address], port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # _resolve returns at least one address
        raise failure

    async def _resolve(self, host: str, port: int, seconds: float | None) -> dict[IPAddress, str]:
        """Every address ``host`` stands for (a literal stands for itself), in DNS order,
        each with the text to connect to (an IPv6 scope such as ``%eth0`` kept)."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(seconds):
                infos = await loop.getaddrinfo(
                    host.strip("[]"), port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took too long") from None
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"the host name {host} could not be resolved") from exc
        addresses: dict[IPAddress, str] = {}
        for _family, _type, _proto, _name, sockaddr in infos:
            text = str(sockaddr[0])
            addresses.setdefault(ipaddress.ip_address(text.partition("%")[0]), text)
        if not addresses:
            raise httpcore.ConnectError(f"the host name {host} has no address")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 -- httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("fetches never use a Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
