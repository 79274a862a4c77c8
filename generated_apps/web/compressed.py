"""A page sent gzip-compressed, with its CSRF token filled in per response outside the compression.

The page is compressed in pieces split where the token goes. Each piece ends with a full flush,
which empties the compressor's memory, and each token goes in as a stored (uncompressed) block. A
cached page is compressed once, so a response costs a few byte copies and a CRC; a page made for one
resident is compressed as it is sent. The token never takes part in the compression, so the length
of a response tells nothing about it (the BREACH attack reads secrets off compressed lengths).

BREACH also needs text of the attacker's choosing in the same page as a secret, and a resident's
answers are secrets too. So a page writes back nothing a request brings beyond a few parameters of a
fixed shape (web.KEPT_PARAMS, and only on the pages that use them): then every page, answers and all,
can go out compressed.
"""

from __future__ import annotations

import struct
import zlib

# Magic, deflate, no flags, no time, no extra flags, unknown OS.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
LEVEL = 6


def _stored(data: bytes) -> bytes:
    """`data` as one stored deflate block, not the last (a CSRF token: far under 64 KB)."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


class CachedPage:
    """A page split where its token goes, deflated once; `gzip(token)` is the whole page for one response."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts  # the page split where the token goes, uncompressed
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)  # raw deflate; the gzip frame is ours
        self._deflated = [compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH if i < len(parts) - 1
                                                                        else zlib.Z_FINISH)
                          for i, part in enumerate(parts)]
        self._crc = zlib.crc32(parts[0])
        self._size = sum(map(len, parts))

    def gzip(self, token: bytes) -> bytes:
        """The whole page, with `token` in each place for it, as a gzip file."""
        pieces, crc = [HEADER, self._deflated[0]], self._crc
        stored = _stored(token)
        for part, deflated in zip(self.parts[1:], self._deflated[1:], strict=True):
            pieces += [stored, deflated]
            crc = zlib.crc32(part, zlib.crc32(token, crc))
        size = self._size + len(token) * (len(self.parts) - 1)
        pieces.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(pieces)
