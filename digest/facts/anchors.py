"""What two sentences of a story may share that makes them one statement: their anchors.

``statements.StatementMatcher`` pairs sentences only when they share an anchor (its docstring and
``statements``' module docstring record what each was measured to do): a number (``#``), a name
(``@``, after variant merging), two adjacent rare words quoted (``^``), three content words quoted in a
row (``~``), a rare hyphenated term of three or more words (``-``), or three content words in a row
unquoted, two of them rare (``=``). ``adjacent`` gives the rare word pairs a line's joiners may hold
and ``numbers`` the figures two paraphrases must not disagree on. Pure text rules over ``names``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from anyascii import anyascii

from digest.facts import fragments, names


def numbers(text: str) -> frozenset[float]:
    """The numbers a sentence states ("1,900" -> 1900, "7%" -> 7), years left out ("2020" dates a sentence, it
    states no figure); ``StatementMatcher._other_numbers`` takes two within 5 % for one ("15M", "15.4M")."""
    found = re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)
    years = {n for n in found if len(n) == 4 and n.isdigit() and 1900 <= int(n) <= 2099}
    return frozenset(float(n.replace(",", "")) for n in found if n not in years)


def names_of(text: str, previous: str | None, canon: Mapping[str, str]) -> set[str]:
    """The names ``text`` holds (else those of ``previous``: "The scene..." follows "...El Eternauta."), as
    their variant group's name (``canon``)."""
    found = names.names_in(text) or (names.names_in(previous) if previous else ())
    return {canon.get(n.norm, n.norm) for n in found}


QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")  # what is quoted, as groups


def anchors(text: str, bag: list[str], rare: frozenset[str]) -> frozenset[str]:
    """Numbers, pairs of adjacent rare words inside quotation marks (the same words quoted), and
    any three content words quoted in a row: two sources quoting one passage ("acknowledged that
    they deliberately unplugged the freezer") report one statement, however common its words."""
    numbers = {f"#{w}" for w in bag if w.isdigit()}
    quoted = [names.stems(a or b) for a, b in QUOTED.findall(text)]
    pairs = {f"^{a} {b}" for words in quoted for a, b in zip(words, words[1:]) if a in rare and b in rare}
    runs = {f"~{' '.join(words[k:k + 3])}" for words in quoted for k in range(len(words) - 2)}
    return frozenset(numbers | pairs | runs)


def compounds(text: str) -> frozenset[str]:
    """Hyphenated compounds of three or more words ("pay-as-you-go", "cap-and-trade"): a term of art
    two sources both write names one thing; ``StatementMatcher`` keeps only the story's rare ones."""
    return frozenset(f"-{w.lower()}" for w in re.findall(r"\b[A-Za-z]+(?:-[A-Za-z]+){2,}\b", text))


def runs(bag: list[str], rare: frozenset[str], least: int) -> frozenset[str]:
    """Three content words in a row, ``least`` of them rare in the story ("foray into generative artificial
    intelligence" is the topic, not a fact), in a sentence of six content words or more (in "Netflix is using
    generative AI." the run is the whole claim); ``StatementMatcher`` keeps only the story's rare runs."""
    if len(bag) < 6:
        return frozenset()
    return frozenset(f"={' '.join(bag[k:k + 3])}" for k in range(len(bag) - 2) if len(set(bag[k:k + 3]) & rare) >= least)


def adjacent(text: str, rare: frozenset[str]) -> frozenset[str]:
    """Pairs of rare words next to each other, no word between ("interactive ads", not "interact with ads")."""
    words = [w[:6] for w in re.findall(r"[a-z0-9]+", anyascii(text).lower())]
    return frozenset(f"^{a} {b}" for a, b in zip(words, words[1:]) if a in rare and b in rare)


def speech(text: str) -> bool:
    """Does the sentence quote speech: a quotation of more than ``fragments.TERM`` (three) content words (a shorter
    one is a term in scare quotes; ``fragments`` counts all its words)? Two such sentences sharing no quoted run say
    two things."""
    return any(len(names.stems(a or b)) > fragments.TERM for a, b in QUOTED.findall(text))
