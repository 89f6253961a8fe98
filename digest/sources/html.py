"""HTML -> text that ``blocks.parse`` lays out.

Whole pages go through trafilatura (main text, title, site name, canonical URL, date; ~5 ms a
page, offline), rendered as Markdown so headings, bullets and tables keep their kind. Feed item
content is a fragment, where trafilatura's boilerplate scoring often drops everything, so it is
walked with lxml instead: block elements become lines, ``<script>``/``<style>`` and their text are
removed, and links keep only their text (a ``javascript:`` href never reaches the output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
import trafilatura
from lxml import etree

_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "dd", "dt", "figcaption"}
_CONTAINER_TAGS = {"div", "ul", "ol", "table", "section", "article", "header", "footer", "main"}
# Dates only from the page's markup (meta tags, time elements, URL), never guessed from its text:
# the extensive search dated a 2025 page "2023-01-01" from the words "the strikes of 2023".
_DATES = {"extensive_search": False, "original_date": True}
_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "form", "template")


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    meta: dict = field(default_factory=dict)


def extract_page(markup: str, url: str | None = None) -> Page:
    """The main text of a whole HTML page, with the metadata trafilatura finds."""
    document = trafilatura.bare_extraction(
        markup, url=url, with_metadata=True, include_formatting=True, include_tables=True,
        date_extraction_params=_DATES,
    )
    if document is None or not (document.text or "").strip():
        return Page(fragment_text(markup))
    text = trafilatura.extract(markup, url=url, output_format="markdown", include_formatting=True,
                               include_tables=True) or document.text
    meta = {"title": document.title, "outlet": document.sitename, "url": document.url,
            "published": document.date, "author": document.author}
    return Page(_EMPHASIS.sub(r"\2", text), {k: v for k, v in meta.items() if v})


def fragment_text(markup: str) -> str:
    """Text of an HTML fragment, one line per block element, without active content."""
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, *_DROP_TAGS, etree.Comment, with_tail=False)
    for element in root.iter(tag=etree.Element):
        _mark(element, element.tag.lower())
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line.strip("|# -"))


def _mark(element, tag: str) -> None:
    """Put line breaks (and Markdown markers) around block elements so text_content keeps them."""
    if tag == "br":
        element.tail = "\n" + (element.tail or "")
    elif tag in ("td", "th"):
        element.tail = " | " + (element.tail or "")
    elif tag in _BLOCK_TAGS or tag in _CONTAINER_TAGS:
        marker = {"li": "- ", "tr": "| "}.get(tag, "")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            marker = "#" * int(tag[1]) + " "
        element.text = "\n" + marker + (element.text or "")
        element.tail = "\n" + (element.tail or "")
