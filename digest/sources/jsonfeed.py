"""JSON Feed (https://jsonfeed.org, versions 1 and 1.1) -> feed items.

feedparser 6 reads RSS 0.9x/1.0/2.0 and Atom but not JSON Feed, which is small enough to read
with the standard library. Both paths produce the same ``Item``, so the rest of the feed code does
not know which format it read.
"""

from __future__ import annotations

import json
from html import escape
from dataclasses import dataclass
from datetime import datetime, timezone

from digest.errors import SourceError


@dataclass(frozen=True, slots=True)
class Item:
    """One feed entry, whatever the format: the HTML body is untrusted markup."""

    title: str
    link: str | None
    markup: str
    published: datetime | None
    author: str | None
    guid: str | None


def looks_like_json(body: bytes, content_type: str) -> bool:
    return "json" in content_type.lower() or body.lstrip()[:1] == b"{"


def parse(body: bytes, url: str) -> tuple[str, list[Item]]:
    """The feed's title and items; raises SourceError if the body is not a JSON Feed."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise SourceError(url, f"not a readable JSON Feed: {error}", "check that the URL serves a feed") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise SourceError(url, "JSON without a jsonfeed.org version, not a JSON Feed", "check that the URL serves a feed")
    items = data.get("items")
    if not isinstance(items, list):
        raise SourceError(url, "JSON Feed has no items list", "check the feed with a validator")
    return str(data.get("title") or ""), [_item(entry) for entry in items if isinstance(entry, dict)]


def _item(entry: dict) -> Item:
    markup = entry.get("content_html") or _paragraphs(entry.get("content_text")) or entry.get("summary") or ""
    authors = entry.get("authors") or ([entry["author"]] if isinstance(entry.get("author"), dict) else [])
    names = [a.get("name") for a in authors if isinstance(a, dict) and a.get("name")]
    return Item(
        title=" ".join(str(entry.get("title") or "").split()),
        link=entry.get("url") or entry.get("external_url") or None,
        markup=str(markup),
        published=_date(entry.get("date_published") or entry.get("date_modified")),
        author=", ".join(names) or None,
        guid=str(entry["id"]) if entry.get("id") is not None else None,
    )


def _paragraphs(text: object) -> str:
    """Plain text -> paragraphs of markup, escaped (the text may contain '<')."""
    if not text:
        return ""
    return "".join(f"<p>{escape(part)}</p>" for part in str(text).split("\n\n") if part.strip())


def _date(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)
