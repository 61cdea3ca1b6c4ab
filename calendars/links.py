"""Subscribe links for every calendar client, built from one feed URL.

Google's ``cid=webcal://`` deep link is reported to fail at times (FIELD-NOTES), so the
plain https URL and Google's "add by URL" settings page are always offered beside it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["GOOGLE_ADD_BY_URL", "SubscribeLinks", "is_public_url", "subscribe_links"]

GOOGLE_ADD_BY_URL = "https://calendar.google.com/calendar/r/settings/addbyurl"


@dataclass(frozen=True, slots=True)
class SubscribeLinks:
    https: str
    webcal: str
    google: str
    outlook: str
    outlook_work: str


def subscribe_links(feed_url: str, *, name: str) -> SubscribeLinks:
    parts = urlsplit(feed_url)
    webcal = urlunsplit(("webcal", *parts[1:]))
    encoded, label = quote(feed_url, safe=""), quote(name, safe="")
    return SubscribeLinks(
        https=feed_url,
        webcal=webcal,
        google=f"https://calendar.google.com/calendar/r?cid={quote(webcal, safe='')}",
        outlook=f"https://outlook.live.com/calendar/0/addfromweb?url={encoded}&name={label}",
        outlook_work=f"https://outlook.office.com/calendar/0/addfromweb?url={encoded}&name={label}",
    )


def is_public_url(url: str) -> bool:
    """Whether people elsewhere can open ``url``; Telegram refuses buttons that link to
    localhost, and a button to a private address would lead nowhere."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host and not host.endswith((".localhost", ".local", ".internal"))
