"""The one test of "is this an http(s) URL", and the list of hosts fetches may reach anyway.

Settings, the feeds file, OPML, iCal import, event sources and the fetcher all take URLs
from outside; they share this check so that one of them cannot let through what another
refuses. Pure: no I/O, no name resolution.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from calendars.errors import InvalidInput
from calendars.i18n import _

__all__ = [
    "MAX_URL_LENGTH",
    "FetchAllow",
    "IPNetwork",
    "check_http_url",
    "http_url_problem",
    "is_http_url",
    "parse_fetch_allow",
]

MAX_URL_LENGTH = 2000
URL_EXAMPLE = "https://calendar.example.org/summits.ics"
# Control, format (invisible), surrogate and separator characters: Cc covers C0, DEL and
# C1 (NEL), Zl/Zp are U+2028/U+2029, Zs the spaces; Cs cannot even be written as UTF-8.
# urlsplit quietly drops some of them, but calendars and Telegram see the stored text,
# and iCalendar refuses a URI with CR or LF.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})
_CHARACTER_NAMES = {
    0x09: "a tab",
    0x0A: "a line break",
    0x0B: "a vertical tab",
    0x0C: "a form feed",
    0x0D: "a carriage return",
    0x1B: "an escape character",
    0x85: "a next-line character (NEL)",
}
_HOST_LABEL_RE = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def http_url_problem(text: str) -> str | None:
    """Why ``text`` is not an http:// or https:// URL with a host, or None when it is one."""
    url = text.strip()
    if len(url) > MAX_URL_LENGTH:
        return _(
            "is {length} characters long; the limit is {limit}",
            length=f"{len(url):,}",
            limit=f"{MAX_URL_LENGTH:,}",
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
    except ValueError:
        return _("is not an http:// or https:// URL")
    if parts.scheme not in ("http", "https") or not host:
        return _("is not an http:// or https:// URL")
    for position, char in enumerate(url, start=1):
        if unicodedata.category(char) in _BAD_CATEGORIES:
            name = _CHARACTER_NAMES.get(ord(char)) or unicodedata.name(char, "a control character")
            return _(
                "contains {code} ({name}) at character {position}; a URL is one line with no "
                "spaces or control characters (write a space as %20)",
                code=f"U+{ord(char):04X}",
                name=name,
                position=position,
            )
    return None


def is_http_url(text: str) -> bool:
    return http_url_problem(text) is None


def check_http_url(text: str, *, example: str = URL_EXAMPLE) -> str:
    """``text`` stripped, or InvalidInput saying why it is not an http(s) URL."""
    problem = http_url_problem(text)
    if problem is not None:
        raise InvalidInput(f"{text.strip()[:100]!r} {problem}", example=example)  # worded above
    return text.strip()


@dataclass(frozen=True, slots=True)
class FetchAllow:
    """Host names and networks fetches may reach although they are private (an operator's)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address.version == n.version and address in n for n in self.networks)

    def __str__(self) -> str:
        return ",".join([*sorted(self.hosts), *(str(n) for n in self.networks)])


def parse_fetch_allow(text: str) -> FetchAllow:
    """``127.0.0.1,feeds.internal,10.8.0.0/16``: IP addresses, CIDR networks and host names."""
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for raw in text.replace(" ", ",").split(","):
        entry = raw.strip().lower().removeprefix("[").removesuffix("]")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        name = entry.rstrip(".")
        if "/" in name or not all(_HOST_LABEL_RE.fullmatch(p) for p in name.split(".")):
            raise ValueError(
                f"{raw.strip()!r} is not a host name, IP address or CIDR network; "
                "write e.g. 127.0.0.1,feeds.internal,10.8.0.0/16"
            )
        hosts.add(name)
    return FetchAllow(frozenset(hosts), tuple(networks))
