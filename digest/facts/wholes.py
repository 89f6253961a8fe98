"""The whole a part is counted out of: "156 seats of the 338", "157 of 338 seats", "84 of the 143 school
districts". The part is read by ``digest.facts.quantities`` ("157 seats", with what happened to them);
the whole is a fact of its own, the total ("Total seats: 338"), which sources state alike when they
agree on it (NeuS val-46: the House of Commons' 338 seats, in two of three sources). Only a whole
larger than its part, both written in digits or number words, and a plural noun on either side.
"""

from __future__ import annotations

import re

from digest.facts.quantities import WORDS_PATTERN, Quantity, parse_number

_PART = r"(?:\d[\d,]*|" + WORDS_PATTERN + ")"  # the compounds as one group, as quantities reads them: half the time
_NOUN = r"[a-z]{2,}s"
_WHOLE = re.compile(r"(?<![\w.$€£¥/-])(?P<part>" + _PART + r")\s+(?:(?P<noun1>" + _NOUN + r")\s+)?(?:out\s+)?of\s+"
                    r"(?:the\s+|all\s+)?(?P<num>\d{1,3}(?:,\d{3})*|\d+)(?![\d.,]*\d|\s*(?:%|percent|million|billion))"
                    r"(?:\s+(?P<noun2>(?:[a-z-]+\s+)?" + _NOUN + r")\b)?", re.IGNORECASE)
_NOT_WHOLES = frozenset("years months weeks days hours minutes seconds times percent points cents dollars".split())


def find(sentence: str) -> list[Quantity]:
    """Each whole in ``sentence`` as a count whose noun is "total <noun>" ("total seats")."""
    found = []
    for m in _WHOLE.finditer(sentence):
        noun = (m["noun2"] or m["noun1"] or "").lower()
        part, _ = parse_number(m["part"])
        value, step = parse_number(m["num"])
        if not noun or noun.split()[-1] in _NOT_WHOLES or value <= part or 1900 <= value <= 2099:
            continue
        found.append(Quantity("count", value, step, "", m["num"], m.start("num"), m.end("num"), noun=f"total {noun}"))
    return found
