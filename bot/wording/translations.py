"""The words about an event's translations, for the admin who edits them."""

from __future__ import annotations

from html import escape

from calendars.events import Event
from calendars.i18n import _
from calendars.translations import translation_key

__all__ = ["translations_note"]


def translations_note(before: Event, after: Event) -> str:
    """After an ``/editevent``: the translations now, when they changed; and a warning for
    those whose original changed while they did not (they may say something else now)."""
    lines = []
    if before.translations != after.translations:
        named = ", ".join(f"<code>{escape(key)}</code>" for key in after.translations.named())
        lines.append(
            "🌐 "
            + _("Translations: {keys}. Readers of another language see the original.", keys=named)
            if named
            else "🌐 " + _("No translations: every reader sees the original.")
        )
    stale = [
        translation_key(field, lang)
        for lang, field, text in after.translations.texts
        if getattr(before, field) != getattr(after, field)
        and before.translations.get(lang, field) == text
    ]
    if stale:
        keys = ", ".join(f"<code>{escape(key)}</code>" for key in stale)
        lines.append(
            "⚠️ "
            + _(
                "{keys} still translate the old text: write them again, or remove them "
                "with {example}",
                keys=keys,
                example=f"<code>/editevent {escape(after.id)} {escape(stale[0])}=-</code>",
            )
        )
    return "".join(f"\n\n{line}" for line in lines)
