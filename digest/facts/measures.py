"""What a figure measures: its attribute, read from the words around it (``digest.facts.claims``
calls ``attribute``; the module docstring there states the window and the order of the rules).

Money: the noun phrase right after the amount first ("$600 stimulus checks": a payment), else the
words of the window ("funding", "deal", "damages sought"...); a price or a cost only from the verb
that spends or asks it ("spent 300,000", "could cost 5,000"), never from a noun after it. A
percentage: a rate ("unemployment rate"), a rise or fall by the verb nearest it ("rose 0.6%, ...
after easing 0.1%"), else the whole it is a part of ("10% of its core security team": ``part_of``).
"""

from __future__ import annotations

import re

from digest.facts.quantities import Quantity

RISE = (r"growth|increased?|rise|rose|grew|jump(?:ed)?|gain(?:ed)?|climb(?:ed)?|advanced?|surged?|soared|up\b|"
        r"rall(?:y|ied)|ticked up|edged (?:up|higher)")
FALL = (r"declined?|decreased?|drop(?:ped)?|fell|fall|down\b|slid|plunged?|plummeted|tumbled|sank|shed|lost|"
        r"slumped|dived|dove|eas(?:e|ed|ing)\b|slipp?(?:ed)?\b|dipp?(?:ed)?\b|retreated|ticked down|edged (?:down|lower)")
_LEVEL = re.compile(r"\b(?:to|at|was|is|were|are|stands|stood|reached|hit)\b((?:\s+\S+){0,4})$", re.I)
_SHARE_OF = r"^\W*of\s+(?:(?:all|the|that|its|their|total)\s+)*"
_ATTRIBUTES = {
    "money": (("funding limit", r"\blimits?\b|\bcapacity\b|\bceiling\b"), ("revenue", r"revenues?|sales|turnover"), ("operating income", r"operating income"),
              ("profit", r"profits?|net income|earnings"), ("deficit", r"deficits?"), ("budget", r"budgets?"),
              ("funding", r"funding|raised|investment"), ("fine", r"fined?|penalty|settlement"),
              ("deal value", r"\bdeal\b|acquisition|acquire|bought|buy|purchase"),
              ("payment", r"checks?\b|cheques?\b|payments?"), ("package", r"package|\bbill\b|stimulus|relief"),
              ("fee", r"\bfees?\b"), ("damages sought", r"\bdamages\b|\blawsuit\b|\bsu(?:e|es|ed|ing)\b"), ("price", r"\bpa(?:y|ys|id|ying)\b|\bspen[dt]|\bblew\b|\bdrops?\b|\bthrows? down\b|\bsplurg|\b(?:forks?|forked|shell\w*) out\b|\bpopped for\b"),
              ("cost", r"\bprojects?\b|\bpipelines?\b|\bplants?\b|\bfactory\b|\bfacility\b|\bstadium\b|\bbridge\b|"
                       r"\bcost(?:s|ing)?\b|\bpriced\b|\bset \w+ back\b|\bretails?\b|\bstarts? at\b|\bsells? for\b")),
    "percent": (("share of viewing", _SHARE_OF + r"(?:views|viewing|viewership|watch time)"),
                ("operating margin", r"operating margin"), ("growth", RISE), ("decline", FALL),
                ("unemployment rate", r"unemployment|jobless rate"), ("efficacy", r"effective|efficacy"),
                ("eligible", r"eligib")),
    "points": (("growth", RISE), ("decline", FALL)),
    "multiple": (("speed-up", r"faster|quicker|speed-?ups?|speed|quickly"),
                 ("growth", r"grow|grew|increase|rose|rise|jump|more|higher|larger|bigger|doubl|tripl")),
}
VIEW_WORDS = re.compile(r"watch|stream|view", re.I)
_MOVE = re.compile(RISE + "|" + FALL, re.I)  # compiled once: ``attribute`` reads every percentage and money figure
_MOVE_FIRST = re.compile(r"\s*(?:" + RISE + "|" + FALL + ")", re.I)
_RISE, _FALL = re.compile(RISE, re.I), re.compile(FALL, re.I)


