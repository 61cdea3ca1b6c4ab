"""Upstream calendars, as the rest of the app sees them: the list, the poller, held notices.

Handlers call the admin-level operations here (add a calendar and poll it at once, apply
or discard a held change); the app starts the poller. A held change is told to each bot
admin once, in their private chat, through the broadcaster (delivery keys: never twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import httpx

from bot.delivery.broadcaster import Broadcaster
from bot.delivery.notifier import Outgoing
from bot.news.reading import SourceReader
from bot.services.events import EventService
from bot.store import Store
from bot.upstream.poller import SyncOutcome, UpstreamPoller
from bot.upstream.sources import UpstreamSources
from bot.wording.sources import ADDSOURCE_EXAMPLE, held_notice
from calendars.errors import InvalidInput
from calendars.i18n import _, worded_in
from calendars.subscribers import Subscriber
from calendars.upstream.source import HeldChange, UpstreamSource

__all__ = ["UpstreamService"]


class UpstreamService:
    def __init__(
        self,
        *,
        store: Store,
        http: httpx.AsyncClient,
        reader: SourceReader,
        events: EventService,
        broadcaster: Broadcaster,
        admins: Callable[[], Iterable[int]],
        clock: Callable[[], datetime],
        interval: timedelta,
        our_host: str | None = None,
    ) -> None:
        self._broadcaster = broadcaster
        self._store = store
        self._admins = admins
        self.poller = UpstreamPoller(
            store=store,
            http=http,
            reader=reader,
            events=events,
            clock=clock,
            interval=interval,
            on_held=self._tell_admins,
            our_host=our_host,
        )
        self.sources = UpstreamSources(store=store, clock=clock, on_added=self.poller.wake)

    async def watch(
        self, url: str, topics: list[str], *, actor: str, zone: str | None = None
    ) -> tuple[UpstreamSource, SyncOutcome]:
        """Add a calendar and poll it at once, so the admin learns straight away if it works.

        One on an address fetches may not reach is not kept: no retry would reach it.
        """
        source = self.sources.add(url, topics, actor=actor, zone=zone)
        outcome = await self.poller.poll(source.id)
        if outcome.refused:
            self.sources.remove(source.id, actor=actor)
            raise InvalidInput(
                _("not polling {url}: {error}", url=source.url[:100], error=outcome.error),
                example=ADDSOURCE_EXAMPLE,
            )
        return self.sources.find(source.id), outcome

    async def apply_held(self, id_or_url: str, *, actor: str) -> tuple[UpstreamSource, SyncOutcome]:
        """Read the calendar again and apply it, however much it changes."""
        source = self.sources.find(id_or_url)
        if source.held is None:
            raise InvalidInput(
                _("{id} has no held change; /sources shows which do", id=source.id),
                example=f"/applysource {source.id}",
            )
        outcome = await self.poller.poll(source.id, force=True)
        return self.sources.find(source.id), outcome

    async def _tell_admins(self, source: UpstreamSource, held: HeldChange) -> None:
        stamp = held.at.strftime("%Y%m%dT%H%M%S")
        await self._broadcaster.deliver_all(
            (
                f"source-held:{source.id}@{stamp}/{admin}",
                Subscriber(id=str(admin), kind="private", title="admin"),
                Outgoing(worded_in(self._language_of(admin), held_notice, source, held)),
            )
            for admin in sorted(self._admins())
        )

    def _language_of(self, admin: int) -> str | None:
        """The admin's private chat's /lang when it is subscribed; None (English) else."""
        chat = self._store.subscribers.get(str(admin))
        return chat.language if chat else None
