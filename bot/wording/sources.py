"""The words about upstream calendars: /sources, /addsource's result, held-change notices."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.upstream.poller import SyncOutcome
from bot.wording.polling import error_lines
from calendars.i18n import _, current_language, ngettext
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
    parts = []
    if done["added"]:
        parts.append(_("{count} added", count=done["added"]))
    if done["updated"]:
        parts.append(_("{count} updated", count=done["updated"]))
    if done["cancelled"]:
        parts.append(_("{count} cancelled", count=done["cancelled"]))
    if outcome.missing:
        parts.append(_("{count} missing (cancelled if missing again)", count=outcome.missing))
    if done["failed"]:
        parts.append(_("{count} refused (see the log)", count=done["failed"]))
    return ", ".join(parts) or _("nothing changed")


def _skipped(summary: PollSummary) -> list[str]:
    lines = [
        _("Skipped {count}: {reason}", count=count, reason=escape(reason))
        for reason, count in summary.skipped
    ]
    if summary.left_out:
        lines.append(
            _("Left out {count} over the limit (the furthest away)", count=summary.left_out)
        )
    return lines


def held_lines(source: UpstreamSource, held: HeldChange) -> list[str]:
    return [
        "⏸ "
        + _(
            "Held: this poll would make {total} changes to its {base} events ({adds} new, "
            "{updates} changed, {cancels} cancelled, {missing} missing): more than {share} "
            "and at least {least}, so nothing was applied.",
            total=held.total,
            base=held.base,
            adds=held.adds,
            updates=held.updates,
            cancels=held.cancels,
            missing=held.missing,
            share=f"{HOLD_SHARE:.0%}",
            least=HOLD_MIN,
        ),
        _(
            "Apply it: {apply} · keep things as they are: {discard}",
            apply=f"/applysource {escape(source.id)}",
            discard=f"/discardsource {escape(source.id)}",
        ),
    ]


def held_notice(source: UpstreamSource, held: HeldChange) -> str:
    """To admins, once per held change: what would change, and the two commands."""
    return "\n".join(
        [
            _("Upstream calendar {name}", name=_label(source)),
            escape(source.url),
            *held_lines(source, held),
        ]
    )


def poll_reply(source: UpstreamSource, outcome: SyncOutcome, *, first: bool) -> str:
    """/addsource's and /applysource's answer: what the poll did, or why it failed."""
    label = _label(source)
    head = _("Watching {name}", name=label) if first else _("Polled {name}", name=label)
    head = f"{head}\n{escape(source.url)}"
    if outcome.status == "error":
        failed = _("Poll failed: {error}", error=escape(outcome.error or ""))
        retry = _("I will retry with backoff; /sources shows it.")
        return f"{head}\n{failed}\n{retry}"
    if outcome.status == "held" and outcome.held is not None:
        return "\n".join([head, *held_lines(source, outcome.held)])
    lines = [head, _("Events: {done}.", done=_done(outcome))]
    return "\n".join(lines + _skipped(source.summary))


def source_block(source: UpstreamSource, *, now: datetime, events: int) -> str:
    """One source in /sources: health, last success or error, events, next poll, held."""
    lang = current_language()
    lines = [f"{'⚠️' if source.failing else '✅'} {_label(source)}", escape(source.url)]
    if source.topics:
        lines.append(_("Topics: {topics}", topics=escape(", ".join(source.topics))))
    if source.zone:
        lines.append(_("Zoneless times read in {zone}", zone=escape(source.zone)))
    if source.last_success:
        lines.append(
            _(
                "Last success {when}: {count} in the calendar, {events} events here",
                when=format_relative(source.last_success, now, lang),
                count=source.summary.events,
                events=events,
            )
        )
        lines += _skipped(source.summary)
    elif not source.last_error:
        lines.append(_("Not polled yet"))
    lines += error_lines(source, now=now)
    if source.missing:
        lines.append(
            _(
                "Missing from the last poll: {count} (cancelled if again)",
                count=len(source.missing),
            )
        )
    if source.held is not None:
        lines += held_lines(source, source.held)
    lines.append(_("Next poll {when}", when=format_relative(source.next_poll, now, lang)))
    return "\n".join(lines)


def sources_list(blocks: list[str]) -> str:
    if not blocks:
        return _("No upstream calendars yet. Add one:") + f"\n{escape(ADDSOURCE_EXAMPLE)}"
    head = ngettext("{count} upstream calendar", "{count} upstream calendars", len(blocks))
    return f"<b>{head}</b>\n\n" + "\n\n".join(blocks)


def removed_reply(source: UpstreamSource, events: int) -> str:
    return (
        _("Stopped polling {name} {url}.", name=_label(source), url=escape(source.url))
        + "\n"
        + ngettext(
            "Its {count} event stays in the calendar; the source no longer updates it.",
            "Its {count} events stay in the calendar; the source no longer updates them.",
            events,
        )
    )


def discarded_reply(source: UpstreamSource) -> str:
    return _(
        "Discarded the held change of {name}: its events stay as they are. "
        "If the calendar changes again, the next poll is weighed afresh.",
        name=_label(source),
    )
