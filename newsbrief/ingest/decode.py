"""Bytes → text: refuse binary junk, detect the encoding of what is text."""

from __future__ import annotations

import re

import charset_normalizer

from ..errors import IngestError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
# Text in any encoding has almost no control bytes; images, archives and executables have
# many. 5% of the first 8 KB is far above any text page seen in the benchmark sets.
_MAX_CONTROL_SHARE = 0.05
_SNIFF = 8192


def _stray_limit(data: bytes) -> int:
    """Invalid sequences a UTF-8 page may have and still be read as UTF-8: one in 2,000."""
    return max(1, len(data) // 2000)


def decode(data: bytes, *, name: str, declared: str | None = None) -> str:
    """Decode `data` as text: UTF-8, the declared or meta charset, or a detected one.

    Raises:
        IngestError: the bytes are binary, or no encoding reads them.
    """
    head = data[:_SNIFF]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(
            f"{name} looks like binary data (it contains NUL bytes), not a page or text: "
            "give an HTML page, a text capture, JSON or a URL."
        )
    if head and sum(head.count(bytes([c])) for c in _CONTROL) / len(head) > _MAX_CONTROL_SHARE:
        raise IngestError(
            f"{name} looks like binary data (many control bytes), not a page or text: "
            "give an HTML page, a text capture, JSON or a URL."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET.search(head)
    stated = [e for e in (declared, meta.group(1).decode("ascii") if meta else None) if e]
    for encoding in stated:
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            continue  # it failed above; the stray-byte rule below decides
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    if any(e.lower().replace("_", "-") in ("utf-8", "utf8") for e in stated):
        lenient = data.decode("utf-8-sig", errors="replace")
        # A page that says it is UTF-8 but has a few stray bytes (a pasted Latin-1 quote)
        # stays UTF-8: a detected legacy charset would garble every other character.
        if lenient.count("\ufffd") - data.count("\ufffd".encode()) <= _stray_limit(data):
            return lenient
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise IngestError(
            f"{name}: could not detect the text encoding. Convert it to UTF-8 "
            "(e.g. `iconv -f latin1 -t utf-8`) and try again."
        )
    return str(best)
