"""Fetches reach public addresses only, unless SUMMITWATCH_FETCH_ALLOW names the target.

The fake site really listens on 127.0.0.1: a refusal is shown to be made before any
connection by the site never seeing the request.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from bot.fetch.client import fetch_limited, http_client
from calendars.errors import FetchFailed
from calendars.urls import parse_fetch_allow
from tests.fakes.feed_server import FeedServer

pytestmark = pytest.mark.asyncio

RULE = "fetches to private networks are refused (set SUMMITWATCH_FETCH_ALLOW to allow one)"
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title></channel></rss>'


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.publish("feed.xml", FEED)
        yield server


def closed_port() -> int:
    """A port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def fetch(url: str, allow: str = "") -> FetchFailed | bytes:
    async with http_client(timeout=5.0, allow=parse_fetch_allow(allow)) as http:
        try:
            return (await fetch_limited(http, url, max_bytes=100_000)).content
        except FetchFailed as exc:
            return exc


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "localhost resolves to 127.0.0.1, which is a loopback address"),
        ("[::1]", "::1 is a loopback address"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),
        ("2130706434", "2130706434 resolves to 127.0.0.2, which is a loopback address"),
        ("127.1", "127.1 resolves to 127.0.0.1, which is a loopback address"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1 (127.0.0.1) is a loopback address"),
        ("[2002:7f00:1::]", "2002:7f00:1:: (127.0.0.1) is a loopback address"),  # 6to4
        ("[2002:a9fe:a9fe::1]", "2002:a9fe:a9fe::1 (169.254.169.254) is a link-local address"),
        ("10.20.30.40", "10.20.30.40 is a private-network address"),
        ("192.168.1.1", "192.168.1.1 is a private-network address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("[fe80::1]", "fe80::1 is a link-local address"),
        ("224.0.0.251", "224.0.0.251 is a multicast address"),
        ("240.0.0.1", "240.0.0.1 is a private-network address"),
        ("100.64.0.1", "100.64.0.1 is a non-public address"),
    ],
)
async def test_every_spelling_of_a_private_address_is_refused_before_connecting(
    site: FeedServer, host: str, expected: str
) -> None:
    failed = await fetch(f"http://{host}:{site.port}/feed.xml")
    assert isinstance(failed, FetchFailed)
    assert str(failed) == f"{expected}; {RULE}"
    assert site.requests_to("feed.xml") == []  # nothing was sent, though a server listens


async def test_an_open_and_a_closed_port_answer_alike(site: FeedServer) -> None:
    open_answer = await fetch(site.url("feed.xml"))
    closed_answer = await fetch(f"http://127.0.0.1:{closed_port()}/feed.xml")
    assert isinstance(open_answer, FetchFailed)
    assert isinstance(closed_answer, FetchFailed)
    assert str(open_answer) == str(closed_answer) == f"127.0.0.1 is a loopback address; {RULE}"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("http://127.0.0.2:{port}/feed.xml", "127.0.0.2 is a loopback address"),
        ("http://[::1]:{port}/feed.xml", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ],
)
async def test_a_redirect_from_an_allowed_server_to_a_private_address_is_refused(
    site: FeedServer, target: str, expected: str
) -> None:
    to = target.format(port=site.port)
    site.redirect("hop.xml", to)
    failed = await fetch(site.url("hop.xml"), allow="127.0.0.1")
    assert isinstance(failed, FetchFailed)
    assert str(failed) == f"redirected to {to}: {expected}; {RULE}"
    assert failed.user_message() == f"could not fetch {site.url('hop.xml')}: {failed}"


async def test_a_redirect_to_another_scheme_is_refused(site: FeedServer) -> None:
    site.redirect("hop.xml", "file:///etc/passwd")
    failed = await fetch(site.url("hop.xml"), allow="127.0.0.1")
    assert isinstance(failed, FetchFailed)
    assert (
        str(failed) == "redirected to 'file:///etc/passwd', which is not an http:// or https:// URL"
    )


@pytest.mark.parametrize(
    ("allow", "host"),
    [
        ("127.0.0.1", "127.0.0.1"),  # an IP address
        ("10.8.0.0/16, 127.0.0.0/8", "127.0.0.1"),  # a CIDR network
        ("localhost", "localhost"),  # a host name, whatever it resolves to
        ("LOCALHOST.", "localhost"),
        ("::1,127.0.0.1", "127.1"),  # the address counts, however it is written
    ],
)
async def test_the_allow_list_lets_named_hosts_ips_and_networks_through(
    site: FeedServer, allow: str, host: str
) -> None:
    assert await fetch(f"http://{host}:{site.port}/feed.xml", allow=allow) == FEED


async def test_a_host_name_allowed_does_not_open_its_address_to_other_names(
    site: FeedServer,
) -> None:
    failed = await fetch(site.url("feed.xml"), allow="localhost")
    assert isinstance(failed, FetchFailed)
    assert str(failed).startswith("127.0.0.1 is a loopback address")


async def test_an_allowed_address_gets_the_real_connection_error(site: FeedServer) -> None:
    failed = await fetch(f"http://127.0.0.1:{closed_port()}/feed.xml", allow="127.0.0.0/8")
    assert isinstance(failed, FetchFailed)
    assert str(failed) == "connection refused"


async def test_https_keeps_the_host_name_for_tls_and_host_though_the_address_is_dialled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection goes to the checked address, yet the certificate is checked against
    the name in the URL (it is issued for localhost only) and Host names it too."""
    authority = trustme.CA()
    server_pem = tmp_path / "server.pem"
    authority.issue_cert("localhost").private_key_and_cert_chain_pem.write_to_path(server_pem)
    authority.cert_pem.write_to_path(tmp_path / "ca.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    with FeedServer(ssl_certfile=str(server_pem)) as secure:
        secure.publish("feed.xml", FEED)
        fetched = await fetch(f"https://localhost:{secure.port}/feed.xml", allow="localhost")
        by_address = await fetch(f"https://127.0.0.1:{secure.port}/feed.xml", allow="127.0.0.1")
        hits = secure.requests_to("feed.xml")
    assert fetched == FEED
    assert [h["host"] for h in hits] == [f"localhost:{secure.port}"]
    assert isinstance(by_address, FetchFailed)  # the certificate is not for 127.0.0.1
    assert str(by_address).startswith("its TLS certificate was refused (")
