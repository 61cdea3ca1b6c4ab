"""Data: what people type instead of an IANA zone name, and where they usually mean.

Abbreviations are not zones (IST is India, Israel and Ireland; CST is Chicago and China),
so they are only ever suggested, never accepted. Offsets ("UTC+5:30") are suggested as
places on that offset: a place follows its own clock changes, an offset does not.
"""

from __future__ import annotations

__all__ = ["ABBREVIATIONS", "FIXED_LEGACY", "PLACES_BY_OFFSET", "RULED_LEGACY"]

# Upper-case abbreviation → the zones it usually means, most common first, with a hint.
ABBREVIATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "IST": (("Asia/Kolkata", "India"), ("Asia/Jerusalem", "Israel"), ("Europe/Dublin", "Ireland")),
    "MSK": (("Europe/Moscow", "Moscow"),),
    "CET": (("Europe/Berlin", "Central Europe"),),
    "CEST": (("Europe/Berlin", "Central Europe"),),
    "WET": (("Europe/Lisbon", "Western Europe"),),
    "WEST": (("Europe/Lisbon", "Western Europe"),),
    "EET": (("Europe/Athens", "Eastern Europe"),),
    "EEST": (("Europe/Athens", "Eastern Europe"),),
    "BST": (("Europe/London", "Britain"), ("Asia/Dhaka", "Bangladesh")),
    "EST": (("America/New_York", "US East"),),
    "EDT": (("America/New_York", "US East"),),
    "CST": (("America/Chicago", "US Central"), ("Asia/Shanghai", "China")),
    "CDT": (("America/Chicago", "US Central"),),
    "MST": (("America/Denver", "US Mountain"), ("America/Phoenix", "Arizona")),
    "MDT": (("America/Denver", "US Mountain"),),
    "PST": (("America/Los_Angeles", "US Pacific"), ("Asia/Manila", "Philippines")),
    "PDT": (("America/Los_Angeles", "US Pacific"),),
    "AKST": (("America/Anchorage", "Alaska"),),
    "HST": (("Pacific/Honolulu", "Hawaii"),),
    "AST": (("America/Halifax", "Atlantic Canada"), ("Asia/Riyadh", "Arabia")),
    "BRT": (("America/Sao_Paulo", "Brazil"),),
    "ART": (("America/Argentina/Buenos_Aires", "Argentina"),),
    "JST": (("Asia/Tokyo", "Japan"),),
    "KST": (("Asia/Seoul", "Korea"),),
    "HKT": (("Asia/Hong_Kong", "Hong Kong"),),
    "SGT": (("Asia/Singapore", "Singapore"),),
    "MYT": (("Asia/Kuala_Lumpur", "Malaysia"),),
    "PHT": (("Asia/Manila", "Philippines"),),
    "WIB": (("Asia/Jakarta", "Western Indonesia"),),
    "ICT": (("Asia/Bangkok", "Indochina"),),
    "PKT": (("Asia/Karachi", "Pakistan"),),
    "NPT": (("Asia/Kathmandu", "Nepal"),),
    "BDT": (("Asia/Dhaka", "Bangladesh"),),
    "GST": (("Asia/Dubai", "Gulf"),),
    "IRST": (("Asia/Tehran", "Iran"),),
    "AFT": (("Asia/Kabul", "Afghanistan"),),
    "UZT": (("Asia/Tashkent", "Uzbekistan"),),
    "TRT": (("Europe/Istanbul", "Türkiye"),),
    "SAST": (("Africa/Johannesburg", "South Africa"),),
    "EAT": (("Africa/Nairobi", "East Africa"),),
    "WAT": (("Africa/Lagos", "West Africa"),),
    "CAT": (("Africa/Maputo", "Central Africa"),),
    "AEST": (("Australia/Sydney", "Australia East"), ("Australia/Brisbane", "Queensland")),
    "AEDT": (("Australia/Sydney", "Australia East"),),
    "ACST": (("Australia/Adelaide", "South Australia"), ("Australia/Darwin", "Darwin")),
    "AWST": (("Australia/Perth", "Western Australia"),),
    "NZST": (("Pacific/Auckland", "New Zealand"),),
    "NZDT": (("Pacific/Auckland", "New Zealand"),),
}

# Standard offset in minutes → well-known places whose clocks show it (at least in winter).
PLACES_BY_OFFSET: dict[int, tuple[str, ...]] = {
    -11 * 60: ("Pacific/Pago_Pago",),
    -10 * 60: ("Pacific/Honolulu",),
    -9 * 60: ("America/Anchorage",),
    -8 * 60: ("America/Los_Angeles",),
    -7 * 60: ("America/Denver", "America/Phoenix"),
    -6 * 60: ("America/Chicago", "America/Mexico_City"),
    -5 * 60: ("America/New_York", "America/Bogota"),
    -4 * 60: ("America/Halifax", "America/Caracas"),
    -3 * 60: ("America/Sao_Paulo", "America/Argentina/Buenos_Aires"),
    -2 * 60: ("America/Noronha",),
    -1 * 60: ("Atlantic/Azores",),
    0: ("UTC", "Europe/London"),
    1 * 60: ("Europe/Berlin", "Africa/Lagos"),
    2 * 60: ("Europe/Athens", "Africa/Cairo"),
    3 * 60: ("Europe/Moscow", "Asia/Riyadh"),
    3 * 60 + 30: ("Asia/Tehran",),
    4 * 60: ("Asia/Dubai",),
    4 * 60 + 30: ("Asia/Kabul",),
    5 * 60: ("Asia/Karachi", "Asia/Tashkent"),
    5 * 60 + 30: ("Asia/Kolkata", "Asia/Colombo"),
    5 * 60 + 45: ("Asia/Kathmandu",),
    6 * 60: ("Asia/Dhaka", "Asia/Almaty"),
    6 * 60 + 30: ("Asia/Yangon",),
    7 * 60: ("Asia/Bangkok", "Asia/Jakarta"),
    8 * 60: ("Asia/Shanghai", "Asia/Singapore"),
    9 * 60: ("Asia/Tokyo", "Asia/Seoul"),
    9 * 60 + 30: ("Australia/Adelaide", "Australia/Darwin"),
    10 * 60: ("Australia/Sydney", "Australia/Brisbane"),
    11 * 60: ("Pacific/Noumea",),
    12 * 60: ("Pacific/Auckland", "Pacific/Fiji"),
    13 * 60: ("Pacific/Tongatapu",),
    14 * 60: ("Pacific/Kiritimati",),
}

# IANA names that are a fixed offset all year, and the place people usually mean by them.
FIXED_LEGACY: dict[str, str] = {
    "EST": "America/New_York",
    "MST": "America/Denver",
    "HST": "Pacific/Honolulu",
}

# Old IANA names with clock-change rules of their own: kept working, a place suggested.
RULED_LEGACY: dict[str, str] = {
    "CET": "Europe/Berlin",
    "MET": "Europe/Berlin",
    "EET": "Europe/Athens",
    "WET": "Europe/Lisbon",
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
}
