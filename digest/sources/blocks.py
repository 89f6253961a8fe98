"""Plain text or Markdown -> the blocks of an article, its title, and the lines that are not it.

Saved articles arrive as loose text: a slogan or kicker above the title, headings without ``#``,
bullets, Markdown tables, paragraphs that are one line each or hard-wrapped. The rules:

- A line is a *bullet* if it starts with ``-``, ``*``, ``•`` or ``1.``; a *table row* if it is
  ``| a | b |`` (separator rows are layout, dropped); a *heading* if it is Markdown ``#`` or short
  (at most 12 words) with no sentence-ending punctuation (a trailing ``:`` only for at most three
  words, so "As he put it during the call:" stays prose).
- Boilerplate is dropped and kept in ``dropped``: a short (at most 6 words) all-capitals line
  before the title (the "PAKISTAN ZINDABAD" line above one seed's title), and share / subscribe /
  "read more" / advertisement lines anywhere.
- The title is the first line when it reads like one (no sentence-ending full stop, at most 25
  words); otherwise the first heading, otherwise the first sentence cut at 12 words; a guessed
  title is reported as inferred.
- Inside a blank-line-separated chunk, lines are joined into one paragraph when the chunk is
  hard-wrapped (every line but the last 40-100 characters, none a bullet or table row); otherwise
  each line is its own block, as in the seed files.
- Words are counted by ``digest.text.scripts.count_words`` (a Chinese or Japanese character is a
  word) and ``。！？`` end sentences, so a paragraph of Chinese is prose, not a heading.

HTML pages arrive already in blocks (``html.read_page`` knows a heading from a paragraph by its
tag); ``arrange`` gives them the same boilerplate and title rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.models import Block
from digest.text.scripts import count_words, has_cjk

_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_TABLE_SEPARATOR = re.compile(r"^\|?[\s:|-]+\|?$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_BOILERPLATE = re.compile(
    r"^(?:share (?:this|on)|follow us|subscribe|sign up|read more|continue reading|click here|"
    r"advertisement|sponsored content|related:|also read|all rights reserved|©)",
    re.IGNORECASE,
)
_SENTENCE_END = (".", "!", ",", ";", "\"", "”", "’", "'", ")", "。", "！", "？", "」", "』", "）", "؟", "۔")


@dataclass(frozen=True, slots=True)
class Layout:
    title: str
    title_inferred: bool
    blocks: tuple[Block, ...]
    dropped: tuple[str, ...]


def parse(text: str, title: str | None = None) -> Layout:
    """Lay out an article's text; ``title`` (from metadata) wins over the one found in the text."""
    lines, dropped = _strip_boilerplate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _titled(_blocks(lines), dropped, title)


def arrange(found: Sequence[Block], title: str | None = None) -> Layout:
    """Blocks whose kinds are known (an HTML page's): boilerplate out, then the title rules."""
    kept, dropped = [], []
    for block in found:
        if (not kept and _is_slogan(block.text)) or _BOILERPLATE.match(block.text):
            dropped.append(block.text)
        else:
            kept.append(block)
    return _titled(kept, dropped, title)


def classify_lines(text: str) -> list[Block]:
    """Plain text -> blocks, without dropping or choosing a title (``parse`` does both)."""
    return _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def why_dropped(line: str) -> str:
    """Why ``parse``/``arrange`` left a line out, in words for the editor."""
    if _BOILERPLATE.match(line.strip()):
        return "boilerplate (share, subscribe, read more, advertisement or copyright line)"
    return "slogan or kicker above the title (a short all-capitals line)"


def _titled(blocks: list[Block], dropped: list[str], title: str | None) -> Layout:
    if title:
        if blocks and _same(blocks[0].text, title):
            blocks = blocks[1:]
        return Layout(title.strip(), False, tuple(blocks), tuple(dropped))
    if blocks and _looks_like_title(blocks[0]):
        return Layout(blocks[0].text, False, tuple(blocks[1:]), tuple(dropped))
    return Layout(_guess_title(blocks), True, tuple(blocks), tuple(dropped))


def _strip_boilerplate(lines: list[str]) -> tuple[list[str], list[str]]:
    kept, dropped = [], []
    seen_text = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if (not seen_text and _is_slogan(stripped)) or _BOILERPLATE.match(stripped):
            dropped.append(stripped)
            continue
        seen_text = True
        kept.append(line.rstrip())
    return kept, dropped


def _is_slogan(line: str) -> bool:
    if count_words(line) > 6:  # first: a paragraph's worth of letters is never looked at
        return False
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for chunk in _chunks(lines):
        if _is_wrapped(chunk):
            blocks.append(Block("paragraph", " ".join(line.strip() for line in chunk)))
            continue
        for line in chunk:
            block = _classify(line.strip())
            if block is not None:
                blocks.append(block)
    return blocks


def _chunks(lines: list[str]) -> list[list[str]]:
    chunks, current = [], []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _is_wrapped(chunk: list[str]) -> bool:
    if len(chunk) < 2 or any(_BULLET.match(l) or l.lstrip().startswith(("|", "#")) for l in chunk):
        return False
    return all(40 <= len(line.strip()) <= 100 for line in chunk[:-1])


def _classify(line: str) -> Block | None:
    if line.startswith("|"):
        if _TABLE_SEPARATOR.match(line):
            return None
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        return Block("table_row", " | ".join(cells))
    if _BULLET.match(line):
        return Block("bullet", _BULLET.sub("", line, count=1).strip())
    if _MD_HEADING.match(line):
        return Block("heading", _MD_HEADING.sub("", line).strip())
    if _is_heading(line):
        return Block("heading", line)
    return Block("paragraph", line)


def _is_heading(line: str) -> bool:
    if line.endswith(_SENTENCE_END):
        return False
    words = count_words(line)
    if words > 12:
        return False
    if line.endswith((":", "：")):
        return words <= 3
    return True


def _looks_like_title(block: Block) -> bool:
    return (block.kind in ("heading", "paragraph") and not block.text.endswith((".", "。"))
            and count_words(block.text) <= 25)


def _guess_title(blocks: list[Block]) -> str:
    for block in blocks:
        if block.kind == "heading" and count_words(block.text) >= 3:
            return block.text
    for block in blocks:
        if block.kind == "paragraph":
            return _first_words(block.text, 12)
    return "Untitled"


def _first_words(text: str, count: int) -> str:
    """The first ``count`` words of ``text`` (CJK characters count one each), "…" if cut."""
    if not has_cjk(text):
        words = text.split()
        return " ".join(words[:count]) + ("…" if len(words) > count else "")
    return text if count_words(text) <= count else text[:count * 2].rstrip() + "…"  # cut by characters


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()).strip("#: ") == " ".join(b.lower().split())
