"""Bytes -> text, finding the character set the way browsers (and trafilatura) do.

The order, from the HTML standard's "determining the character encoding":

1. a byte order mark (UTF-8, UTF-16 LE/BE) wins over everything;
2. the ``charset`` of the HTTP ``Content-Type`` header (fetched pages and feeds);
3. the page's own declaration in its first 4 KB: ``<meta charset>``, ``<meta http-equiv=
   "Content-Type" content="...; charset=...">`` or an XML declaration's ``encoding``;
4. bytes that are valid UTF-8 are UTF-8;
   (a page declared or found to be UTF-8 with a few broken bytes is read as UTF-8 with those
   replaced, as browsers do, when valid UTF-8 characters outnumber the broken ones ten to one:
   one such page of trafilatura's evaluation set came out as "Standardausfû¥hrung" otherwise);
5. otherwise charset-normalizer's best guess (trafilatura's detector too), else Windows-1252.

A declared label is looked up as browsers look it up: "iso-8859-1", "latin1" and "us-ascii" mean
Windows-1252 (the WHATWG Encoding Standard maps them so, because pages that say Latin-1 use the
curly quotes of 1252). A declaration that names no known codec, or that the bytes contradict
(a page saying UTF-8 that is not), falls through to the next step. Folder files and fetched
bodies take the same path, so a page reads the same saved or fetched.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_WHATWG = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
           "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8"}  # a meta can't be UTF-16 (it is ASCII)
_PEEK = 4096
UTF8_MAJORITY = 10


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # the Python codec used
    by: str  # "byte order mark", "HTTP header", "meta", "UTF-8", "detector", "fallback"


def decode(raw: bytes, content_type: str = "", markup: bool = True) -> Decoded:
    """``raw`` as text; ``content_type`` is the HTTP header, ``markup`` looks for a page's meta."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return Decoded(raw.decode(codec, errors="replace"), codec, "byte order mark")
    header = _HEADER.search(content_type or "")
    declared = [(header.group(1), "HTTP header")] if header else []
    if markup:
        found = _META.search(raw[:_PEEK]) or _XML.search(raw[:_PEEK])
        if found:
            declared.append((found.group(1).decode("ascii", "replace"), "meta"))
    for label, by in declared:
        decoded = _try(raw, label, by)
        if decoded:
            return decoded
    return _mostly_utf8(raw, "UTF-8") or _detect(raw)


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _WHATWG.get(name, name)


def _try(raw: bytes, label: str, by: str) -> Decoded | None:
    codec = _codec(label)
    if codec is None:
        logger.info("unknown charset %r (%s), looking further", label, by)
        return None
    try:
        return Decoded(raw.decode(codec), codec, by)
    except UnicodeDecodeError:
        lenient = _mostly_utf8(raw, by) if codec == "utf-8" else None
        if lenient is None:
            logger.info("bytes are not %s as the %s says, looking further", codec, by)
        return lenient


def _mostly_utf8(raw: bytes, by: str) -> Decoded | None:
    """UTF-8, with a few broken bytes replaced (as browsers do) when the rest is clearly UTF-8:
    at least ``UTF8_MAJORITY`` valid non-ASCII characters for each broken sequence. A page in a
    single-byte charset has next to no valid UTF-8 sequences, so it is never taken for UTF-8."""
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", by)
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - raw.count("\ufffd".encode())
    valid = sum(1 for c in text if ord(c) > 127) - broken
    return Decoded(text, "utf-8", f"{by}, {broken} broken bytes replaced") if valid >= UTF8_MAJORITY * broken else None


def _detect(raw: bytes) -> Decoded:
    from charset_normalizer import from_bytes  # ~20 ms to import: only for the rare undeclared non-UTF-8 page

    sample = raw if len(raw) < 20000 else raw[:10000] + raw[-10000:]
    best = from_bytes(sample).best()
    codec = _codec(best.encoding) if best else None
    if codec:
        return Decoded(raw.decode(codec, errors="replace"), codec, "detector")
    return Decoded(raw.decode("cp1252", errors="replace"), "cp1252", "fallback")
