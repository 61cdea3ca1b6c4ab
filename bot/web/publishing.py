"""Feeds rendered before anyone asks: at start, and after each change of the events.

At start the kept renders are restored (``bot.store.feed_state``), the full feed is
rendered (from kept VEVENTs: ~0.1 s for 10,000 events instead of seconds), and, with
``SUMMITWATCH_STATIC_DIR``, the public feeds are written as files. Later, a check every
few seconds on the event loop sees whether the events changed and, if so, does the same
in a worker thread, so nginx serves a change within ``PUBLISH_EVERY``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.store import Store
from bot.store.feed_state import FeedState, feed_state_path
from bot.web.static_feeds import StaticFeeds, SyncReport
from calendars.errors import ConfigError, StoreError
from calendars.ical.feeds import CalendarFeeds
from calendars.ical.render import CalendarMeta, IcalRenderer
from config.settings import Settings

__all__ = ["PUBLISH_EVERY", "FeedPublisher", "export_feeds"]

logger = logging.getLogger(__name__)

PUBLISH_EVERY = timedelta(seconds=10)


class FeedPublisher:
    """Restores, warms, exports and saves the feeds; ``publish`` runs in a worker thread."""

    def __init__(
        self,
        feeds: CalendarFeeds,
        state: FeedState,
        *,
        version: Callable[[], int],
        static_dir: Path | None = None,
    ) -> None:
        self.feeds = feeds
        self.state = state
        self.static = StaticFeeds(static_dir, feeds) if static_dir is not None else None
        self._version = version
        self._published: int | None = None
        self.last: SyncReport | None = None  # what the last publish did to the files
        self._busy = threading.Lock()
        if self.static is not None:
            try:
                self.static.prepare()
            except StoreError as exc:
                raise ConfigError("SUMMITWATCH_STATIC_DIR", str(exc)) from exc

    def restore(self) -> int:
        """Reuse the kept renders; with them the full feed takes ~0.1 s for 10,000 events,
        so it is made now, before the server answers anyone (the first start renders in
        the background: seconds)."""
        reused = self.state.restore(self.feeds)
        if self.static is not None:
            self.static.remember(self.state.synced)
        if reused:
            self.feeds.warm()
        logger.info("feeds.restored vevents=%d", reused)
        return reused

    def due(self) -> bool:
        """True when the events changed since the last publish and none is running."""
        return self._version() != self._published and not self._busy.locked()

    def publish(self) -> SyncReport | None:
        """Render the full feed, write the files, save the renders; never raises."""
        with self._busy:
            version = self._version()
            report = None
            try:
                self.feeds.warm()
                if self.static is not None:
                    report = self.last = self.static.sync()
                    logger.info("feeds.exported %s", report)
            except Exception:  # a full disk must not stop the app; the next check retries
                logger.exception("feeds.publish_failed")
                return None
            self._published = version
            self.save()
            return report

    def save(self) -> None:
        self.state.save(self.feeds, self.static.synced() if self.static is not None else None)


def export_feeds(settings: Settings, directory: Path) -> SyncReport:
    """``run.py export-feeds DIR``: write the public feeds once, as the app would.

    Opens the database as the app does (so it refuses while the app runs: the running app
    keeps ``SUMMITWATCH_STATIC_DIR`` current itself). Links and UIDs use the same public
    URL as the app, so set ``SUMMITWATCH_PUBLIC_URL`` as for the app.
    """
    journal = settings.db_path.with_name(settings.db_path.name + ".journal")
    if settings.db_path.is_dir() or not (settings.db_path.exists() or journal.exists()):
        # Opening a Store would create an empty database: say what is wrong instead.
        raise StoreError(f"database file {settings.db_path} does not exist; no feeds to export")
    store = Store(settings.db_path)
    try:
        meta = CalendarMeta(
            public_url=settings.public_url_for(settings.port),
            name=settings.calendar_name,
            refresh=settings.feed_refresh,
        )
        feeds = CalendarFeeds(
            IcalRenderer(meta),
            events=store.events.sorted_by_start,
            version=lambda: store.events.version,
            topics=lambda: settings.topics,
        )
        state = FeedState(feed_state_path(store.path))
        state.restore(feeds)
        static = StaticFeeds(directory, feeds)
        static.remember(state.synced)
        report = static.sync()
        state.save(feeds, static.synced())
        return report
    finally:
        store.release()  # reading only: the database is left byte for byte as it was
