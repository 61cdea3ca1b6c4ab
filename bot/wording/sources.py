"""The words about upstream calendars: /sources, /addsource's result, held-change notices."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.upstream.poller import SyncOutcome
from calendars.time.timefmt import format_relative
from calendars.upstream.plan import HOLD_MIN, HOLD_SHARE
from calendars.upstream.source import HeldChange, PollSummary, UpstreamSource

__all__ = [
    "ADDSOURCE_EXAMPLE",
    "discarded_reply",
    "held_notice",
    "poll_reply",
    "removed_reply",
    "source_block",
    "sources_list",
]

ADDSOURCE_EXAMPLE = (
    "/addsource https://calendar.google.com/calendar/ical/x%40group.calendar.google.com"
    "/public/basic.ics sco india-russia tz=Asia/Kolkata"
)


def _label(source: UpstreamSource) -> str:
    return f"<b>{escape(source.name)}</b> · <code>{escape(source.id)}</code>"


def _done(outcome: SyncOutcome) -> str:
    done = outcome.done
    parts = [f"{done[key]} {key}" for key in ("added", "updated", "cancelled") if done[key]]
    if outcome.missing:
        parts.append(f"{outcome.missing} missing (cancelled if missing again)")
    if done["failed"]:
        parts.append(f"{done['failed']} refused (see the log)")
    return ", ".join(parts) or "nothing changed"


def _skipped(summary: PollSummary) -> list[str]:
    lines = [f"Skipped {count}: {escape(reason)}" for reason, count in summary.skipped]
    if summary.left_out:
        lines.append(f"Left out {summary.left_out} over the limit (the furthest away)")
    return lines


def held_lines(source: UpstreamSource, held: HeldChange) -> list[str]:
    return [
        f"⏸ Held: this poll would make {held.total} changes to its {held.base} events "
        f"({held.adds} new, {held.updates} changed, {held.cancels} cancelled, "
        f"{held.missing} missing): more than {HOLD_SHARE:.0%} and at least {HOLD_MIN}, "
        "so nothing was applied.",
        f"Apply it: /applysource {escape(source.id)} · keep things as they are: "
        f"/discardsource {escape(source.id)}",
    ]


def held_notice(source: UpstreamSource, held: HeldChange) -> str:
    """To admins, once per held change: what would change, and the two commands."""
    return "\n".join(
        [f"Upstream calendar {_label(source)}", escape(source.url), *held_lines(source, held)]
    )


def poll_reply(source: UpstreamSource, outcome: SyncOutcome, *, first: bool) -> str:
    """/addsource's and /applysource's answer: what the poll did, or why it failed."""
    head = f"{'Watching' if first else 'Polled'} {_label(source)}\n{escape(source.url)}"
    if outcome.status == "error":
        error = escape(outcome.error or "")
        return f"{head}\nPoll failed: {error}\nI will retry with backoff; /sources shows it."
    if outcome.status == "held" and outcome.held is not None:
        return "\n".join([head, *held_lines(source, outcome.held)])
    lines = [head, f"Events: {_done(outcome)}."]
    return "\n".join(lines + _skipped(source.summary))


def source_block(source: UpstreamSource, *, now: datetime, events: int) -> str:
    """One source in /sources: health, last success or error, events, next poll, held."""
    lines = [f"{'⚠️' if source.failing else '✅'} {_label(source)}", escape(source.url)]
    if source.topics:
        lines.append("Topics: " + escape(", ".join(source.topics)))
    if source.zone:
        lines.append(f"Zoneless times read in {escape(source.zone)}")
    if source.last_success:
        lines.append(
            f"Last success {format_relative(source.last_success, now)}: "
            f"{source.summary.events} in the calendar, {events} events here"
        )
        lines += _skipped(source.summary)
    elif not source.last_error:
        lines.append("Not polled yet")
    if source.errors and source.last_error and source.last_error_at:
        lines.append(
            f"{'Failing' if source.failing else 'Last error'} ({source.errors} in a row, "
            f"{format_relative(source.last_error_at, now)}): {escape(source.last_error)}"
        )
    if source.missing:
        lines.append(f"Missing from the last poll: {len(source.missing)} (cancelled if again)")
    if source.held is not None:
        lines += held_lines(source, source.held)
    lines.append(f"Next poll {format_relative(source.next_poll, now)}")
    return "\n".join(lines)


def sources_list(blocks: list[str]) -> str:
    if not blocks:
        return f"No upstream calendars yet. Add one:\n{escape(ADDSOURCE_EXAMPLE)}"
    return f"<b>{len(blocks)} upstream calendars</b>\n\n" + "\n\n".join(blocks)


def removed_reply(source: UpstreamSource, events: int) -> str:
    return (
        f"Stopped polling {_label(source)} {escape(source.url)}.\n"
        f"Its {events} events stay in the calendar; the source no longer updates them."
    )


def discarded_reply(source: UpstreamSource) -> str:
    return (
        f"Discarded the held change of {_label(source)}: its events stay as they are. "
        "If the calendar changes again, the next poll is weighed afresh."
    )
