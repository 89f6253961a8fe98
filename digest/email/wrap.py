"""Jinja's ``wordwrap`` filter, the same text in a fraction of the time (the plain-text part).

The text template wraps every sentence, title and consensus line: 415 of them in the issue of a
1,000-article week, ~11 ms of its 18 ms text part, spent in ``textwrap`` (Jinja's filter wraps
each line with ``textwrap.wrap``, which splits it into chunks with a regular expression and
fills each line chunk by chunk). For a line of words parted by single spaces, maybe indented by
spaces, and with ``break_long_words`` and ``break_on_hyphens`` off, as the templates ask, that is
plain greedy filling: a word joins the line while the line, a space and the word fit ``width``; a
word longer than ``width`` stands on a line of its own; the indent stays on the first line. Any
other text (a line break, a tab, two spaces between words, a space at the end, any other
whitespace character; an indent with a first word too long for the line) and any other options
go to Jinja's own filter. tests/test_wrap.py checks both agree, on random text and on the text part.
"""

from __future__ import annotations

import re

from jinja2 import Environment, pass_environment
from jinja2.filters import do_wordwrap

_NOT_WORDS = re.compile(r"[^\S ]|  | $")  # whitespace other than a space, two spaces, a space at the end


@pass_environment
def wordwrap(environment: Environment, s: str, width: int = 79, break_long_words: bool = True,
             wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    """Jinja's ``wordwrap``: the same arguments and the same result."""
    words = _words(s, width) if not (break_long_words or break_on_hyphens) and type(s) is str else None
    if words is None:
        return do_wordwrap(environment, s, width, break_long_words, wrapstring, break_on_hyphens)
    return (environment.newline_sequence if wrapstring is None else wrapstring).join(_fill(words, width))


def _words(line: str, width: int) -> list[str] | None:
    """The words of ``line`` (its leading spaces on the first: textwrap keeps them), or None for
    a line greedy filling would not wrap as textwrap does."""
    body = line.lstrip(" ")
    if not body or width < 1 or _NOT_WORDS.search(body):
        return None
    words, indent = body.split(" "), line[: len(line) - len(body)]
    if indent and len(indent) + len(words[0]) > width:  # textwrap then drops the indent
        return None
    words[0] = indent + words[0]
    return words


def _fill(words: list[str], width: int) -> list[str]:
    """Greedy filling: a word joins the line while it fits, a longer one stands on its own."""
    lines, start, size = [], 0, len(words[0])
    for index in range(1, len(words)):
        if size + 1 + len(words[index]) <= width:
            size += 1 + len(words[index])
        else:
            lines.append(" ".join(words[start:index]))
            start, size = index, len(words[index])
    lines.append(" ".join(words[start:]))
    return lines
