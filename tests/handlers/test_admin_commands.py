"""Admin commands and delivery end to end, against the fake Bot API server."""

from __future__ import annotations

import dataclasses
import html
import logging
import socket
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import httpx
import pytest
import time_machine

from bot.web.server import bind_socket
from calendars.urls import FetchAllow
from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, OTHER_USER, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "data"


async def test_an_admins_event_reminds_the_subscriber_once_even_across_a_restart(
    settings: Settings, fake: FakeTelegram
) -> None:
    configured = bot_settings(settings, fake)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured) as app:
            await say(fake, USER, "/start")
            added = await say(
                fake,
                ADMIN,
                "/addevent 2026-12-01 09:10 UTC | Modi–Putin talks | New Delhi | india-russia",
            )
            assert "Added <code>modi-putin-talks-2026</code>" in added
            clock.move_to(T0 + timedelta(minutes=10))  # one hour before the start
            app.reminders.wake()
            sent = await fake.wait_for_messages(USER, 2)
            assert "⏰ <b>Modi–Putin talks</b> starts in 1 hour" in sent[1]["text"]
        clock.move_to(T0 + timedelta(minutes=20))
        async with bot_running(configured) as app:
            await app.wait_background()
            assert await app.reminders.catch_up() == 0
    reminders = [t for t in texts(fake, USER) if t.startswith("⏰")]
    assert len(reminders) == 1


