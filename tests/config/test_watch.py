"""The watch list file: the shipped one loads, and a mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import ConfigError
from config.watch import DEFAULT_WATCH, load_watch, parse_watch


def test_the_shipped_watch_list_has_the_names_and_words_of_the_issue() -> None:
    watch = load_watch(DEFAULT_WATCH)
    names = {name.name: name for name in watch.names}
    assert {"Modi", "Putin", "Jaishankar", "Lavrov", "Xi Jinping", "New Delhi", "SCO"} <= set(names)
    assert {"मोदी", "मोदींनी", "Моди"} <= set(names["Modi"].aliases)
    assert {"नवी दिल्ली", "नई दिल्ली", "Нью-Дели"} <= set(names["New Delhi"].aliases)
    assert names["SCO"].kind == "organisation"
    assert "sco" in names["SCO"].topics
    words = watch.vocabulary
    assert {"visit", "दौरा", "भेट", "визит"} <= set(words.meeting["visit"])
    assert {"शिखर", "саммит"} <= set(words.meeting["summit"])
    assert {"बैठक", "चर्चा", "переговоры"} <= set(words.meeting["talks"])
    assert all((words.future, words.past, words.opinion))
    assert {"मध्ये"} <= set(words.detach)
    assert words.date_phrases["अगले महीने"] == "next month"
    assert {"hi", "mr"} <= set(words.markers)


def test_every_alias_of_the_shipped_list_is_found_as_a_whole_word() -> None:
    watch = load_watch(DEFAULT_WATCH)
    for name in watch.names:
        for alias in (name.name, *name.aliases):
            terms = [hit.term for hit in watch.scan(f"({alias}) ")]
            assert name in terms, alias


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[person]]\naliases = ['x']\n", "person 1: name must be a text"),
        (
            "[[person]]\nname = 'Putin'\naliases = 'Путин'\n",
            "person 1 (Putin): aliases must be a list",
        ),
        ("[[place]]\nname = 'Kazan'\ntopics = ['not a tag!']\n", "place 1 (Kazan): topics"),
        ("[[place]]\nname = 'Kazan'\nalias = ['Казань']\n", "unknown key 'alias'"),
        ("[meeting]\nparty = ['gala']\n", "meeting.party: a meeting kind is one of"),
        ("[meeting]\nvisit.en = 'visit'\n", "visit.en must be a list of texts"),
        ("[cues]\nsoon = ['soon']\n", "cues.soon"),
        ("[dates.phrases]\n'next' = 3\n", "dates.phrases"),
        ("[[persons]]\nname = 'x'\n", "unknown key 'persons'"),
        ("[dates]\nsplit = ['मध्ये']\n", "dates.split: unknown"),
        ("[dates]\nignore = 'कल'\n", "dates.ignore must be a list"),
        ("[languages]\nmr = 'आहे'\n", "languages.mr must be a list"),
        ("[[person]\n", "not valid TOML"),
    ],
)
def test_a_mistake_is_refused_naming_its_key(text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=r"watch\.toml") as caught:
        parse_watch(text)
    assert problem in caught.value.problem


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_watch(tmp_path / "nope.toml")


_PIECES = (
    "[[person]]\n", "[[place]]\n", "[[organisation]]\n", "[meeting]\n", "[cues]\n",
    "[dates]\n", "[dates.phrases]\n", "[languages]\n", "name = 'Putin'\n", "name = 3\n",
    "aliases = ['Путин', 'पुतिन']\n", "aliases = [1]\n", "topics = ['india-russia']\n",
    "topics = ['!!']\n", "visit.en = ['visit']\n", "summit = ['summit']\n", "party = ['x']\n",
    "future = ['will']\n", "'next' = 'next week'\n", "detach = ['मध्ये']\n", "hi = ['है']\n",
    "x = 1\n", "= broken\n",
)  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=20), max_size=12))
def test_any_file_gives_a_watch_list_or_a_config_error(pieces: list[str]) -> None:
    try:
        watch = parse_watch("".join(pieces))
    except ConfigError as error:
        assert error.problem
    else:
        assert all(name.name and name.kind for name in watch.names)
