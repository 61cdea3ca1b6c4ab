"""Reading fetched feeds in a worker process, so one hostile feed costs a bounded moment.

feedparser is pure Python: a megabyte of markup costs it seconds, and nothing can stop
a thread that runs it. So each feed is parsed in a worker process that pebble kills when
:data:`~calendars.limits.NEWS_PARSE_SECONDS` pass (and replaces), under an address-space
limit of :data:`~calendars.limits.NEWS_PARSE_MEMORY_BYTES`. A feed over budget fails its
poll like an unreachable one: its error shows in /feeds and it is retried with backoff.

Workers are forked from a fork server that has imported the parser, not from the bot
(whose threads may hold locks at the moment of a fork). As with any multiprocessing start
method but fork, a worker imports the main script as ``__mp_main__``: run.py keeps its
``if __name__ == "__main__"`` guard. The server and the first worker start on the first
read, off the event loop; a read then costs the parse plus the hand-over of the body.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections.abc import Callable
from typing import Any, TypeVar

import pebble

from bot.news.worker_pool import WorkerPool
from calendars import limits
from calendars.errors import FetchFailed, InvalidInput
from calendars.news.parsing import ParsedArticles, SourceUnreadable, parse_articles

__all__ = ["SourceReader", "SourceTooCostly"]

logger = logging.getLogger(__name__)

R = TypeVar("R")


class SourceTooCostly(InvalidInput):
    """Reading the feed went over its time or memory budget."""


class SourceReader:
    """The worker pool of one running app: started on the first read, stopped by ``close``
    (the app's start-up stack calls it), restarted if a killed worker broke it."""

    def __init__(self) -> None:
        self._workers = WorkerPool(
            name="feed reader",
            preload=__name__,
            max_tasks=200,  # a fresh worker now and then gives back fragmented memory
            initializer=_limit_memory,
            initargs=lambda: (limits.NEWS_PARSE_MEMORY_BYTES,),
        )

    async def read(
        self, content: bytes, *, source_url: str, content_type: str | None
    ) -> ParsedArticles:
        """:func:`parse_articles` in a worker, within the budget; raises :class:`SourceUnreadable`
        or :class:`SourceTooCostly`, or :class:`FetchFailed` when no worker could run it.
        Budgets are read per call, from :mod:`calendars.limits`."""
        if len(content) > limits.NEWS_FEED_BYTES:  # before the body is copied to the worker
            parse_articles(content, source_url=source_url)  # raises the parser's own refusal
        outcome = await self.run(
            _read,
            content,
            source_url,
            content_type,
            seconds=limits.NEWS_PARSE_SECONDS,
            what="the feed",
            why="too much markup for one feed",
        )
        if isinstance(outcome, ParsedArticles):
            return outcome
        message, example = outcome
        raise SourceUnreadable(message, example=example)

    async def run(
        self, function: Callable[..., R], *args: Any, seconds: float, what: str, why: str
    ) -> R:
        """``function(*args)`` in the worker (a module-level function: it is pickled by
        name), killed after ``seconds``; ``what`` and ``why`` word the refusal. Other
        untrusted parsers (upstream calendars) share this one pool rather than start a
        second: the host has two cores, and one worker at a time is plenty."""
        memory = limits.NEWS_PARSE_MEMORY_BYTES
        try:
            future = await asyncio.to_thread(self._schedule, function, args, seconds)
            return await asyncio.wrap_future(future)
        except TimeoutError:  # an OSError too: caught first
            raise SourceTooCostly(f"reading {what} took over {seconds:g} s ({why})") from None
        except MemoryError:
            raise SourceTooCostly(
                f"reading {what} needed over {memory // 1_048_576:,} MB of memory"
            ) from None
        except pebble.ProcessExpired as exc:  # killed from outside, or crashed in C
            raise SourceTooCostly(
                f"the reader died reading {what} (exit code {exc.exitcode})"
            ) from None
        except Exception as exc:  # a broken pool (the next read starts a new one), a bug
            logger.warning("reader.failed what=%s error=%r", what, exc)
            raise FetchFailed(f"the reader failed ({type(exc).__name__})") from exc

    def _schedule(
        self, function: Callable[..., R], args: tuple[Any, ...], seconds: float
    ) -> pebble.ProcessFuture[R]:
        # One worker: polls share two cores with the bot; parses are ~15 ms.
        return self._workers.schedule(function, args, seconds)

    async def close(self) -> None:
        """Stop the worker (off the loop: joining waits for it to exit)."""
        await self._workers.close()


def _read(
    content: bytes, source_url: str, content_type: str | None
) -> ParsedArticles | tuple[str, str | None]:
    """In the worker: the parsed feed, or the refusal's message and example (an exception
    would lose its ``example`` on the way back)."""
    try:
        return parse_articles(content, source_url=source_url, content_type=content_type)
    except SourceUnreadable as exc:
        return exc.message, exc.example


def _limit_memory(limit: int) -> None:
    """In each new worker: a MemoryError there, not the bot's host, when a feed is too big."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
