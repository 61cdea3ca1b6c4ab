from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from calendars.time.zones import (
    explain_zone_input,
    suggest_zones,
    typed_offset,
    zone_or_none,
    zone_warning,
)

WINTER = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("IST", ["Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"]),
        ("MSK", ["Europe/Moscow"]),
        ("CEST", ["Europe/Berlin"]),
        ("BST", ["Europe/London", "Asia/Dhaka"]),
        ("EDT", ["America/New_York"]),
        ("PST", ["America/Los_Angeles", "Asia/Manila"]),
        ("JST", ["Asia/Tokyo"]),
        ("CST", ["America/Chicago", "Asia/Shanghai"]),
        ("sgt", ["Asia/Singapore"]),
        ("AEST", ["Australia/Sydney", "Australia/Brisbane"]),
        ("GST", ["Asia/Dubai"]),
        ("PKT", ["Asia/Karachi"]),
    ],
)
def test_abbreviations_suggest_their_usual_zones_not_lookalike_names(
    typed: str, first: list[str]
) -> None:
    assert zone_or_none(typed) is None  # never taken as a zone: IST is three places
    assert suggest_zones(typed) == first
    assert all(zone_or_none(zone) is not None for zone in suggest_zones(typed))


@pytest.mark.parametrize(
    ("typed", "offset", "suggested"),
    [
        ("GMT+5", timedelta(hours=5), ["Asia/Karachi", "Asia/Tashkent", "Etc/GMT-5"]),
        ("UTC-3", timedelta(hours=-3), ["America/Sao_Paulo"]),
        ("UTC+5:30", timedelta(hours=5, minutes=30), ["Asia/Kolkata", "Asia/Colombo"]),
        ("+05:45", timedelta(hours=5, minutes=45), ["Asia/Kathmandu"]),
        ("utc\u221211", timedelta(hours=-11), ["Pacific/Pago_Pago", "Etc/GMT+11"]),
    ],
)
def test_offsets_suggest_places_on_that_offset_and_the_etc_name_with_its_sign_reversed(
    typed: str, offset: timedelta, suggested: list[str]
) -> None:
    assert typed_offset(typed) == offset
    assert suggest_zones(typed)[: len(suggested)] == suggested
    for zone in suggest_zones(typed):
        if zone.startswith("Etc/"):
            assert offset_of(zone) == offset  # never the mirror image


def offset_of(name: str) -> timedelta | None:
    zone = zone_or_none(name)
    assert zone is not None
    return zone.utcoffset(WINTER)


def test_an_offset_explains_that_etc_names_reverse_the_sign() -> None:
    assert explain_zone_input("GMT+5") == (
        "GMT+5 is an offset, not a zone; name a place on UTC+05:00 such as Asia/Karachi or "
        "Asia/Tashkent, or Etc/GMT-5 for UTC+05:00 all year (Etc/GMT names have the sign reversed)"
    )
    assert explain_zone_input("Kolkatta") is None


@pytest.mark.parametrize(
    ("key", "warning"),
    [
        (
            "EST",
            "EST is UTC-05:00 all year, with no summer time; for the clocks of that region "
            "use America/New_York",
        ),
        (
            "HST",
            "HST is UTC-10:00 all year, with no summer time; for the clocks of that region "
            "use Pacific/Honolulu",
        ),
        (
            "Etc/GMT+5",
            "Etc/GMT+5 is UTC-05:00 all year: Etc/GMT names have the sign reversed, so "
            "UTC+05:00 is Etc/GMT-5; to follow a place's clock changes, use one such as "
            "America/New_York",
        ),
        ("CET", "CET is an old name; a place such as Europe/Berlin is clearer"),
        ("EST5EDT", "EST5EDT is an old name; a place such as America/New_York is clearer"),
    ],
)
def test_legacy_names_are_accepted_with_a_warning(key: str, warning: str) -> None:
    zone = zone_or_none(key)
    assert zone is not None
    assert zone.key == key
    assert zone_warning(key, now=WINTER) == warning


@pytest.mark.parametrize("key", ["Asia/Kolkata", "UTC", "Etc/GMT", "Europe/Berlin"])
def test_ordinary_zones_get_no_warning(key: str) -> None:
    assert zone_warning(key) is None


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules"])
def test_names_that_are_not_places_are_refused(name: str) -> None:
    assert zone_or_none(name) is None  # "localtime" would be the server's own zone
