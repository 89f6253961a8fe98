"""Is a sentence whole enough to stand alone as a line of the box?

A statement line quotes one source's sentence as it stands, so it must not be a fragment (issue
15): an opening quotation mark without its close ("``Maybe you have teen-agers yourself and know
how they are ..."), a sentence cut by a bad split (starts in lower case, ends on a comma, colon or
dash, or a long one with no closing stop), or one that needs the sentence before it ("He said...",
"But the plan...", "This is..."). A quotation must carry its speaker: the caller tells who spoke; a
term of three words or fewer in quotation marks (the 15-minute “circuit breaker,”, what Wall Street
calls “cyclical” stocks) is nobody's speech.
Headlines have no closing stop, so a short line without one is whole.
"""

from __future__ import annotations

import re

NEEDS_BEFORE = frozenset(("he she it they this that these those but and also however meanwhile still then so "
                          "his her their its such yet or nor instead besides moreover furthermore").split())
_LONG = 12  # words: a line this long with no closing stop was cut
TERM = 3  # words: a shorter quotation is a term in scare quotes (the 15-minute “circuit breaker,”), not speech


_ABBREVIATION_END = re.compile(r"\b(?:[ap]\.m|Mr|Mrs|Ms|Dr|St|No|Gov|Sen|Rep|Gen|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|"
                               r"U\.S|Inc|Corp|Ltd|vs?)\.$")


_ASKED = re.compile(r"\?[\"”’')]*\s*$")  # a question mark, maybe inside closing quotes or brackets


def asks(text: str) -> bool:
    """Does the sentence end in a question ("Real or hoax?", 'Who pays?”')? It states nothing."""
    return bool(_ASKED.search(text))


def why_not_whole(text: str, speaker: str = "", previous: str | None = None) -> str:
    """"" if the sentence can stand alone, else why not ("unclosed quote", "cut sentence"...);
    ``previous``: the sentence before it, to see a split after an abbreviation ("11:59 p.m. | Saturday")."""
    text = text.strip()
    if previous and _ABBREVIATION_END.search(previous.strip()):
        return "cut sentence"
    if (text.count("“") != text.count("”") or text.count('"') % 2 or "``" in text or "''" in text
            or text.count("‘") > text.count("’")):
        return "unclosed quote"
    if not re.match(r"[\"“‘'(]?[A-Z0-9$€£]", text) or re.search(r"[,;:—–-]\s*$|\.\.\.\s*$|…\s*$", text):
        return "cut sentence"
    if len(text.split()) >= _LONG and not re.search(r"[.!?][\"”’')]*$", text):
        return "cut sentence"
    first = re.findall(r"[A-Za-z']+", text)[:1]
    if first and first[0].lower() in NEEDS_BEFORE and not re.match(r"[\"“‘]", text):  # a quote's own "This..." is whole
        return "needs previous sentence"
    if any(len(q.split()) > TERM for q in _quotations(text)) and not speaker:
        return "quote without speaker"
    return ""


def _quotations(text: str) -> list[str]:
    """The quoted spans of at least 15 characters, without their punctuation."""
    return [re.sub(r"[^\w\s'-]", " ", a or b) for a, b in re.findall(r"“([^”]{15,})”|\"([^\"]{15,})\"", text)]
