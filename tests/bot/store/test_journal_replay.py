"""Replay never skips an entry silently: each one is applied, or the open stops and says where."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store import Store
from calendars.errors import StoreCorrupted
from tests.bot.store.test_journal_storage import files_in, journal_of, three_line_journal

OUT_OF_PLACE = {
    # (lines of the three-line journal, in this order) -> where and what is reported
    "an-old-entry-repeated-mid-journal": ([0, 1, 0, 2], "line 3 has seq 1, expected 3"),
    "entries-swapped": ([0, 2, 1], "line 2 has seq 3, expected 2"),
    "an-entry-repeated": ([0, 1, 1, 2], "line 3 has seq 2, expected 3"),
}


@pytest.mark.parametrize("case", OUT_OF_PLACE.values(), ids=OUT_OF_PLACE.keys())
def test_an_entry_out_of_place_stops_the_open_naming_file_and_line(
    tmp_path: Path, case: tuple[list[int], str]
) -> None:
    order, problem = case
    crashed = three_line_journal(tmp_path)
    journal = journal_of(crashed)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[i] for i in order))
    before = files_in(crashed.parent)

    with pytest.raises(StoreCorrupted) as raised:
        Store(crashed)

    assert raised.value.path == str(journal)
    assert problem in str(raised.value)
    assert files_in(crashed.parent) == before


BAD_ENTRIES = {
    "a-document-that-is-not-an-object": {"seq": 2, "table": "t", "set": {"x": 5}, "delete": []},
    "a-deleted-id-that-is-not-a-string": {"seq": 2, "table": "t", "set": {}, "delete": [7]},
    "a-seq-that-is-not-a-number": {"seq": True, "table": "t", "set": {}, "delete": []},
    "a-transaction-with-a-bad-change": {"seq": 2, "changes": [{"table": "t", "set": []}]},
    "a-transaction-that-is-not-a-list": {"seq": 2, "changes": {"table": "t"}},
}


@pytest.mark.parametrize("entry", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_a_malformed_entry_inside_the_journal_is_corruption(
    tmp_path: Path, entry: dict[str, object]
) -> None:
    crashed = three_line_journal(tmp_path)
    journal = journal_of(crashed)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[0] + json.dumps(entry).encode() + b"\n" + lines[2])
    before = files_in(crashed.parent)

    with pytest.raises(StoreCorrupted, match="line 2 is not a valid entry"):
        Store(crashed)
    assert files_in(crashed.parent) == before


def test_a_malformed_last_entry_is_dropped_with_a_warning_naming_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    crashed = three_line_journal(tmp_path)
    journal = journal_of(crashed)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[0] + lines[1] + b'{"seq":3,"table":"t","set":{"1":\x00\x00\x00\n')

    with Store(crashed):
        pass

    assert "store.torn_write" in caplog.text
    assert f"path={journal}" in caplog.text
    assert "line=3" in caplog.text


def test_a_transaction_line_replays_every_change_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    journal_of(path).write_bytes(
        json.dumps(
            {
                "seq": 1,
                "changes": [
                    {"table": "deliveries", "set": {"k": {"status": "sent"}}, "delete": []},
                    {"table": "updates", "set": {"7": {"done": True}}, "delete": []},
                ],
            }
        ).encode()
        + b"\n"
    )
    with Store(path) as store:
        assert store.deliveries.is_done("k")
        assert store.updates.is_done(7)


DOC = st.one_of(
    st.dictionaries(
        st.sampled_from(["raw", "done", "at"]),
        st.one_of(st.just({}), st.just({"update_id": 1}), st.booleans(), st.text(max_size=3)),
    ),
    st.dictionaries(st.text(max_size=3), st.none(), max_size=2),
)
CHANGE = st.fixed_dictionaries(
    {
        "table": st.sampled_from(["t", "updates"]),  # updates: read back by UpdateLog
        "set": st.dictionaries(
            st.one_of(st.sampled_from(["1", "42", "x", ""]), st.text(max_size=3)), DOC, max_size=3
        ),
        "delete": st.lists(st.text(max_size=3), max_size=2),
    }
)
DAMAGED_CHANGE = st.fixed_dictionaries(
    {
        "table": st.one_of(st.just("t"), st.integers()),
        "set": st.one_of(st.dictionaries(st.text(max_size=2), st.integers()), st.lists(DOC)),
        "delete": st.lists(st.one_of(st.text(max_size=2), st.integers()), max_size=2),
    }
)
LINE = st.one_of(
    CHANGE.map(lambda change: {"change": change}),
    st.lists(CHANGE, max_size=2).map(lambda changes: {"changes": changes}),
    DAMAGED_CHANGE.map(lambda change: {"change": change}),
    st.binary(max_size=30).map(lambda raw: {"raw": raw}),
)


def render(line: dict[str, object], seq: int) -> bytes:
    if "raw" in line:
        return line["raw"]  # type: ignore[return-value]
    if "changes" in line:
        return json.dumps({"seq": seq, "changes": line["changes"]}).encode()
    return json.dumps({"seq": seq, **line["change"]}).encode()  # type: ignore[dict-item]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(LINE, max_size=5),
    seq_shifts=st.lists(st.sampled_from([0, 0, 0, 0, 1, -1]), min_size=5, max_size=5),
    newline_at_end=st.booleans(),
)
def test_any_journal_loads_or_is_refused_as_corrupt_never_crashes(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[dict[str, object]],
    seq_shifts: list[int],
    newline_at_end: bool,
) -> None:
    path = tmp_path_factory.mktemp("db") / "db.json"
    rendered = [
        render(line, n + 1 + shift)
        for n, (line, shift) in enumerate(zip(lines, seq_shifts, strict=False))
    ]
    content = b"\n".join(rendered) + (b"\n" if newline_at_end and rendered else b"")
    journal_of(path).write_bytes(content)
    try:
        with Store(path) as store:
            assert isinstance(store.updates.unfinished(), list)
            store.updates.next_offset()
            store.updates.prune(older_than=datetime(2030, 1, 1, tzinfo=UTC))
    except StoreCorrupted as exc:
        assert str(journal_of(path)) in str(exc) or str(path) in str(exc)


def test_an_update_record_with_a_number_for_its_time_is_pruned_not_a_crash(
    tmp_path: Path,
) -> None:
    """Hypothesis found it: ``"at": {}`` compared with a date string raised TypeError."""
    path = tmp_path / "db.json"
    change = {"table": "updates", "set": {"1": {"done": True, "at": {}}, "2": {"done": True}}}
    change["delete"] = []
    journal_of(path).write_bytes(json.dumps({"seq": 1, **change}).encode() + b"\n")
    with Store(path) as store:
        assert store.updates.prune(older_than=datetime(2030, 1, 1, tzinfo=UTC)) == 1
        assert store.updates.next_offset() == 3
