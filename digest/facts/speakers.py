"""Who said a quotation: the speaker a statement line names ("said by ...", issue 15).

A quotation in the box must carry its speaker (``fragments.why_not_whole`` refuses one without), found
in the sentence (the name nearest a saying verb, outside the quotation marks) or, for "he said" or a
paragraph that is only a quotation, the last name of the (up to) three sentences before it.
"""

from __future__ import annotations

import re

from digest.facts import names
from digest.facts.anchors import QUOTED
from digest.text.sentences import QUOTATION


_SAY = re.compile(r"\b(?:said|says|say|told|added|stressed|emphasi[sz]ed|noted|explained|argued|revealed|"
                  r"put it|according to|reassured)\b", re.IGNORECASE)
_PRONOUN_SAYS = re.compile(r"\b(?:he|she|they)\s+(?:said|says|added|told|noted)\b|\b(?:said|says)\s+(?:he|she)\b", re.I)


def speaker(text: str, previous: str | None) -> str:
    """Who a quotation is from: the name next to a saying verb ("Ted Sarandos said", "said Ted
    Sarandos"), else, for "he said" or a paragraph that is only a quotation, the last name (outside
    quotes) of the sentences before; "" if none or no quote."""
    if not QUOTED.search(text):
        return ""
    says = [m.start() for m in _SAY.finditer(text)]
    outside = QUOTATION.sub(lambda m: "q" + " " * (len(m[0]) - 1), text)  # names inside the quote said nothing
    found = [(n, outside.find(n.text)) for n in names.names_in(outside)]
    near = [(min(abs(at - s) for s in says), n.text) for n, at in found if at >= 0 and says]
    if near:
        return min(near)[1]
    whole_quote = not outside.strip(" q.,")  # a paragraph that is only a quotation
    if (_PRONOUN_SAYS.search(outside) or whole_quote) and previous:
        earlier = names.names_in(QUOTATION.sub(" ", previous))
        return earlier[-1].text if earlier else ""
    return ""
