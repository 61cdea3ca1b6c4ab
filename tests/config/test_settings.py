from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_address
from pathlib import Path

import pytest

from calendars.errors import ConfigError
from calendars.urls import FetchAllow
from config.settings import load_settings


def test_defaults_run_with_no_configuration_at_all() -> None:
    settings = load_settings({})
    assert settings.telegram_token is None
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.public_url_for(8080) == "http://127.0.0.1:8080"
    assert settings.reminder_offsets == (timedelta(days=7), timedelta(days=1), timedelta(hours=1))


def test_environment_beats_the_file_and_flags_beat_both(tmp_path: Path) -> None:
    file = tmp_path / "summitwatch.toml"
    file.write_text("[summitwatch]\nsummitwatch_port = 9000\nsummitwatch_admin_ids = [1, 2]\n")
    settings = load_settings({"SUMMITWATCH_PORT": "9100"}, config_file=file)
    assert settings.port == 9100
    assert settings.admin_ids == frozenset({1, 2})
    flagged = load_settings(
        {"SUMMITWATCH_PORT": "9100"}, config_file=file, overrides={"SUMMITWATCH_PORT": "9200"}
    )
    assert flagged.port == 9200


def test_public_url_and_offsets_are_parsed() -> None:
    settings = load_settings(
        {
            "SUMMITWATCH_PUBLIC_URL": "https://cal.example.org/",
            "SUMMITWATCH_REMINDER_OFFSETS": "2d, 3h",
        }
    )
    assert settings.public_url_for(8080) == "https://cal.example.org"
    assert settings.reminder_offsets == (timedelta(days=2), timedelta(hours=3))


def test_the_fetch_allow_list_takes_hosts_addresses_and_networks() -> None:
    allow = load_settings(
        {"SUMMITWATCH_FETCH_ALLOW": "127.0.0.1, Feeds.Internal.,10.8.0.0/16,[::1]"}
    ).fetch_allow
    assert allow.allows_host("feeds.internal")
    assert allow.allows_address(ip_address("127.0.0.1"))
    assert allow.allows_address(ip_address("10.8.200.1"))
    assert allow.allows_address(ip_address("::1"))
    assert not allow.allows_address(ip_address("10.9.0.1"))
    assert not allow.allows_host("other.internal")
    assert load_settings({}).fetch_allow == FetchAllow()  # nothing private by default


@pytest.mark.parametrize(
    ("environ", "key"),
    [
        ({"SUMMITWATCH_ADMIN_IDS": "alice"}, "SUMMITWATCH_ADMIN_IDS"),
        ({"SUMMITWATCH_PUBLIC_URL": "cal.example.org"}, "SUMMITWATCH_PUBLIC_URL"),
        ({"SUMMITWATCH_PORT": "70000"}, "SUMMITWATCH_PORT"),
        ({"SUMMITWATCH_LOG_LEVEL": "chatty"}, "SUMMITWATCH_LOG_LEVEL"),
        ({"SUMMITWATCH_TOPICS": "Not A Tag!"}, "SUMMITWATCH_TOPICS"),
        ({"SUMMITWATCH_FETCH_ALLOW": "10.0.0.0/33"}, "SUMMITWATCH_FETCH_ALLOW"),
        ({"SUMMITWATCH_FETCH_ALLOW": "http://feeds.internal/"}, "SUMMITWATCH_FETCH_ALLOW"),
    ],
)
def test_errors_name_the_key(environ: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ)
    assert caught.value.key == key
    assert str(caught.value).startswith(key)


def test_unknown_keys_in_the_file_are_refused(tmp_path: Path) -> None:
    file = tmp_path / "summitwatch.toml"
    file.write_text("summitwatch_prot = 1\n")
    with pytest.raises(ConfigError, match=r"unknown keys .*summitwatch_prot"):
        load_settings({}, config_file=file)


def test_web_server_limits_and_the_metrics_token_are_read() -> None:
    settings = load_settings(
        {
            "SUMMITWATCH_METRICS_TOKEN": " s3cret ",
            "SUMMITWATCH_HTTP_KEEPALIVE": "15s",
            "SUMMITWATCH_HTTP_HEADER_TIMEOUT": "2.5",
            "SUMMITWATCH_HTTP_MAX_CONNECTIONS": "200",
        }
    )
    assert settings.metrics_token == "s3cret"
    assert (settings.http_keep_alive, settings.http_header_timeout) == (15, 2.5)
    assert settings.http_max_connections == 200
    defaults = load_settings({})
    assert defaults.metrics_token is None
    assert (defaults.http_keep_alive, defaults.http_header_timeout) == (5, 10.0)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SUMMITWATCH_HTTP_KEEPALIVE", "0.5"),
        ("SUMMITWATCH_HTTP_HEADER_TIMEOUT", "forever"),
        ("SUMMITWATCH_HTTP_MAX_CONNECTIONS", "5"),
    ],
)
def test_web_server_limit_errors_name_the_key(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({key: value})
    assert caught.value.key == key


def test_paid_broadcast_is_off_unless_switched_on() -> None:
    assert load_settings({}).paid_broadcast is False
    assert load_settings({"SUMMITWATCH_PAID_BROADCAST": " On "}).paid_broadcast is True
    assert load_settings({"SUMMITWATCH_PAID_BROADCAST": "off"}).paid_broadcast is False
    with pytest.raises(ConfigError) as caught:
        load_settings({"SUMMITWATCH_PAID_BROADCAST": "maybe"})
    assert caught.value.key == "SUMMITWATCH_PAID_BROADCAST"
    assert "on or off" in str(caught.value)
