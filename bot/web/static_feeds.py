"""Public calendar feeds as files, for nginx or a CDN to serve (``SUMMITWATCH_STATIC_DIR``).

The layout mirrors the URLs, so nginx needs only ``try_files $uri @app``:
``calendar.ics``, ``calendar/<topic>.ics``, ``events/<id>.ics``, each with a ``.gz``
beside it for ``gzip_static``. Private feeds are never written: their URL is their secret.

Validators: nginx's ETag is ``"<mtime hex>-<size hex>"`` and its Last-Modified the mtime,
so each file gets its feed's Last-Modified as mtime, and the app's own ETag is that same
formula (``calendars.ical.feeds.nginx_etag``): nginx and the app send the same validators
for the same bytes, and a client may switch between them without a download. (Having
nginx send a stored ETag instead would need a reload per change, and nginx could not
answer If-None-Match with it.)

Files are replaced atomically (readers see the old or the new bytes, never half) and are
0644, in 0755 folders, whatever the umask (the systemd unit sets 0077): nginx's workers
run as another user (www-data), and these are the same public bytes the app serves to
anyone, unlike the database's owner-only files. A file
is rewritten only when its bytes change (same bytes with a new Last-Modified: only its
mtime is set); files of events and topics that are gone are removed.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.store.files import atomic_write
from calendars.errors import StoreError
from calendars.ical.feeds import CalendarFeed, CalendarFeeds

__all__ = ["PUBLIC_DIR_MODE", "PUBLIC_FILE_MODE", "StaticFeeds", "SyncReport"]

logger = logging.getLogger(__name__)

PUBLIC_FILE_MODE = 0o644
PUBLIC_DIR_MODE = 0o755
_OURS = re.compile(r"^[a-z0-9][a-z0-9-]*\.ics(\.gz)?$")  # what sync may remove


@dataclass(frozen=True, slots=True)
class SyncReport:
    written: int = 0  # new or changed bytes
    touched: int = 0  # same bytes, new Last-Modified
    removed: int = 0
    unchanged: int = 0
    rendered: int = 0  # feeds rendered to compare or write (unchanged event feeds are not)

    def __str__(self) -> str:
        return (
            f"{self.written} written, {self.touched} re-dated, "
            f"{self.removed} removed, {self.unchanged} unchanged ({self.rendered} rendered)"
        )


def relative_path(scope: str) -> str:
    """Where a public feed's file goes: the feed's URL path without the leading slash."""
    kind, _, name = scope.partition(":")
    if kind == "all":
        return "calendar.ics"
    return f"calendar/{name}.ics" if kind == "tag" else f"events/{name}.ics"


class StaticFeeds:
    """Keeps ``directory`` equal to the public feeds; ``sync`` is safe from any thread."""

    def __init__(self, directory: Path, feeds: CalendarFeeds) -> None:
        self.directory = directory
        self._feeds = feeds
        self._keys: dict[str, str] = {}  # scope -> the key its file was last synced at
        self._lock = threading.Lock()

    def synced(self) -> dict[str, str]:
        """Each event feed's key at its last sync: kept across restarts (``FeedState``),
        so a restart reads and renders none of 10,000 unchanged event feeds. (The keys of
        the full and topic feeds are the store's version, which restarts from 0.)"""
        with self._lock:
            return {k: v for k, v in self._keys.items() if k.startswith("event:")}

    def remember(self, synced: dict[str, str]) -> None:
        with self._lock:
            for scope, key in synced.items():
                if scope.startswith("event:"):
                    self._keys.setdefault(scope, key)

    def prepare(self) -> None:
        """Make the folders (0755); StoreError naming the folder when that fails."""
        for folder in (self.directory, self.directory / "calendar", self.directory / "events"):
            self._folder(folder)

    def sync(self) -> SyncReport:
        """Write what changed, remove what is gone; StoreError if the folder is unusable."""
        with self._lock:
            counts = {"written": 0, "touched": 0, "removed": 0, "unchanged": 0, "rendered": 0}
            self.prepare()
            wanted: set[Path] = set()
            for scope, key, render in self._feeds.public():
                path = self.directory / relative_path(scope)
                if self._keys.get(scope) == key and path.exists():
                    wanted.add(path)
                    counts["unchanged"] += 1
                    continue
                feed = render()
                counts["rendered"] += 1
                if feed is None:
                    continue
                wanted.add(path)
                counts[self._write(path, feed)] += 1
                self._keys[scope] = key
            counts["removed"] = self._remove_all_but(wanted)
            return SyncReport(**counts)

    @staticmethod
    def _folder(folder: Path) -> None:
        try:
            folder.mkdir(mode=PUBLIC_DIR_MODE, parents=True, exist_ok=True)
            folder.chmod(PUBLIC_DIR_MODE)  # mkdir's mode is cut by the umask
        except OSError as exc:
            raise StoreError(f"cannot use {folder} for feeds: {exc.strerror or exc}") from exc

    def _write(self, path: Path, feed: CalendarFeed) -> str:
        mtime = feed.last_modified.timestamp()
        zipped = path.with_name(path.name + ".gz")
        try:
            stat = path.stat()
        except FileNotFoundError:
            stat = None
        if stat is not None and stat.st_size == len(feed.body) and path.read_bytes() == feed.body:
            if stat.st_mtime == mtime and zipped.exists():
                return "unchanged"
            os.utime(path, (mtime, mtime))
            if zipped.exists():
                os.utime(zipped, (mtime, mtime))
                return "touched"
        # The .gz first: until the plain file follows, both are complete, valid versions.
        payload = gzip.compress(feed.body, compresslevel=9, mtime=0)
        for target, data in ((zipped, payload), (path, feed.body)):
            atomic_write(target, data, mode=PUBLIC_FILE_MODE, mtime=mtime, durable=False)
        return "written"

    def _remove_all_but(self, wanted: set[Path]) -> int:
        removed = 0
        for folder in (self.directory / "calendar", self.directory / "events"):
            for path in folder.iterdir():
                if not _OURS.match(path.name) or path.is_dir():
                    continue
                plain = path.with_name(path.name.removesuffix(".gz"))
                if plain not in wanted:
                    path.unlink(missing_ok=True)
                    removed += path.suffix == ".ics"
        gone = {s for s in self._keys if self.directory / relative_path(s) not in wanted}
        for scope in gone:
            del self._keys[scope]
        return removed
