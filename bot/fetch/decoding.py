"""Undoing Content-Encoding as the body arrives, never producing more than the size limit.

httpx decodes a whole network chunk at once, before anyone can count: 2.5 KB of
``gzip, gzip`` becomes 1 GB in one call. Here every layer inflates at most ``CHUNK``
bytes per step and counts what it has produced, so a bomb is refused a few megabytes in,
in milliseconds, whatever the number of layers (up to ``MAX_LAYERS``).
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator
from types import ModuleType
from typing import Protocol

from calendars.errors import FetchFailed

__all__ = ["ACCEPT_ENCODING", "MAX_LAYERS", "BodyDecoder"]

CHUNK = 64 * 1024
MAX_LAYERS = 4  # "gzip, gzip" is already odd; more is an attack, and each layer costs memory


def _bounded_brotli() -> ModuleType | None:
    """brotli when installed and able to bound its output (1.2+); else br is not offered."""
    try:
        module = importlib.import_module("brotli")
    except ImportError:  # pragma: no cover - depends on what is installed
        return None
    return module if hasattr(module.Decompressor(), "can_accept_more_data") else None


brotli = _bounded_brotli()

ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"
_ALIASES = {"x-gzip": "gzip"}


class _Layer(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...


class _Zlib:
    """gzip, or deflate (zlib-wrapped as the RFC says, or raw as some servers send it)."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(wbits)
        self._started = False
        self._done = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while not self._done:
            out = self._step(pending)
            pending = self._inflate.unconsumed_tail
            if out:
                yield out
            if self._inflate.eof:
                self._done = True  # like httpx: whatever follows the stream is ignored
            elif not pending and len(out) < CHUNK:
                return  # all input used and no output held back

    def _step(self, data: bytes) -> bytes:
        try:
            out = self._inflate.decompress(data, CHUNK)
        except zlib.error as exc:
            if self._encoding == "deflate" and not self._started:
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return self._step(data)
            raise FetchFailed(f"the response is not valid {self._encoding} data") from exc
        self._started = self._started or bool(data)
        return out


class _Brotli:
    def __init__(self) -> None:
        assert brotli is not None
        self._inflate = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        assert brotli is not None
        try:
            out: bytes = self._inflate.process(data, output_buffer_limit=CHUNK)
            yield out
            while not self._inflate.can_accept_more_data():
                out = self._inflate.process(b"", output_buffer_limit=CHUNK)
                yield out
        except brotli.error as exc:
            raise FetchFailed("the response is not valid br data") from exc


def _layer(encoding: str) -> _Layer:
    if encoding in ("gzip", "deflate"):
        return _Zlib(encoding)
    if encoding == "br" and brotli is not None:
        return _Brotli()
    raise FetchFailed(f"the response is compressed as {encoding[:40]!r}, which I cannot read")


class BodyDecoder:
    """Feed it the raw body chunk by chunk; ``body`` grows by at most ``max_bytes`` in all.

    Each layer's output is counted against the same limit, so no layer (however its
    input was crafted) can make the others work on more than ``max_bytes``.
    """

    def __init__(self, content_encoding: str, *, max_bytes: int) -> None:
        names = [
            _ALIASES.get(t.strip().lower(), t.strip().lower()) for t in content_encoding.split(",")
        ]
        names = [n for n in names if n not in ("", "identity")]
        if len(names) > MAX_LAYERS:
            raise FetchFailed(
                f"the response is compressed {len(names)} times over; "
                f"at most {MAX_LAYERS} layers are read"
            )
        # The last encoding listed was applied last, so it is undone first.
        self._layers = [_layer(name) for name in reversed(names)]
        self._produced = [0] * len(self._layers)
        self._max_bytes = max_bytes
        self._raw = 0
        self.body = bytearray()

    def feed(self, raw: bytes) -> None:
        """Take the next raw chunk; FetchFailed as soon as anything passes the limit."""
        self._raw += len(raw)
        if self._raw > self._max_bytes:
            raise FetchFailed(f"the response is over the {self._max_bytes:,}-byte limit")
        pieces = [raw]
        for number, layer in enumerate(self._layers):
            out: list[bytes] = []
            for piece in pieces:
                for produced in layer.feed(piece):
                    self._produced[number] += len(produced)
                    if self._produced[number] > self._max_bytes:
                        raise FetchFailed(
                            f"the response is over the {self._max_bytes:,}-byte limit "
                            "once decompressed"
                        )
                    out.append(produced)
            pieces = out
        for piece in pieces:
            self.body += piece
