"""Event ids from titles: plain ASCII slugs, because they end up in URLs and typed commands."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from itertools import count

__all__ = ["MAX_SLUG", "slugify"]

MAX_SLUG = 64
# Letters NFKD leaves whole; everything else outside ASCII becomes a dash.
_LATIN = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "đ": "d"}
    | {"Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ı": "i", "'": "", "’": ""}
)


def slugify(title: str, *, year: int, taken: Container[str]) -> str:
    """``"Modi–Putin talks in Delhi"``, 2026 → ``"modi-putin-talks-in-delhi-2026"``.

    Ids end up in URLs and in commands typed on phones, so they are plain ASCII; a title
    with nothing left in ASCII becomes ``event-2026``. Taken ids get ``-2``, ``-3``, ...
    """
    decomposed = unicodedata.normalize("NFKD", title.translate(_LATIN))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    base = re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-")
    if base == str(year) or base.endswith(f"-{year}"):  # "SCO Summit 2025" has its year
        base = base[: -len(str(year))].rstrip("-")
    base = base or "event"
    for number in count(1):
        extra = f"-{year}" + (f"-{number}" if number > 1 else "")
        candidate = base[: MAX_SLUG - len(extra)].rstrip("-") + extra
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover - count() never ends
