"""Which addresses a Telegram button may link to."""

from __future__ import annotations

import pytest

from calendars.links import is_public_url


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://summitwatch.example/events/x", True),
        ("http://93.184.216.34:8080/calendar.ics", True),
        ("http://127.0.0.1:8080/events/x", False),
        ("http://localhost:8080/", False),
        ("http://[::1]:8080/", False),
        ("http://10.0.0.5/", False),
        ("http://192.168.1.2/", False),
        ("http://summitwatch/", False),  # a bare name only resolves inside one network
        ("http://box.local/", False),
        ("ftp://summitwatch.example/", False),
        ("not a url", False),
    ],
)
def test_only_addresses_reachable_from_anywhere_are_public(url: str, public: bool) -> None:
    assert is_public_url(url) is public
