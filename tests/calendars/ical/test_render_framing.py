"""A feed's header from the template is byte for byte the header icalendar builds whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.ical.render import CalendarMeta, IcalRenderer

END = b"END:VCALENDAR\r\n"
RENDERER = IcalRenderer(CalendarMeta(public_url="https://summitwatch.example.org"))
LONG_HOST = IcalRenderer(CalendarMeta(public_url=f"https://{'sub.' * 20}example.org"))

# Event titles are one line (calendars.event_fields cleans them); topic names are slugs.
titles = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=300
)
scopes = st.from_regex(r"\A(all|tag-[a-z0-9-]{1,60}|event-[a-z0-9-]{1,90})\Z")


@settings(max_examples=200, deadline=None)
@given(title=titles, scope=scopes)
def test_the_templated_header_is_the_whole_header(title: str, scope: str) -> None:
    title = title or "SummitWatch"
    for renderer in (RENDERER, LONG_HOST):
        whole = renderer.header(scope, title).to_ical()
        feed = renderer.calendar([], scope=scope, name=title)
        assert feed == whole


def test_a_long_host_falls_back_to_whole_headers() -> None:
    """A host long enough to fold the UID line does not match the template's layout."""
    assert RENDERER._template is not None
    assert LONG_HOST._template is None
    assert LONG_HOST.calendar([], scope="all").endswith(END)
