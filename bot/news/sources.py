"""The list of watched news sources: add, remove, list; from admins, OPML and the config file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.store import Store
from calendars.errors import InvalidInput, NotFound
from calendars.events import normalise_tag
from calendars.i18n import _
from calendars.news.opml import OpmlSource, export_opml, parse_opml
from calendars.news.sources import NewsSource, source_id_for
from calendars.urls import check_http_url
from config.news_sources import ConfiguredSource

__all__ = ["NewsSources", "OpmlImport"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """What an OPML import did: how many sources were added, and why the others were not."""

    added: int
    skipped: list[str] = field(default_factory=list)


class NewsSources:
    """Every change to the list goes through here and lands in the audit log."""

    def __init__(
        self, *, store: Store, clock: Callable[[], datetime], on_added: Callable[[], None]
    ) -> None:
        self._store = store
        self._clock = clock
        self._on_added = on_added  # the poller looks at a new source at once

    def all(self) -> list[NewsSource]:
        return sorted(self._store.news_sources.all(), key=lambda s: s.name.lower())

    def get(self, source_id: str) -> NewsSource:
        source = self._store.news_sources.get(source_id)
        if source is None:
            raise NotFound(_("no news source {id}; /feeds lists them", id=repr(source_id)))
        return source

    def add(
        self,
        url: str,
        tags: Iterable[str] = (),
        *,
        actor: str,
        title: str = "",
        backfill: bool = False,
    ) -> NewsSource:
        url = check_http_url(url)
        source_id = source_id_for(url)
        if self._store.news_sources.get(source_id) is not None:
            raise InvalidInput(
                _("that feed is already watched as {id}", id=source_id),
                example=f"/rmfeed {source_id}",
            )
        now = self._clock()
        source = NewsSource(
            id=source_id,
            url=url,
            title=title,
            tags=tuple(sorted({normalise_tag(t) for t in tags})),
            backfill=backfill,
            added_by=actor,
            added_at=now,
            next_poll=now,
        )
        self._store.news_sources.save(source)
        self._store.audit.append(
            actor=actor, action="feed.add", detail=f"{source_id} {url}", at=now
        )
        self._on_added()
        return source

    def remove(self, id_or_url: str, *, actor: str) -> NewsSource:
        text = id_or_url.strip()
        source = self._store.news_sources.get(text) or self._store.news_sources.get(
            source_id_for(text)
        )
        if source is None:
            raise NotFound(_("no feed {id}; /feeds lists them", id=repr(text[:80])))
        self._store.news_sources.remove(source.id)
        self._store.audit.append(
            actor=actor, action="feed.remove", detail=source.id, at=self._clock()
        )
        return source

    def sync_configured(self, configured: Iterable[ConfiguredSource]) -> None:
        """Enabled sources of the config file are watched; an admin's /rmfeed of one sticks."""
        for entry in configured:
            source_id = source_id_for(entry.url)
            if not entry.enabled or self._store.news_sources.get(source_id) is not None:
                continue
            if self._store.audit.has("feed.remove", source_id):
                continue
            self.add(entry.url, entry.tags, actor="config", title=entry.title)

    async def import_opml(self, data: bytes, *, actor: str) -> OpmlImport:
        """Add every source of an OPML file; one bad outline never spoils the others."""
        outlines = await asyncio.to_thread(parse_opml, data)  # untrusted XML: off the loop
        added, skipped = 0, []
        for outline in outlines:
            try:
                self.add(outline.url, outline.tags, actor=actor, title=outline.title)
                added += 1
            except InvalidInput as exc:
                skipped.append(f"{outline.url}: {exc.message}")
        return OpmlImport(added, skipped)

    def export_opml(self) -> bytes:
        """The watched sources as OPML, for a feed reader or another SummitWatch."""
        return export_opml([OpmlSource(url=s.url, title=s.name, tags=s.tags) for s in self.all()])
