"""Text from strangers made safe to show: no invisible characters that reorder or hide text.

Feed titles, imported calendars and commands can carry bidirectional overrides (U+202E
makes "txt.exe" read "exe.txt") and zero-width characters (a "Modi" that does not match
the keyword Modi, a blank-looking name). :func:`clean_text` removes them and turns other
control characters into spaces. It keeps what real scripts need: LRM/RLM/ALM marks (they
reorder nothing beyond themselves), and ZWJ/ZWNJ between two visible characters
(Devanagari conjuncts, emoji sequences). Newlines and tabs are kept; callers that want a
single line collapse whitespace themselves.
"""

from __future__ import annotations

import re

__all__ = ["clean_text"]

_INVISIBLE = (
    "\u202a-\u202e"  # bidi embeddings and overrides (LRE RLE PDF LRO RLO)
    "\u2066-\u2069"  # bidi isolates (LRI RLI FSI PDI)
    "\u200b\u2060\ufeff\u180e"  # zero-width space, word joiner, BOM, Mongolian separator
    "\u00ad\u2061-\u2064\u206a-\u206f"  # soft hyphen, invisible operators, deprecated formats
    "\ufff9-\ufffb"  # interlinear annotation
    "\U000e0000-\U000e007f"  # tag characters (hidden ASCII)
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]+")
# C0 controls but tab, newline and carriage return; DEL and C1; separators U+2028/2029.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_JOINERS_RE = re.compile("[\u200c\u200d]+")


def clean_text(text: str) -> str:
    """``text`` without bidi controls and invisible characters; controls become spaces.

    Pure and idempotent; never raises on any ``str``.
    """
    text = _CONTROL_RE.sub(" ", _INVISIBLE_RE.sub("", text))
    if "\u200c" in text or "\u200d" in text:
        text = _JOINERS_RE.sub(_joiner, text)
    return text


def _joiner(found: re.Match[str]) -> str:
    """One ZWJ/ZWNJ between two visible characters; none at a word's edge."""
    text, start, end = found.string, found.start(), found.end()
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return found.group()[0] if not before.isspace() and not after.isspace() else ""
