from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendars.ical.http_cache import is_not_modified

MODIFIED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ETAG = '"abc123"'


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        ({"if-none-match": '"abc123"'}, True),
        ({"if-none-match": 'W/"abc123"'}, True),
        ({"if-none-match": '"other", "abc123"'}, True),
        ({"if-none-match": "*"}, True),
        ({"if-none-match": '"other"'}, False),
        ({"if-modified-since": "Fri, 20 Nov 2026 12:00:00 GMT"}, True),
        ({"if-modified-since": "Fri, 20 Nov 2026 11:59:59 GMT"}, False),
        ({"if-modified-since": "not a date"}, False),
        # If-None-Match wins: a stale tag means the body is sent even if the date matches
        ({"if-none-match": '"old"', "if-modified-since": "Sat, 21 Nov 2026 00:00:00 GMT"}, False),
    ],
)
def test_not_modified_decision(headers: dict[str, str], expected: bool) -> None:
    assert is_not_modified(headers, etag=ETAG, last_modified=MODIFIED) is expected
