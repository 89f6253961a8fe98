"""An OPML subscription list (what feed readers export) -> (feed URL, name) pairs.

Every ``<outline>`` with an ``xmlUrl`` is a feed, however deeply it sits in category outlines;
its name is its ``title`` or ``text``. A URL listed twice is kept once, in document order. As in
feeds, a DOCTYPE that declares dangerous entities (expansion, external) is refused before parsing
(``xmlguard``); a harmless internal entity is read.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from digest.errors import SourceError
from digest.sources import xmlguard


def read_opml(path: Path) -> list[tuple[str, str]]:
    """The feeds listed in an OPML file; raises SourceError saying what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError(str(path), f"cannot read OPML file: {error.strerror or error}", "check the path") from None
    verdict = xmlguard.check(raw)
    if not verdict.safe:
        raise SourceError(str(path), f"OPML refused: {verdict.reason}", "export the list again from your reader")
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as error:
        raise SourceError(str(path), f"not valid OPML (XML error: {error})", "export the list again from your reader") from None
    feeds: dict[str, str] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url.startswith(("http://", "https://")):
            feeds.setdefault(url, (outline.get("title") or outline.get("text") or "").strip() or url)
    if not feeds:
        raise SourceError(str(path), "no feeds found (no outline has an http(s) xmlUrl)", "is this an OPML export?")
    return list(feeds.items())
