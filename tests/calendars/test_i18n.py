"""The catalogs: complete, in step with the code and each other, placeholders intact."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from calendars.errors import InvalidInput
from calendars.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    _,
    gettext_in,
    language_of,
    ngettext,
    ngettext_in,
    parse_language,
    speaking,
    worded_in,
)

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
# The same keywords as the README's `pybabel extract` command.
KEYWORDS = {"_": None, "N_": None, "gettext_in": (2,), "ngettext_in": (2, 3), "ngettext": (1, 2)}


def catalog(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=lang)


def template() -> Catalog:
    with (LOCALE_DIR / "messages.pot").open("rb") as file:
        return read_po(file)


def ids(messages: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in messages if m.id}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def key(message_id: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (message_id,) if isinstance(message_id, str) else tuple(message_id)


def forms(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def test_the_template_holds_exactly_the_messages_wrapped_in_the_code() -> None:
    """A string wrapped but not extracted would stay English; run the README's commands."""
    found: set[str] = set()
    for package in ("bot", "calendars", "handlers"):
        # The page's templates too (babel.cfg's [jinja2: bot/web/templates/**.html]).
        method_map = [("**.py", "python"), ("web/templates/**.html", "jinja2")]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert found == ids(template())


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_catalog_has_every_message_translated(lang: str) -> None:
    messages = catalog(lang)
    assert ids(messages) == ids(template())
    for message in messages:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        assert all(forms(message)), f"{lang}: {message.id!r} is not translated"
        if message.pluralizable:
            assert len(forms(message)) == messages.num_plurals, message.id


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_the_same_in_every_translation(lang: str) -> None:
    for message in catalog(lang):
        if not message.id:
            continue
        originals = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = fields(originals[0])
        assert all(fields(o) == expected for o in originals), message.id
        for form in forms(message):
            assert fields(form) == expected, f"{lang}: {form!r} for {message.id!r}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_committed_compiled_catalogs_match_their_sources(lang: str) -> None:
    """The .mo files are committed; `pybabel compile` after every .po change keeps them so."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as file:
        compiled = {key(m.id): forms(m) for m in read_mo(file) if m.id}
    source = {key(m.id): forms(m) for m in catalog(lang) if m.id}
    assert compiled == source


def test_a_telegram_language_code_picks_one_of_ours_or_none() -> None:
    assert language_of("ru-RU") == "ru"
    assert language_of("hi") == "hi"
    assert language_of("MR") == "mr"
    assert language_of("en-GB") == "en"
    assert language_of("de") is None
    assert language_of("") is None
    assert language_of(None) is None


def test_lang_accepts_our_codes_and_refuses_others_with_the_choices() -> None:
    assert parse_language(" RU ") == "ru"
    with pytest.raises(InvalidInput) as caught:
        parse_language("german")
    assert "hi (हिन्दी)" in caught.value.user_message()
    assert "/lang ru" in caught.value.user_message()


def test_messages_are_worded_in_the_language_spoken_and_english_otherwise() -> None:
    assert _("Next event:") == "Next event:"
    with speaking("ru"):
        assert _("Next event:") == "Ближайшее событие:"
        assert _("Welcome to {name}!", name="<b>X</b>") == "Добро пожаловать в <b>X</b>!"
    with speaking("de"):
        assert _("Next event:") == "Next event:"
    assert worded_in("mr", _, "Next event:") == "पुढचा कार्यक्रम:"
    assert gettext_in("hi", "Next event:") == "अगला कार्यक्रम:"


def test_russian_has_three_plural_forms_and_hindi_two() -> None:
    words = [ngettext_in("ru", "{count} day", "{count} days", n) for n in (1, 2, 5, 11, 21, 22)]
    assert words == ["1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня"]
    with speaking("hi"):
        one, many = (
            "{count} new article about events you follow:",
            "{count} new articles about events you follow:",
        )
        assert ngettext(one, many, 1) == "आपके कार्यक्रमों पर 1 नया लेख:"
        assert ngettext(one, many, 3) == "आपके कार्यक्रमों पर 3 नए लेख:"
        # A duration is always followed by बाद/पहले, so its hour is oblique: "1 घंटे बाद".
        hour = ngettext("{count} hour", "{count} hours", 1)
        assert gettext_in("hi", "in {duration}", duration=hour) == "1 घंटे बाद"


def test_a_field_value_is_never_read_as_a_format_string() -> None:
    assert gettext_in("ru", "Language: {name}", name="{name} {0}") == "Язык: {name} {0}"


def test_no_wrapped_literal_hides_inside_an_f_string() -> None:
    """pybabel does not look inside f-strings: such a message would never be translated."""
    hidden = re.compile(r"""\bf(["']).*\{[^}]*\b(?:_|N_|ngettext)\(["']""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("bot", "calendars", "handlers")
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert offenders == []


# Where the message is among a wrapping call's arguments (the README's -k options).
MESSAGE_ARGUMENT = {"_": 0, "N_": 0, "ngettext": 0, "gettext_in": 1, "ngettext_in": 1}


def wrapped_literals(path: Path) -> set[str]:
    """Every literal the code wraps, nested calls and f-strings included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            index = MESSAGE_ARGUMENT.get(node.func.id)
            if index is not None and len(node.args) > index:
                argument = node.args[index]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.add(argument.value)
    return found


def test_every_wrapped_literal_is_in_the_template() -> None:
    """pybabel skips a call nested in another's arguments: such a message stays English."""
    wrapped = {
        literal
        for package in ("bot", "calendars", "handlers")
        for path in (ROOT / package).rglob("*.py")
        for literal in wrapped_literals(path)
    }
    assert wrapped - ids(template()) == set()


def test_counts_are_written_in_marathi_digits_and_commands_stay_as_typed() -> None:
    more = "… and {count} more: /upcoming lists them."
    assert "१२" in gettext_in("mr", more, count=12)
    assert "/upcoming" in gettext_in("mr", more, count=12)
    assert "12" in gettext_in("hi", more, count=12)
    assert "12" in gettext_in("ru", more, count=12)
    assert (
        gettext_in("mr", "no event with id {id}; /upcoming lists the ids", id="'x-12'").count(
            "x-12"
        )
        == 1
    ), "text filled in keeps its digits: only numbers are written in Devanagari"
