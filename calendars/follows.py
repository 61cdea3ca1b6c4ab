"""The "Follow" button's callback data: at most 64 bytes, as Telegram allows.

An event id is up to 64 characters, so ``fw:<id>`` fits only for ids up to 61; a longer
id is named by a short digest (``fw#<16 hex>``), which the service matches against ids.
"""

from __future__ import annotations

import hashlib

__all__ = ["FOLLOW_PREFIX", "MAX_CALLBACK_DATA", "follow_data", "id_digest", "parse_follow_data"]

FOLLOW_PREFIX = "fw"
MAX_CALLBACK_DATA = 64


def id_digest(event_id: str) -> str:
    return hashlib.blake2b(event_id.encode(), digest_size=8).hexdigest()


def follow_data(event_id: str) -> str:
    """The callback data of the Follow button under ``event_id``'s card."""
    data = f"{FOLLOW_PREFIX}:{event_id}"
    if len(data.encode()) <= MAX_CALLBACK_DATA:
        return data
    return f"{FOLLOW_PREFIX}#{id_digest(event_id)}"


def parse_follow_data(data: str) -> tuple[str, bool] | None:
    """(id or digest, whether it is a digest) of Follow button data; None for other data."""
    if data.startswith(f"{FOLLOW_PREFIX}:") and len(data) > 3:
        return data[3:], False
    if data.startswith(f"{FOLLOW_PREFIX}#") and len(data) == 3 + 16:
        return data[3:], True
    return None
