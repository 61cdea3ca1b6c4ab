"""The admins' messages in every language, whatever calendars, feeds and the news say, are
HTML Telegram accepts (the fake Bot API's own checks), split within its limits."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.upstream.poller import SyncOutcome
from bot.wording.imports import import_summary
from bot.wording.sources import (
    discarded_reply,
    held_notice,
    poll_reply,
    removed_reply,
    source_block,
    sources_list,
)
from bot.wording.suggestions import (
    suggestion_buttons,
    suggestion_notice,
    suggestions_list,
    unwatched,
    watch_list,
    watching,
)
from calendars.events import Coverage
from calendars.i18n import LANGUAGES, speaking
from calendars.ical.importer import ImportReport, Skipped
from calendars.news.announcements import WatchName
from calendars.news.suggestions import Suggestion
from calendars.time.precision import Precision
from calendars.upstream.source import HeldChange, PollSummary, UpstreamSource
from tests.bot.wording.test_languages_html import LANGUAGE, TEXT, accepted
from tests.conftest import timed_event

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
COUNTS = st.integers(min_value=0, max_value=10**6)


def upstream(name: str, url: str, error: str, reason: str, *, held: HeldChange) -> UpstreamSource:
    return UpstreamSource(
        id="s1a2b3c4",
        url=url,
        name=name,
        topics=(name[:20],),
        zone="Asia/Kolkata",
        added_at=NOW - timedelta(days=3),
        next_poll=NOW + timedelta(minutes=30),
        errors=3,
        last_success=NOW - timedelta(days=1),
        last_error=error,
        last_error_at=NOW - timedelta(minutes=5),
        summary=PollSummary(events=40, skipped=((reason, 2),), left_out=7),
        held=held,
        missing={"a@x": 1, "b@x": 2},
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LANGUAGE, TEXT, TEXT, TEXT, TEXT, COUNTS, COUNTS)
def test_admin_messages_in_any_language_are_accepted_html(
    lang: str, name: str, url: str, error: str, reason: str, many: int, few: int
) -> None:
    held = HeldChange(
        at=NOW, body_hash="x", adds=many, updates=few, cancels=few, missing=many, base=few
    )
    source = upstream(name, url, error, reason, held=held)
    failed = SyncOutcome(source.id, "error", error=error)
    synced = SyncOutcome(source.id, "synced", done=Counter(added=many, failed=few), missing=few)
    watched = WatchName(name=name, kind="person", aliases=(error, reason), topics=("sco",))
    suggestion = Suggestion(
        id="0123456789ab",
        title=name,
        when=date(2026, 12, 1),
        precision=Precision.MONTH,
        places=(reason,),
        people=(error,),
        articles=(Coverage(title=error, url="https://x.example/a", source=reason),),
        sources=many,
        created=NOW,
    )
    left_out = tuple(
        timed_event(f"e{n}", NOW + timedelta(days=n), title="Talks") for n in range(1, 3)
    )
    report = ImportReport(
        events=(),
        skipped=tuple(Skipped(label, why) for label in (name, url) for why in (error, reason)),
        limit=few,
        left_out=left_out,
        floating_zone="Asia/Kolkata",
    )
    with speaking(lang):
        messages = [
            source_block(source, now=NOW, events=many),
            sources_list([source_block(source, now=NOW, events=few)] * 3),
            sources_list([]),
            poll_reply(source, failed, first=True),
            poll_reply(source, synced, first=False),
            poll_reply(source, SyncOutcome(source.id, "held", held=held), first=False),
            held_notice(source, held),
            removed_reply(source, many),
            discarded_reply(source),
            suggestion_notice(suggestion),
            *suggestions_list([suggestion]),
            *suggestions_list([]),
            watch_list([watched], [watched]),
            watching(watched),
            unwatched(name, still=None),
            unwatched(name, still=watched),
            import_summary(report, {"added": many, "updated": few}),
        ]
        labels = [label for label, _data in suggestion_buttons("0123456789ab")]
    for html in messages:
        accepted(html)
    assert all(1 <= len(label) <= 64 for label in labels)


def test_every_language_words_the_buttons_of_a_suggestion_in_its_own_words() -> None:
    """The buttons are worded where the notice is, so each admin reads their own."""
    worded = {}
    for lang in LANGUAGES:
        with speaking(lang):
            worded[lang] = [label for label, _data in suggestion_buttons("0123456789ab")]
    assert worded["en"] == ["➕ Add", "✏️ Edit", "🙈 Ignore"]
    assert worded["ru"] == ["➕ Добавить", "✏️ Изменить", "🙈 Пропустить"]
    assert len({tuple(labels) for labels in worded.values()}) == len(LANGUAGES)
