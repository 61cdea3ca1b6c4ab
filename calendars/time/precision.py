"""How much of an event's date is known: news announces "a December visit" weeks before a day.

An event known only to the month or year keeps the first day of that month or year as its
start; ``precision`` says how much of that date is real, so nothing treats the 1st as news.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Precision"]


class Precision(StrEnum):
    """From the most to the least exact; ``day`` is every event typed or imported so far."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
