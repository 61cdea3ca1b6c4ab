"""Text from outside (imported calendars, feed articles) made safe to show.

Unicode format characters (category Cf) are invisible: bidirectional overrides such as
U+202E turn "exe.pdf" into "fdp.exe" on screen, and zero-width spaces hide words from
search and comparison. None of them carries meaning in an event title or a headline, so
all are removed (this also splits emoji joined with U+200D into their parts: a small,
visible loss, preferred to keeping a character that can hide text).
"""

from __future__ import annotations

import unicodedata

__all__ = ["clean_text"]


def clean_text(value: str) -> str:
    """``value`` without Unicode format characters (category Cf); nothing else changes."""
    if value.isascii():
        return value  # no Cf character is ASCII: the common case costs one check
    return "".join(char for char in value if unicodedata.category(char) != "Cf")
