"""The list of upstream calendars: add, remove, list, discard a held change; from admins
and the config file. Every change lands in the audit log."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from bot.store import Store
from calendars.errors import InvalidInput, NotFound
from calendars.events import normalise_tag
from calendars.i18n import _
from calendars.time.zones import zone_or_none
from calendars.upstream.source import UpstreamSource, upstream_source_id
from calendars.urls import check_http_url
from config.upstream_sources import ConfiguredUpstream

__all__ = ["UpstreamSources"]

logger = logging.getLogger(__name__)

_EXAMPLE = "/addsource https://example.org/events.ics sco tz=Asia/Kolkata"


class UpstreamSources:
    def __init__(
        self, *, store: Store, clock: Callable[[], datetime], on_added: Callable[[], None]
    ) -> None:
        self._store = store
        self._clock = clock
        self._on_added = on_added  # the poller looks at a new source at once

    def all(self) -> list[UpstreamSource]:
        return sorted(self._store.upstream_sources.all(), key=lambda s: s.name.lower())

    def find(self, id_or_url: str) -> UpstreamSource:
        text = id_or_url.strip()
        source = self._store.upstream_sources.get(text)
        if source is None and "://" in text:
            source = self._store.upstream_sources.get(upstream_source_id(text))
        if source is None:
            raise NotFound(_("no upstream calendar {id}; /sources lists them", id=repr(text[:80])))
        return source

    def event_count(self, source_id: str) -> int:
        return sum(
            1
            for event in self._store.events.all()
            if event.origin is not None and event.origin.source == source_id
        )

    def add(
        self,
        url: str,
        topics: Iterable[str] = (),
        *,
        actor: str,
        zone: str | None = None,
        name: str = "",
        interval: timedelta | None = None,
    ) -> UpstreamSource:
        url = check_http_url(url)
        source_id = upstream_source_id(url)
        if self._store.upstream_sources.get(source_id) is not None:
            raise InvalidInput(
                _("that calendar is already polled as {id}", id=source_id),
                example=f"/rmsource {source_id}",
            )
        if zone is not None:
            found = zone_or_none(zone)
            if found is None:
                raise InvalidInput(
                    _(
                        "unknown time zone {zone}: give an IANA name after tz=",
                        zone=repr(zone[:60]),
                    ),
                    example=_EXAMPLE,
                )
            zone = found.key
        now = self._clock()
        source = UpstreamSource(
            id=source_id,
            url=url,
            name=name or _name_for(url),
            topics=tuple(sorted({normalise_tag(t) for t in topics})),
            zone=zone,
            interval=interval,
            added_by=actor,
            added_at=now,
            next_poll=now,
        )
        self._store.upstream_sources.save(source)
        self._store.audit.append(
            actor=actor, action="source.add", detail=f"{source_id} {url}", at=now
        )
        self._on_added()
        return source

    def remove(self, id_or_url: str, *, actor: str) -> UpstreamSource:
        """Stop polling; its events stay (with their origin) and are no longer updated."""
        source = self.find(id_or_url)
        self._store.upstream_sources.remove(source.id)
        self._store.audit.append(
            actor=actor, action="source.remove", detail=source.id, at=self._clock()
        )
        return source

    def discard_held(self, id_or_url: str, *, actor: str) -> UpstreamSource:
        """Keep the events as they are; the held calendar is not read again unless it changes."""
        source = self.find(id_or_url)
        if source.held is None:
            raise InvalidInput(
                _("{id} has no held change; /sources shows which do", id=source.id),
                example=f"/discardsource {source.id}",
            )
        kept = dataclasses.replace(source, held=None, discarded_hash=source.held.body_hash)
        self._store.upstream_sources.save(kept)
        self._store.audit.append(
            actor=actor, action="source.discard", detail=source.id, at=self._clock()
        )
        return kept

    def sync_configured(self, configured: Iterable[ConfiguredUpstream]) -> None:
        """Enabled sources of the config file are polled; an admin's /rmsource of one sticks."""
        for entry in configured:
            source_id = upstream_source_id(entry.url)
            if not entry.enabled or self._store.upstream_sources.get(source_id) is not None:
                continue
            if self._store.audit.has("source.remove", source_id):
                continue
            self.add(
                entry.url,
                entry.topics,
                actor="config",
                zone=entry.zone,
                name=entry.name,
                interval=entry.interval,
            )


def _name_for(url: str) -> str:
    """A name for /sources and the history when none is given: the host, and a short path."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/").rsplit("/", 1)[-1]
    name = f"{parts.hostname or url}" + (f"/{path}" if path else "")
    return name[:60]
