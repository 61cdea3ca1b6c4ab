"""The upstream calendars table: each polled .ics source with what polling it has learnt.

A new table: databases written before it simply have none, and load as before.
"""

from __future__ import annotations

from tinydb.table import Table

from bot.store.sources import SourceRegistry
from calendars.upstream.source import UpstreamSource

__all__ = ["UpstreamSourceRegistry"]


class UpstreamSourceRegistry(SourceRegistry[UpstreamSource]):
    def __init__(self, table: Table) -> None:
        super().__init__(table, UpstreamSource)