async def test_a_non_admin_cannot_add_edit_or_cancel(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        for command in (
            "/addevent 2026-12-04 | X | Y | sco",
            "/editevent a title=b",
            "/cancelevent a",
            "/broadcast hi",
        ):
            assert "only SummitWatch admins" in await say(fake, OTHER_USER, command)
        assert len(app.store.events) == 0


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/addevent tomorrow | Talks | Delhi | sco", "Example:"),
        ("/addevent 2026-12-04 10:00 Mars/Base | Talks | Delhi | sco", "Mars/Base"),
        ("/addevent 2026-12-04 | | Delhi | sco", "title"),
        ("/editevent nope title=X", "no event with id"),
        ("/cancelevent", "Example: /cancelevent"),
        ("/importics ftp://example.org/x.ics", "is not an http:// or https:// URL"),
    ],
)
async def test_malformed_admin_commands_say_what_was_wrong(
    settings: Settings, fake: FakeTelegram, command: str, expected: str
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        answer = await say(fake, ADMIN, command)
    assert answer.startswith("❗")
    assert expected in answer


async def test_the_guided_addevent_dialogue_builds_the_same_event(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        assert "When is it?" in await say(fake, ADMIN, "/addevent")
        assert "❗" in await say(fake, ADMIN, "next week")  # asked again
        assert "Title?" in await say(fake, ADMIN, "2026-12-04..2026-12-05 Asia/Kolkata")
        assert "Where?" in await say(fake, ADMIN, "Putin's state visit")
        assert "Topics" in await say(fake, ADMIN, "New Delhi")
        assert "description" in await say(fake, ADMIN, "india-russia state-visit")
        done = await say(fake, ADMIN, "/skip")
        assert "Added <code>putins-state-visit-2026</code>" in done
        event = app.store.events.get("putins-state-visit-2026")
    assert event is not None
    assert event.all_day
    assert event.tags == ("india-russia", "state-visit")


async def test_dialogue_answers_may_contain_the_one_line_separator(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, ADMIN, "/addevent")
        await say(fake, ADMIN, "2026-12-04 10:00 Asia/Kolkata")
        await say(fake, ADMIN, "Talks | round two")
        await say(fake, ADMIN, "Hyderabad House | New Delhi")
        await say(fake, ADMIN, "india-russia")
        done = await say(fake, ADMIN, "Agenda: trade | defence | energy")
        assert "Added <code>talks-round-two-2026</code>" in done
        event = app.store.events.get("talks-round-two-2026")
    assert event is not None
    assert event.title == "Talks | round two"
    assert event.location == "Hyderabad House | New Delhi"
    assert event.description == "Agenda: trade | defence | energy"


async def test_cancel_leaves_the_dialogue_without_adding(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, ADMIN, "/addevent")
        assert "nothing was added" in await say(fake, ADMIN, "/cancel")
        assert len(app.store.events) == 0


async def test_edit_and_cancel_tell_the_followers_and_are_audited(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            await app.events.add(
                timed_event("talks", T0 + timedelta(days=5), location="Delhi"), actor="t"
            )
            edited = await say(
                fake, ADMIN, '/editevent talks location="Hyderabad House, New Delhi"'
            )
            assert "Updated (version 1)" in edited
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            notice = (await fake.wait_for_messages(USER, 2))[1]["text"]
            assert "✏️ Changed:" in notice
            assert "📍 Place: Delhi → Hyderabad House, New Delhi" in notice
            assert "marked cancelled" in await say(fake, ADMIN, "/cancelevent talks")
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            cancelled = (await fake.wait_for_messages(USER, 3))[2]["text"]
            assert cancelled.startswith("❌ Cancelled:")
            assert "Status: confirmed → cancelled" in cancelled
            actions = [entry["action"] for entry in app.store.audit.recent()]
    assert actions[:2] == ["event.cancel", "event.edit"]


async def test_importics_upserts_the_events_of_an_attached_file(
    settings: Settings, fake: FakeTelegram
) -> None:
    content = (DATA / "google.ics").read_bytes()
    async with bot_running(bot_settings(settings, fake)) as app:
        fake.push_document(
            chat_id=ADMIN,
            user_id=ADMIN,
            file_name="google.ics",
            content=content,
            caption="/importics",
        )
        first = (await fake.wait_for_messages(ADMIN, 1))[0]["text"]
        assert "Imported:" in first
        assert " added," in first
        added = len(app.store.events)
        assert added >= 1
        fake.push_document(
            chat_id=ADMIN,
            user_id=ADMIN,
            file_name="google.ics",
            content=content,
            caption="/importics",
        )
        second = (await fake.wait_for_messages(ADMIN, 2))[1]["text"]
        assert "0 added" in second
        assert f"{added} unchanged" in second


async def test_importics_refuses_a_file_that_is_not_a_calendar(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        fake.push_document(
            chat_id=ADMIN, user_id=ADMIN, file_name="x.ics", content=b"hello", caption="/importics"
        )
        answer = (await fake.wait_for_messages(ADMIN, 1))[0]["text"]
    assert answer.startswith("❗")
    assert "not an iCalendar file" in answer


async def test_a_blocked_user_is_unsubscribed_and_others_still_get_the_broadcast(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        await say(fake, OTHER_USER, "/start")
        fake.block_chat(USER)
        fake.push_message(chat_id=ADMIN, text="/broadcast The summit moved to <Friday> & more")
        replies = await fake.wait_for_messages(ADMIN, 2)
        assert "1 sent, 0 failed, 1 chats gone" in replies[1]["text"]
        assert app.store.subscribers.get(str(USER)) is None
    assert texts(fake, OTHER_USER)[-1] == "📢 The summit moved to &lt;Friday&gt; &amp; more"


async def test_flood_control_is_waited_out_and_nothing_is_lost(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        fake.fail_next(
            "sendMessage",
            status=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
            chat_id=USER,
        )
        outcomes = await app.broadcaster.broadcast("hello", actor="test")
    assert sum(outcomes.values()) == 1
    assert texts(fake, USER)[-1] == "hello"


async def test_timeouts_and_server_errors_are_retried(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        fake.fail_next("sendMessage", status=502, description="Bad Gateway", times=2, chat_id=USER)
        await app.broadcaster.broadcast("after two 502s", actor="test")
    assert texts(fake, USER)[-1] == "after two 502s"


async def test_a_long_broadcast_is_split_at_line_boundaries(
    settings: Settings, fake: FakeTelegram
) -> None:
    line = "Line with some words about the summit agenda. " * 2
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        await app.broadcaster.broadcast("\n".join([line] * 60), actor="test")
    parts = texts(fake, USER)[1:]
    assert len(parts) == 2
    assert all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts).count("Line with") == 120


async def test_webhook_mode_takes_updates_only_with_the_secret(
    settings: Settings, fake: FakeTelegram
) -> None:
    listener = bind_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/telegram/webhook"
    configured = bot_settings(settings, fake, webhook_url=url, webhook_secret="s3cret-token")
    async with bot_running(configured, listen_socket=listener):
        registered = [p for m, p in fake.requests if m == "setWebhook"]
        assert registered[-1]["url"] == url
        assert registered[-1]["secret_token"] == "s3cret-token"
        assert "Welcome" in await say(fake, USER, "/start")
        async with httpx.AsyncClient() as http:
            forged = await http.post(url, json={"update_id": 1})
            wrong = await http.post(
                url, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
            )
            garbage = await http.post(
                url, content=b"{", headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            )
    assert (forged.status_code, wrong.status_code, garbage.status_code) == (403, 403, 400)
    assert not [m for m, _ in fake.requests if m == "getUpdates"]


async def test_stats_counts_subscribers_events_and_messages(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        await app.events.add(timed_event("talks", app.now() + timedelta(days=3)), actor="t")
        await app.broadcaster.broadcast("hello", actor="t")
        stats = await say(fake, ADMIN, "/stats")
    assert "Subscribers: 1 (private 1)" in stats
    assert "Events: 1 (1 upcoming, 0 cancelled)" in stats
    assert "Messages: 1 sent, 0 failed" in stats
    assert "News: 0 feeds (0 failing)" in stats


async def test_importics_from_a_url(settings: Settings, fake: FakeTelegram) -> None:
    from tests.fakes.feed_server import FeedServer

    with FeedServer() as site:
        site.publish("cal.ics", (DATA / "outlook.ics").read_bytes(), content_type="text/calendar")
        async with bot_running(bot_settings(settings, fake)) as app:
            answer = await say(fake, ADMIN, f"/importics {site.url('cal.ics')}")
            missing = await say(fake, ADMIN, f"/importics {site.url('nothing.ics')}")
            imported = len(app.store.events)
    assert "Imported:" in answer
    assert imported >= 1
    assert "HTTP 404" in missing


async def test_importics_says_why_a_url_could_not_be_fetched(
    settings: Settings, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.fakes.feed_server import FeedServer

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/cal.ics"
    with FeedServer() as site:
        site.redirect("moved.ics", "file:///etc/passwd")
        async with bot_running(bot_settings(settings, fake)):
            refused = await say(fake, ADMIN, f"/importics {closed}")
            moved = await say(fake, ADMIN, f"/importics {site.url('moved.ics')}")
    assert refused == f"❗ could not fetch {closed}: connection refused"
    assert moved == escape(
        f"❗ could not fetch {site.url('moved.ics')}: redirected to 'file:///etc/passwd', "
        "which is not an http:// or https:// URL"
    )
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_importics_refuses_a_private_address_though_telegram_on_loopback_works(
    settings: Settings, fake: FakeTelegram
) -> None:
    """The default allows no private address; the Bot API connection is not a fetch."""
    from tests.fakes.feed_server import FeedServer

    nothing_allowed = dataclasses.replace(settings, fetch_allow=FetchAllow())
    with FeedServer() as site:
        site.publish("cal.ics", (DATA / "outlook.ics").read_bytes(), content_type="text/calendar")
        async with bot_running(bot_settings(nothing_allowed, fake)) as app:
            answer = await say(fake, ADMIN, f"/importics {site.url('cal.ics')}")
            imported = len(app.store.events)
    assert answer == (
        f"❗ could not fetch {site.url('cal.ics')}: 127.0.0.1 is a loopback address; fetches "
        "to private networks are refused (set SUMMITWATCH_FETCH_ALLOW to allow one)"
    )
    assert site.requests_to("cal.ics") == []
    assert imported == 0


async def test_admins_are_told_which_pass_of_a_repeated_hour_and_warned_of_offsets(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake, timezone="Europe/Berlin")) as app:
        added = await say(
            fake, ADMIN, "/addevent 2027-10-31 02:30 Europe/Berlin | Night talks | Berlin | eu"
        )
        assert "Added <code>night-talks-2027</code>" in added
        assert "Sun 31 Oct 2027, 02:30 CEST – 02:30 CET" in added  # one hour, both passes
        assert (
            "ℹ️ 02:30 happens twice on 2027-10-31 in Europe/Berlin (clocks go back); "
            "the event starts at the first, 02:30 CEST (00:30 UTC)"
        ) in added
        assert "it ends at the second, 02:30 CET (01:30 UTC)" in added
        event = app.store.events.get("night-talks-2027")
        assert event is not None
        assert event.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)

        edited = await say(
            fake, ADMIN, '/editevent night-talks-2027 when="2027-10-31 02:15 Europe/Berlin"'
        )
        assert "Sun 31 Oct 2027, 02:15 CEST – 02:15 CET" in edited  # still one hour long
        assert "the event starts at the first, 02:15 CEST (00:15 UTC)" in edited

        refused = await say(fake, ADMIN, "/addevent 2026-12-04 10:00 -11:00 | Talks | X | eu")
        assert refused.startswith("❗")
        assert (
            "-11:00 looks like a UTC offset; name a zone (such as Pacific/Pago_Pago) "
            "or write the range with spaces: 10:00 - 11:00"
        ) in refused
        assert len(app.store.events) == 1

        fixed = await say(fake, ADMIN, "/addevent 2026-12-04 10:00 EST | UN talks | New York | un")
        assert "ℹ️ EST is UTC-05:00 all year, with no summer time" in fixed
        assert "use America/New_York" in fixed


SEED = Path(__file__).resolve().parents[2] / "config" / "events.toml"


async def test_importing_our_own_feed_changes_nothing_and_notifies_nobody(
    settings: Settings, fake: FakeTelegram
) -> None:
    from calendars.events import Coverage, Event

    async with bot_running(bot_settings(settings, fake, seed_path=SEED)) as app:
        await say(fake, USER, "/start")  # follows every topic
        soon = (app.now() + timedelta(days=10)).replace(second=0, microsecond=0)
        coverage = (Coverage(title="Talks: day one", url="https://news.example/1", source="Wire"),)
        extras = [
            timed_event(
                "delhi-talks",
                soon,
                urls=("https://www.mea.gov.in/", "http://en.kremlin.ru/"),
                description="Agenda.\n\nSecond paragraph.",
                coverage=coverage,
            ),
            Event(
                id="visit",
                title="State visit",
                start=soon.date(),
                end=soon.date() + timedelta(days=2),
                timezone="Asia/Kolkata",
                urls=("https://www.mea.gov.in/",),
            ),
        ]
        for event in extras:
            await app.events.add(event, actor="test")
        app.events.record_coverage("delhi-talks", coverage)
        total = len(app.store.events)
        messages = len(fake.sent_messages(USER))
        first = await say(fake, ADMIN, f"/importics {app.public_url}/calendar.ics")
        second = await say(fake, ADMIN, f"/importics {app.public_url}/calendar.ics")
        await app.wait_background()
        stored = {event.id: event for event in app.store.events.sorted_by_start()}
    for answer in (first, second):
        assert f"Imported: 0 added, 0 updated, {total} unchanged, 0 skipped." in answer
    assert len(fake.sent_messages(USER)) == messages  # no "Changed" notice, no new reminders
    assert stored["delhi-talks"].description == "Agenda.\n\nSecond paragraph."
    assert stored["delhi-talks"].urls == ("https://www.mea.gov.in/", "http://en.kremlin.ru/")
    assert stored["visit"].timezone == "Asia/Kolkata"


def _floating_file(recurring: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    lines += ["BEGIN:VEVENT", "UID:talks", "SUMMARY:Talks", "DTSTART:20270104T100000", "END:VEVENT"]
    for n in range(recurring):
        lines += ["BEGIN:VEVENT", f"UID:call-{n}", f"SUMMARY:Call {n}"]
        lines += ["DTSTART:20270104T100000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"]
        lines.append("END:VEVENT")
    lines += ["BEGIN:VEVENT", "UID:bad", "SUMMARY:Bad", "DTSTART:20270104T100000Z"]
    lines += ["DURATION:P999999999999999999W", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


async def test_importics_reads_floating_times_in_the_zone_named_and_groups_the_skips(
    settings: Settings, fake: FakeTelegram
) -> None:
    from tests.fakes.feed_server import FeedServer

    with FeedServer() as site:
        site.publish("cal.ics", _floating_file(recurring=30), content_type="text/calendar")
        async with bot_running(bot_settings(settings, fake)) as app:
            answer = await say(fake, ADMIN, f"/importics {site.url('cal.ics')} tz=Asia/Kolkata")
            bad_zone = await say(fake, ADMIN, f"/importics {site.url('cal.ics')} tz=Mars/Base")
            (talks,) = app.store.events.sorted_by_start()
    answer = html.unescape(answer)  # Telegram shows &#x27; as '
    assert "Imported: 1 added, 0 updated, 0 unchanged, 31 skipped." in answer
    assert "read in <b>Asia/Kolkata</b>" in answer
    never = "its rule (BYMONTHDAY=30;BYMONTH=2) matches no day, ever"
    assert f"• 30 × {never}: 'Call 0' (UID call-0)," in answer
    assert "and 27 more" in answer
    assert (
        "• 1 × its DURATION 'P999999999999999999W' is longer than any event "
        "(over 300 years): 'Bad' (UID bad)"
    ) in answer
    assert (talks.timezone, talks.starts_at) == (
        "Asia/Kolkata",
        datetime(2027, 1, 4, 4, 30, tzinfo=UTC),
    )
    assert bad_zone.startswith("❗")
    assert "'Mars/Base' is not a time zone" in html.unescape(bad_zone)
