"""An event known only to its month or year, through the pure core: admin commands, its
history when the day is set, reminders that wait for the day, the feeds and the agenda."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from calendars.agenda import build_agenda
from calendars.commands import parse_addevent, parse_editevent
from calendars.errors import InvalidWhen
from calendars.events import Event
from calendars.history import day_set_at, parse_time_value, time_precision, time_value
from calendars.ical.render import CalendarMeta, IcalRenderer
from calendars.reminders import plan_reminders
from calendars.subscribers import Subscriber
from calendars.time.precision import Precision
from tests.conftest import at, timed_event

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DEFAULT = (timedelta(days=7), timedelta(days=1), timedelta(hours=1))
META = CalendarMeta(public_url="https://summitwatch.example.org", name="SummitWatch")


def add(when: str) -> Event:
    return parse_addevent(
        f"{when} | Putin visit to New Delhi | New Delhi | india-russia",
        default_zone="Asia/Kolkata",
        now=NOW,
        taken=frozenset(),
    )


def set_day(event: Event, when: str, *, now: datetime) -> Event:
    _id, changes = parse_editevent(f"{event.id} when={when!r}", current_lookup=lambda _: event)
    return event.revised(now=now, by="telegram:1", **changes)


def test_addevent_takes_a_month_or_a_year_for_the_date() -> None:
    month = add("2026-12")
    assert (month.start, month.end, month.precision) == (
        date(2026, 12, 1),
        date(2027, 1, 1),
        Precision.MONTH,
    )
    assert month.id == "putin-visit-to-new-delhi-2026"
    assert month.timezone == "Asia/Kolkata"
    year = add("2027 Europe/Moscow")
    assert (year.start, year.end, year.precision) == (
        date(2027, 1, 1),
        date(2028, 1, 1),
        Precision.YEAR,
    )


def test_addevent_refuses_a_month_with_a_time_naming_the_part() -> None:
    with pytest.raises(InvalidWhen) as refused:
        add("2026-12 10:00")
    assert refused.value.message.startswith("part 1 (when): '2026-12 10:00' is not understood")
    assert "Example: 2025-12 Asia/Kolkata" in refused.value.user_message()


def test_editevent_setting_a_day_turns_precision_to_day_and_history_says_so() -> None:
    event = add("2026-12")
    dated = set_day(event, "2026-12-04 10:00", now=NOW + timedelta(days=9))
    assert dated.precision is Precision.DAY
    assert dated.starts_at == datetime(2026, 12, 4, 4, 30, tzinfo=UTC)
    (change,) = dated.history
    assert change.field == "time"
    assert change.old == "2026-12-01/2027-01-01 Asia/Kolkata month"
    assert time_precision(change.old) is Precision.MONTH
    assert time_precision(change.new) is Precision.DAY
    assert parse_time_value(change.old) == (date(2026, 12, 1), date(2027, 1, 1), "Asia/Kolkata")
    assert day_set_at(dated) == NOW + timedelta(days=9)
    assert day_set_at(event) is None


def test_a_month_narrowed_from_a_year_is_a_change_of_time_not_a_day_set() -> None:
    event = add("2027")
    narrowed = set_day(event, "2027-03", now=NOW)
    assert narrowed.precision is Precision.MONTH
    assert [(c.field, c.old, c.new) for c in narrowed.history] == [
        (
            "time",
            "2027-01-01/2028-01-01 Asia/Kolkata year",
            "2027-03-01/2027-04-01 Asia/Kolkata month",
        )
    ]
    assert day_set_at(narrowed) is None
    assert time_value(narrowed).endswith(" month")


def test_an_edit_that_keeps_the_day_keeps_precision_out_of_the_changes() -> None:
    event = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata"))
    _id, changes = parse_editevent("talks when=2026-12-05", current_lookup=lambda _: event)
    assert "precision" not in changes


def subscriber() -> Subscriber:
    since = datetime(2020, 1, 1, tzinfo=UTC)
    return Subscriber(id="42", subscribed_at=since, reminders_since=since)


def plan(event: Event, now: datetime) -> timedelta | None:
    planned = plan_reminders(
        event, subscriber(), default_offsets=DEFAULT, now=now, is_done=lambda _key: False
    )
    return planned.send.offset if planned.send else None


def test_no_reminder_is_due_for_a_month_event_even_on_its_first() -> None:
    event = add("2026-12")
    for now in (NOW, datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 12, 1, 1, tzinfo=UTC)):
        assert plan(event, now) is None


def test_once_the_day_is_set_reminders_fall_due_but_none_from_before_it_was_set() -> None:
    event = add("2026-12")
    set_on = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # the 7-day moment has passed
    dated = set_day(event, "2026-12-04 10:00", now=set_on)
    assert plan(dated, set_on + timedelta(minutes=1)) is None
    assert plan(dated, datetime(2026, 12, 3, 4, 30, tzinfo=UTC)) == timedelta(days=1)
    early = set_day(event, "2026-12-04 10:00", now=NOW)
    assert plan(early, datetime(2026, 11, 27, 4, 30, tzinfo=UTC)) == timedelta(days=7)


def uids(body: bytes) -> set[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(component["UID"]) for component in calendar.walk("VEVENT")}


def test_every_feed_leaves_an_undated_event_out_until_it_has_a_day() -> None:
    renderer = IcalRenderer(META)
    month = add("2026-12").as_new(now=NOW)
    talks = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata"), created=NOW, updated=NOW)
    assert uids(renderer.calendar([month, talks])) == {"talks@summitwatch.example.org"}
    alone = renderer.calendar([month], scope="event-x", name=month.title)
    calendar = icalendar.Calendar.from_ical(alone)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Putin visit to New Delhi"
    dated = set_day(month, "2026-12-04", now=NOW + timedelta(days=1))
    assert uids(renderer.calendar([dated, talks])) == {
        "putin-visit-to-new-delhi-2026@summitwatch.example.org",
        "talks@summitwatch.example.org",
    }


def test_the_agenda_puts_a_month_event_in_its_month_and_a_year_event_under_its_year() -> None:
    month, year = add("2026-12"), add("2027")
    later = timed_event("talks", at("2026-12-15T10:00", "Asia/Kolkata"))
    agenda = build_agenda([later, month, year], now=datetime(2026, 12, 2, tzinfo=UTC))
    assert [(m.label, [e.id for e in m.events]) for m in agenda.upcoming] == [
        ("December 2026", ["putin-visit-to-new-delhi-2026", "talks"]),
        ("2027", ["putin-visit-to-new-delhi-2027"]),
    ]
