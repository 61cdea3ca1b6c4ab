"""Rendered calendar data kept across restarts: each event's VEVENT and each feed's stamp.

Rendering 10,000 VEVENTs takes seconds; reading them back takes ~0.1 s. So the renderer's
VEVENTs (valid while the event keeps its SEQUENCE and LAST-MODIFIED, and only under the
same renderer fingerprint: public URL, icalendar version, rendering code) and each public
feed's stamp (body digest and Last-Modified, so validators survive a restart) are written
to ``<db>.feeds`` beside the database.

It is a cache, not data: not in the journal (10,000 fsynced lines and twice the database
for bytes that can be rebuilt), not in backups; a missing, unreadable or foreign file is
ignored and costs one render. Owner-only like the database's other files.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.store.files import atomic_write, feed_state_path
from calendars.errors import StoreError
from calendars.ical.feeds import CalendarFeeds, Stamp
from calendars.ical.render import KeptVevent

__all__ = ["FeedState", "feed_state_path"]

logger = logging.getLogger(__name__)

FORMAT = "summitwatch-feed-state-1"


class FeedState:
    """Loads the kept renders into a ``CalendarFeeds`` and saves them when they changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved: tuple[dict[str, Stamp], dict[str, str]] | None = None
        self.synced: dict[str, str] = {}  # the static files' keys, see StaticFeeds.synced

    def restore(self, feeds: CalendarFeeds) -> int:
        """Hand the kept VEVENTs and stamps to ``feeds``; how many VEVENTs were reused.
        The static files' keys are left in ``synced``."""
        try:
            document = json.loads(self.path.read_bytes())
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ValueError("not a feed state file")
            stamps = {
                scope: (str(digest), datetime.fromisoformat(when))
                for scope, (digest, when) in document["stamps"].items()
            }
            vevents: dict[str, KeptVevent] = {}
            if document["fingerprint"] == feeds.renderer.fingerprint:
                vevents = {
                    event_id: ((int(sequence), str(updated)), text.encode("utf-8"))
                    for event_id, (sequence, updated, text) in document["vevents"].items()
                }
            synced = {str(k): str(v) for k, v in document.get("synced", {}).items()}
        except FileNotFoundError:
            return 0
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.warning("feeds.state_ignored path=%s error=%s", self.path, exc)
            return 0
        feeds.restore(stamps)
        feeds.renderer.keep(vevents)
        self.synced = synced
        self._saved = (stamps, synced)
        return len(vevents)

    def save(self, feeds: CalendarFeeds, synced: dict[str, str] | None = None) -> bool:
        """Write the current renders if any feed changed since the last save; True if written."""
        stamps, synced = feeds.stamps(), synced or {}
        if (stamps, synced) == self._saved:
            return False
        document: dict[str, Any] = {
            "format": FORMAT,
            "fingerprint": feeds.renderer.fingerprint,
            "vevents": {
                event_id: [sequence, updated, body.decode("utf-8")]
                for event_id, ((sequence, updated), body) in feeds.renderer.kept().items()
            },
            "stamps": {scope: [digest, at.isoformat()] for scope, (digest, at) in stamps.items()},
            "synced": synced,
        }
        try:
            atomic_write(self.path, json.dumps(document, ensure_ascii=False).encode("utf-8"))
        except StoreError as exc:  # a cache: the app runs on without it
            logger.warning("feeds.state_not_saved error=%s", exc)
            return False
        self._saved = (stamps, synced)
        return True
