"""Clauses of a long sentence: the parts that each state one fact (issue 15, fourth round).

News leads pack two or three facts in one sentence ("The outbreak has been linked to the slew of
rallies that Trump did ... and has sidelined approximately 10 percent of the agency's core security
team, the Washington Post reported Friday."). Another source states one of them in a sentence of its
own, and a whole-sentence score (word overlap or cosine) is diluted by the facts the other does not
share. ``clauses`` cuts a sentence where a clause may begin: at ";", ":", a dash, a comma, and
before a word that opens a clause ("while", "which", "after"...), outside quotation marks; a piece of
fewer than ``SHORTEST`` content words is no clause ("or 0.42 percent", "West, 43,") and stays with
the piece before it. Sentences of fewer than ``LONG`` content words are one clause: they state one
fact. Pure text rules over ``names.stems``; no parser. ``titles`` and ``capital_words`` read what a
clause names for ``statements.StatementMatcher``.
"""

from __future__ import annotations

import re

from digest.facts import names
from digest.text.sentences import QUOTATION

LONG = 12  # content words: a shorter sentence is one clause
SHORTEST = 4  # content words: a shorter piece joins the piece before it

_CUT = re.compile(r"[;:](?!\d)|[—–]|\s--\s|,(?!\d{3})"  # punctuation that may end a clause (not "1,200")
                  r"|\s(?=(?:while|whereas|although|though|because|after|which|despite|amid)\s)"  # an opener, no comma
                  r"|\s(?=and\s(?:has|have|had|is|was|were|will|would|could|can|said|says|\w+ed)\s)")  # "... and has sidelined"


def clauses(text: str) -> tuple[str, ...]:
    """The clauses of ``text`` in order (``text`` itself for a short sentence or one that does not cut)."""
    if len(names.stems(text)) < LONG:
        return (text,)
    masked = QUOTATION.sub(lambda m: "q" * len(m[0]), text)  # never cut inside a quotation
    bounds = [0, *(cut.start() for cut in _CUT.finditer(masked)), len(text)]
    spans: list[list[int]] = []
    for start, end in zip(bounds, bounds[1:]):
        if spans and (len(names.stems(text[start:end])) < SHORTEST or len(names.stems(text[slice(*spans[-1])])) < SHORTEST):
            spans[-1][1] = end  # a short piece stays with the one before it
        else:
            spans.append([start, end])
    found = tuple(text[a:b].strip(" ,;:—–-") for a, b in spans)
    return found if len(found) > 1 else (text,)


_TITLE_STEMS = frozenset(s for role in names.TITLES | {"former", "then", "acting", "deputy"} for s in names.stems(role))


def titles(text: str) -> frozenset[str]:
    """The stems of titles before a name ("former Vice President Joe Biden": former, vice, presid): part of
    the name, not a word the clause states."""
    found = set()
    for name in names.names_in(text):
        at = text.find(name.text)
        before = names.stems(text[max(0, at - 40):at]) if at > 0 else []
        while before and before[-1] in _TITLE_STEMS:
            found.add(before.pop())
    return frozenset(found)


def capital_words(text: str) -> set[str]:
    """Capitalised words after a clause's first ("on Twitter", "in Geneva"), as stems; ``StatementMatcher``
    keeps the story's rare ones as a clause's anchors (one such word in a short clause is as telling as a
    full name in a sentence)."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)[1:]
    return {st for w in words if w[0].isupper() and w.lower() not in names.STOPWORDS and w.lower() not in names.DATES
            for st in names.stems(w)[:1]}