def _noun_attribute(q: Quantity) -> str:
    """A share is named by its whole, a direction by what it compares."""
    if q.kind == "share":
        return "share of viewing" if VIEW_WORDS.search(q.noun) else f"share of {q.noun}"
    return q.noun


def attribute(q: Quantity, before: str, after: str, label: str) -> str:
    if q.kind in ("share", "direction"):
        return _noun_attribute(q)
    level = _LEVEL.search(before)  # "fell to a 50-year low of 3.5%", "was 3.5 percent": not a change
    level = bool(level) and not _MOVE.search(level[1])
    level = level and not _MOVE_FIRST.match(after)  # "a 13 percent increase"
    own = _own_noun(after) if q.kind == "money" and not label else None
    if own is not None:
        return own
    for name, pattern in _ATTRIBUTES[q.kind]:
        texts = (label,) if label else (after, before)
        if any(re.search(pattern, t, re.IGNORECASE) for t in texts if t):
            if not (level and name in ("growth", "decline")):
                return _nearer_move(name, after, before) if not label else name
    return ""


_WHOLE = re.compile(r"^\W*of\s+(?:(?:the|its|their|his|her|our|all|total|[A-Za-z]+['’]s?)\s+)*"
                    r"((?:U\.S\.|U\.K\.|[A-Za-z][A-Za-z-]+)(?:\s+[A-Za-z][A-Za-z-]+){0,3})")  # "U.S. population", not "U"
_NOT_WHOLE = frozenset("that which who whose could would will was were is are has have had to in for on at from by "
                       "with and or as than who said says".split())


def part_of(after: str) -> str:
    """The whole a percentage is a part of, "" if none follows: "10% of its core security team" ->
    "core security team" (slot "percent of core security team", label "Share of core security team")."""
    found = _WHOLE.match(after)
    if not found:
        return ""
    words = []
    for word in found[1].split():
        if word in _NOT_WHOLE:
            break
        words.append(word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            break  # a plural head ends the phrase: "20% of Americans agree"
    return " ".join(words)


def _nearer_move(name: str, after: str, before: str) -> str:
    """A rise or a fall, whichever verb is nearer the figure ("rose 0.6%, the biggest gain since 2012,
    after easing 0.1%": 0.1% is a fall); any other attribute as found."""
    if name not in ("growth", "decline"):
        return name
    def distance(pattern: re.Pattern) -> int:
        ahead = [m.start() for m in pattern.finditer(after)]
        behind = [len(before) - m.end() for m in pattern.finditer(before)]
        return min(ahead + behind, default=1 << 20)
    return "decline" if distance(_FALL) < distance(_RISE) else "growth"


def _own_noun(after: str) -> str | None:
    """What an amount of money is, when the words right after it say so: the head (last attribute
    word) of the noun phrase it starts ("$600 stimulus checks" -> payment, "its $350 billion
    funding capacity" -> funding limit); "" when "in <noun>" names a thing no attribute knows ("$5
    trillion in new spending, part of his budget request": not the budget); None if nothing follows."""
    lead_in = re.match(r"\s*in\s+", after)
    phrase = []
    for word in after[lead_in.end() if lead_in else 0:].split()[:4]:
        bare = word.strip(",.;:")
        if not bare or bare.lower() in _PHRASE_ENDS or not bare[0].islower():
            break
        phrase.append(bare)
        if bare != word:
            break
    text = " ".join(phrase)
    found = [(m.end(), name) for name, pattern in _ATTRIBUTES["money"] if name not in _VERBS_ONLY
             for m in re.finditer(pattern, text, re.I)]
    named = [f for f in found if f[1] != "deal value"]  # "a relief deal" is a deal on a package
    if found:
        return max(named or found)[1]
    return "" if lead_in and phrase else None


_VERBS_ONLY = ("price", "cost")  # read from the verb spending or asking an amount, never from the noun after it
_PHRASE_ENDS = frozenset("for of to that which from on by at with as and or in over into per this the a an its their his "
                          "her each every last next quarter year month week day".split())  # "in the quarter" names no thing
