"""The body decoder takes bytes from anywhere: it may refuse them, never crash or overrun."""

from __future__ import annotations

import gzip

from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from bot.fetch.decoding import BodyDecoder
from calendars.errors import FetchFailed


@examples(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    encodings=st.lists(
        st.sampled_from(["gzip", "deflate", "br", "identity", "x-gzip"]), max_size=5
    ),
    chunks=st.lists(st.binary(max_size=300), max_size=6),
    wrap=st.booleans(),
)
def test_the_decoder_refuses_or_decodes_any_bytes_and_never_crashes(
    encodings: list[str], chunks: list[bytes], wrap: bool
) -> None:
    """Outside input: may refuse (FetchFailed), never crash, never pass the limit."""
    if wrap:  # also feed real compressed data, cut at arbitrary points
        chunks = [gzip.compress(b"".join(chunks) * 50)]
    try:
        decoder = BodyDecoder(", ".join(encodings), max_bytes=2_000)
        for chunk in chunks:
            decoder.feed(chunk)
    except FetchFailed:
        return
    assert len(decoder.body) <= 2_000
