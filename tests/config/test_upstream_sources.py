"""config/sources.toml: the shipped examples load disabled; mistakes name the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendars.errors import ConfigError
from config.upstream_sources import DEFAULT_UPSTREAM_SOURCES, load_upstream_sources


def test_the_shipped_file_loads_with_every_example_disabled() -> None:
    sources = load_upstream_sources(DEFAULT_UPSTREAM_SOURCES)
    assert len(sources) >= 2
    assert not any(source.enabled for source in sources)
    assert any(source.zone == "Asia/Shanghai" for source in sources)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('url = "ftp://x.example/c.ics"', "source 1 in .*: url must be an http"),
        ('url = "https://x.example/c.ics"\ntz = "Mars/Base"', "tz must be an IANA zone"),
        ('url = "https://x.example/c.ics"\ntopics = ["Bad Tag!"]', "source 1 in .*tag"),
        ('url = "https://x.example/c.ics"\ninterval_minutes = 1', "interval_minutes must be"),
        ('url = "https://x.example/c.ics"\nenabled = "false"', "enabled must be true or false"),
        ('url = "https://x.example/c.ics"\nname = 7', "name must be text"),
        (f'url = "https://x.example/c.ics"\ntopics = {[f"t{n}" for n in range(21)]}', "at most 20"),
    ],
)
def test_a_bad_entry_is_a_config_error_naming_it(tmp_path: Path, entry: str, problem: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f"[[source]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=problem) as refused:
        load_upstream_sources(path)
    assert "SUMMITWATCH_SOURCES" in str(refused.value)
