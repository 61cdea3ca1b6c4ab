"""The reply to /importics: what happened to every event of the file, in one message.

Skips are grouped by reason with a count and a few examples, so 300 events in a zone we do
not know read as one line, not 300 (nor the first 20 of them); a repeating event counts one
event per occurrence it gives, and one cut short at its cap is a skip line saying so;
events over the per-import limit are named by their date range with what to do about
them; and when times without a zone were read in a zone we chose, the reply says which,
and how to choose another.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from calendars.i18n import _, ngettext
from calendars.ical.importer import ImportReport

__all__ = ["import_summary"]

MAX_REASONS = 15
EXAMPLES = 3


def import_summary(report: ImportReport, results: Mapping[str, int]) -> str:
    """The reply: counts, the zone used for floating times, skips by reason, what was left out."""
    lines = [
        _(
            "Imported: {added} added, {updated} updated, {unchanged} unchanged, {skipped} skipped.",
            added=results.get("added", 0),
            updated=results.get("updated", 0),
            unchanged=results.get("unchanged", 0),
            skipped=len(report.skipped),
        )
    ]
    if report.floating_zone is not None:
        lines.append(
            _(
                "Times and dates given without a time zone were read in {zone}; to read "
                "them in another, add {tz} to /importics (e.g. {example}).",
                zone=f"<b>{escape(report.floating_zone)}</b>",
                tz="<code>tz=Area/City</code>",
                example="<code>tz=Asia/Kolkata</code>",
            )
        )
    lines += _skips(report)
    if report.left_out:
        days = sorted(event.starts_at.date() for event in report.left_out)
        lines.append(
            "⚠️ "
            + ngettext(
                "Left out {count} more event: one import takes at most {limit}, upcoming "
                "events first, then the most recent. It starts between {first} and {last} "
                "(UTC): to import it, export that date range (or cut it into a file of its "
                "own) and import it with /importics.",
                "Left out {count} more events: one import takes at most {limit}, upcoming "
                "events first, then the most recent. Those left out start between {first} "
                "and {last} (UTC): to import them, export that date range (or cut those "
                "events into a file of their own) and import it with /importics.",
                len(report.left_out),
                limit=report.limit,
                first=f"{days[0]:%Y-%m-%d}",
                last=f"{days[-1]:%Y-%m-%d}",
            )
        )
    return "\n".join(lines)


def _skips(report: ImportReport) -> list[str]:
    by_reason: dict[str, list[str]] = {}
    for skip in report.skipped:
        by_reason.setdefault(skip.reason, []).append(skip.label)
    ranked = sorted(by_reason.items(), key=lambda item: -len(item[1]))  # stable: file order
    lines = [_("Skipped:")] if ranked else []
    for reason, labels in ranked[:MAX_REASONS]:
        examples = ", ".join(escape(label) for label in labels[:EXAMPLES])
        if len(labels) > EXAMPLES:
            examples = _(
                "{examples} and {more} more", examples=examples, more=len(labels) - EXAMPLES
            )
        lines.append(f"• {len(labels)} × {escape(reason)}: {examples}")
    if len(ranked) > MAX_REASONS:
        rest = sum(len(labels) for _reason, labels in ranked[MAX_REASONS:])
        others = len(ranked) - MAX_REASONS
        lines.append(
            "• "
            + ngettext(
                "{rest} more, for {count} other reason",
                "{rest} more, for {count} other reasons",
                others,
                rest=rest,
            )
        )
    return lines
