"""How quantities are written: money, percentages, points, multiples, counts, fractions, directions.

``find(text)`` returns every quantity in a sentence with its value and the rounding step its
writing implies; what the quantity is *about* (its slot) is ``digest.claims``' business.

- Money: a symbol or code before ("$11.08bn", "US$ 11 billion", "EUR 5m") or a currency word after
  ("11.08 billion dollars"); all three spellings of one amount are one value. An amount a verb spends
  or asks with no currency written ("Spent 300,000 on dinner", "could cost 5,000", "buy Mojang for
  2.5B": headlines often drop the symbol) is money of an "unstated" currency, a slot of its own. Currencies are
  normalised to a symbol ("USD" -> "$"), so amounts in different currencies never meet. A scale word
  after a hyphen is the amount's ("a $10-million penalty" is $10 million: outside every gold, two MSRP
  pairs' "$10-million" / "$10 million" and "$53.7-million" / "$53.7 million" were disputes of $10 against
  $10 million).
- Percentages ("16%", "16 per cent") and percentage points ("2 percentage points", "2pp") are
  different kinds: a 2-point rise is not a 2 % rise.
- Multiples: "10 times", "ten times", "tenfold", "10x", "double(d)", "twice", "triple(d)".
- Counts with their unit noun ("95 billion hours", "1,200 jobs", "13 people killed", "57 vials"),
  with what happened to them when it is written with the noun ("were arrested", "killed", "killing
  13 people", "17 of those fatally", "the death toll rose to 60"); a toll with no noun is a count of
  people ("at least 60 are confirmed dead and 80 unaccounted for", "the number of confirmed dead
  jumped to 60"); "N more" or "N others" after a count of people are people too ("killing 50 people
  and wounding at least 53 more", "53 others wounded": NeuS test-181, val-110, test-66). Whether a verb makes a count a fact is ``digest.facts.predicates``' business ("two
  sides argued" is a count of nothing). Spans and multiples ("three years", "ten times") are not
  counts; four-digit numbers from 1900 to 2099 with no comma are years, and a number after a
  hyphen is part of a name ("COVID-19 cases").
- Ages: "a 22-year-old", "Gardner, 38,", "aged 84", and as obituaries write them: "died at 87", "at the
  age of 87", a sentence "He was 68." (never "died at 5 p.m." or "died at 2 hospitals").
- Sizes: memory with what it is ("512MB of RAM", "4GB of storage": in MB, so "4GB" is "4,000MB") and a
  device's screen ("a 4-inch iPhone", "12.9-inch iPad Pro"; not "8 inches of snow"): tech reports'
  specifications, slotted by what they measure.
- Durations: "for 24 years", "for nearly six months" (how long something lasted, in its unit).
- Tallies: "5-4", "371-18", "19-to-0", "186 to 237": a vote's two sides, larger first whichever way it is
  written ("failed by a vote of 186 to 237" is the "237-186 vote": an MSRP pair disputed them).
- Fractions of something: "one-third of all views", "half of Americans" (never "first half of").
- Directions: "at a lower cost", "cost a lot less", "cost-efficiency", "cheaper" (cost lower) and
  "more expensive" (cost higher): a comparison with no number, compared by its sign only.

Intervals (what a stated number allows):
- Rounding: half a unit of the last stated digit: "11" -> [10.5, 11.5), "11.08" -> [11.075,
  11.085). Trailing zeros of integers from 100 up are taken as rounding, but never beyond 5 % of
  the value ("110,000" -> +-5,000; "100 million" -> +-5 million, so "70 million" is not "100
  million" rounded: NeuS test-102); below 100 they are digits ("10 times" -> [9.5, 10.5)); an amount
  with a scale word is rounded by at most a tenth of its value ("$1 trillion" -> [0.9, 1.1) trillion,
  not half a trillion either way).
- Hedges widen: "about" +-10 %, "over"/"more than" [v, 1.25v], "nearly"/"up to" [0.85v, v]
  (CONSENSUS.md). Fractions in words ("one-third") are read as +-10 % of their value.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty").split()
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_COMPOUNDS = {f"{ten}-{unit}": value + i + 1 for ten, value in {"twenty": 20, **_TENS}.items()
              for i, unit in enumerate(_UNITS[:9])}  # "sixty-five": how a sentence must open on a number
_SIMPLE = {**{w: i + 1 for i, w in enumerate(_UNITS)}, **_TENS, "hundred": 100, "a dozen": 12}
WORD_NUMBERS = {**_SIMPLE, **_COMPOUNDS}
# the compounds as one group: as 72 more alternatives in every count pattern they cost the box 15-45 % more CPU
WORDS_PATTERN = (f"(?:{'|'.join(['twenty', *_TENS])})-(?:{'|'.join(_UNITS[:9])})" + r"\b|"
                 + "|".join(sorted(_SIMPLE, key=len, reverse=True)))
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
FRACTIONS = {"one-third": 1 / 3, "a third": 1 / 3, "two-thirds": 2 / 3, "one-quarter": 0.25,
             "a quarter": 0.25, "three-quarters": 0.75, "one-half": 0.5, "half": 0.5,
             "one-fifth": 0.2, "a fifth": 0.2, "one in five": 0.2, "one in four": 0.25, "one in three": 1 / 3}
MULTIPLES = {"double": 2, "doubled": 2, "doubles": 2, "doubling": 2, "twice": 2, "triple": 3, "tripled": 3,
             "triples": 3, "tripling": 3, "quadruple": 4, "quadrupled": 4}
CURRENCIES = {"$": "$", "us$": "$", "usd": "$", "dollars": "$", "us dollars": "$", "€": "€", "eur": "€",
              "euros": "€", "£": "£", "gbp": "£", "pounds": "£", "pounds sterling": "£", "¥": "¥", "jpy": "¥",
              "yen": "¥"}
COUNTED = ("hours subscribers members memberships households users viewers customers jobs employees workers "
           "staff troops soldiers deaths cases votes titles films movies episodes countries languages seats "
           "delegates refugees migrants students patients lawsuits doses tests aircraft planes jets jetliners "
           "airliners").split()
PEOPLE = ("people persons recipients residents citizens individuals adults children families voters "
          "civilians victims passengers").split()
SAME_NOUN = {"employees": "jobs", "workers": "jobs", "staff": "jobs", "planes": "aircraft", "jets": "aircraft",
             "jetliners": "aircraft", "airliners": "aircraft", "movies": "films", "positions": "jobs", "dead": "killed",
             "wounded": "injured", "hospitalised": "hospitalized",
             "unaccounted": "missing"}
_STATES = ("killed dead injured wounded arrested detained displaced evacuated missing infected hospitalized "
           "hospitalised affected").split()  # what a count of people can be said to be, without "were"
_NOT_COUNTED = frozenset(("years months weeks days minutes seconds times ways points steps things others percent has was "
                          "is this us its as his hers yes plus less unless across thus does goes").split())
_DONE_BEFORE = {"killed": "killed", "killing": "killed", "kill": "killed", "kills": "killed", "injured": "injured",
                "injuring": "injured", "wounded": "injured", "wounding": "injured", "wounds": "injured"}
_HEDGE_KINDS = {"about": "about", "around": "about", "approximately": "about", "roughly": "about",
                "some": "about", "over": "over", "more than": "over", "above": "over", "topped": "over",
                "exceeded": "over", "surpassed": "over",
                "at least": "over", "nearly": "nearly", "almost": "nearly", "up to": "nearly",
                "close to": "nearly", "under": "nearly", "less than": "nearly"}
_UPPER_BOUNDS = frozenset(("up to", "under", "less than"))  # any value below, not only close below ("nearly")


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_HEDGE = r"(?:\b(?P<hedge>" + _alternatives(_HEDGE_KINDS) + r")\s+)?"
_NUM = r"\d(?:[\d,]*\d)?(?:\.\d+)?"  # "499" in "priced at 499, gold at 4,999": a comma ends a number unless a digit follows
_SCALE = (r"(?:(?:\s*|-(?=(?:trillion|billion|million|thousand)\b))"  # "a $10-million penalty": the scale after a hyphen
          r"(?P<scale>trillion|billion|million|thousand|bn|tn|mn|m|k)\b)?")
_LOWER_COST = (r"(?:at\s+a\s+)?lower(?:ing)?\s+(?:the\s+)?costs?|costs?\s+(?:a\s+lot\s+|much\s+|far\s+)?less|"
               r"cost[- ]efficien(?:cy|t)|cheaper|less\s+expensive|reduc(?:e|es|ed|ing)\s+(?:the\s+)?costs?|"
               r"cost[- ]cutting|cut(?:s|ting)?\s+costs|cost\s+savings?|low[- ]cost")
_HIGHER_COST = r"more\s+expensive|higher\s+costs?|costs?\s+(?:a\s+lot\s+|much\s+|far\s+)?more|costlier"
# weekly jobless claims, said with the noun before the number ("claims ... fell by 249,000 to 1.2 million")
_CLAIMS = (r"\b(?:(?:initial|new|weekly|first-time|jobless|unemployment|continuing)\s+)*(?:claims|jobless numbers|applications "
           r"for (?:unemployment|jobless) (?:benefits|aid)|applying for (?:unemployment|jobless)(?: benefits| aid)?)")
# an amount spent or asked with no currency written ("Spent 300,000 on dinner", "could cost 5,000"): a price
_SPENT_ON = r"blew|drops?|dropped|throws?\s+down"  # only with "on" after: "drops 300,000 on dinner", not "drops 500 points"
_SPENT = (r"spen[dt]|spending|pa(?:y|ys|id|ying)|splurg(?:e|es|ed)|(?:forks?|forked|"
          r"shell(?:s|ed)?)\s+out|cost(?:s|ing)?|priced(?:\s+at)?|set\s+(?:you|buyers|them|him|her)\s+back|retails?\s+for|"
          r"starts?\s+at|sells?\s+for|popped\s+for")
_NO_NOUN = (r"(?=\s*(?:$|[.,;:!?)]|(?:on|for|in|to|at|and|or|per|a|an|from|with|after|while|but|each|apiece|"
            r"dinner|tip|bill|meal)\b))")  # "paid 40 workers" counts workers
# up to three words between a number and its noun ("8,000 fraudulent voter registration applications",
# "four of his videos", 'two "short-range missiles', "five Republican-led states": hyphens and quotes too), never a function word ("three straight months of declines" counts no declines)
_ADJ = r"(?!(?:of|the|and|or|to|in|for|on|with|by|at|from|a|an|than|that|which)\b)[\"“]?[a-z]+(?:-[a-z]+)*"
_PATTERNS = (
    ("money", _HEDGE + r"(?P<cur>US\$|\$|€|£|¥|\b(?:USD|EUR|GBP|JPY)\b)\s?(?P<num>" + _NUM + ")" + _SCALE),
    ("money", _HEDGE + r"(?<![\w.])(?P<num>" + _NUM + ")" + _SCALE +
     r"\s+(?P<cur>(?:US\s+)?dollars|euros|pounds(?:\s+sterling)?|yen|USD|EUR|GBP|JPY)\b"),
    ("money", r"\b(?:(?P<price>" + _SPENT + r")|(?P<spent_on>" + _SPENT_ON + r"))\s+(?:(?:a\s+whopping|as\s+much\s+as|a\s+cool|"
     r"just|only)\s+)?" + _HEDGE + r"(?<![\w.])(?P<num>" + _NUM + r")(?![.,]?\d)(?:\s?(?P<scale>trillion|billion|million|thousand|"
     r"bn|mn|m|k)\b)?(?(spent_on)(?=\s+on\b)|" + _NO_NOUN + ")"),
    ("money", r"\b(?P<price>buy(?:s|ing)?|bought|acquir(?:e|es|ed|ing)|sell(?:s|ing)?|sold|purchas(?:e|es|ed|ing))\b"
     r"[^.;\d]{0,60}?\bfor\s+" + _HEDGE + r"(?P<num>" + _NUM + r")\s?(?P<scale>trillion|billion|million|bn|b|mn|m)\b"),
    ("points", _HEDGE + r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s?(?:percentage[- ]points?\b|pp\b|% points?\b)"),
    ("percent", _HEDGE + r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s?(?:%|per ?cent\b)"),
    ("multiple", _HEDGE + r"(?<![\w.])(?P<num>\d+(?:\.\d+)?|" + WORDS_PATTERN + r")(?:\s?(?:times\b|x\b|×)|-?fold\b)"),
    ("multiple", _HEDGE + r"\b(?P<word>" + _alternatives(MULTIPLES) + r")\b(?!-)"),
    ("age", r"(?<![\w.,$])(?P<num>\d{1,3})-year-old\b|(?<=[A-Z][a-z]), (?P<num3>\d{1,3})(?:,(?= [a-z]| of\b)|\.?$)|"
     r"\bage[sd]? (?P<num4>\d{1,2})\b|\bat the age of (?P<num5>\d{1,3})\b|"
     r"\bdie[sd]\b[^.;:]{0,40}?\bat (?P<num6>\d{1,3})\b(?![:.,]?\d|\s+[a-z]{2,}s\b|\s*(?:%|[ap]\.?m\b|percent|o'clock|years?\b))|"
     r"^\W*(?:He|She) (?:was|is) (?P<num7>\d{1,3})\W*$"),  # "died at 87", "at the age of 87", "He was 68."
    ("size", _HEDGE + r"(?<![\w.$])(?P<num>\d+(?:\.\d+)?)\s?(?P<unit>KB|MB|GB|TB)\b(?:\s+of)?\s+(?P<noun>RAM|storage|memory)\b|"
     r"(?<![\w.$])(?P<num2>\d+(?:\.\d+)?)[- ](?P<inch>inch(?:es)?)\b(?=[^.;]{0,40}?\b(?P<noun2>iPhone|iPad|MacBook|phone|"
     r"smartphone|tablet|laptop|display|screen|TV|television|monitor|Watch)\b)"),  # "512MB of RAM", "a 4-inch iPhone"
    ("duration", r"\bfor\s+" + _HEDGE + r"(?P<num>\d{1,3}|" + WORDS_PATTERN + r")\s+(?P<noun>years?|months?|weeks?|days?)\b"),
    ("tally", r"(?<![\w.,$/-])(?P<num>\d{1,3})\s?(?:-to-|\s+to\s+|[-–—])\s?(?P<num2>\d{1,3})(?![\w%/-]|[.,]\d)"),  # "21 to 19." ends a sentence; "21-19.5" is no tally
    ("count", _CLAIMS + r"\b[^.;]{0,80}?(?:\b(?:to|at|of|hit|reached|totaled|totalled)\s+|"
     r"(?=\b(?:over|above|more than|nearly|almost|about|roughly|topped|exceeded|surpassed)\b))" + _HEDGE + r"(?P<num>" + _NUM + r")"
     r"(?:\s+(?P<scale>million|thousand))?(?P<claims>)(?!\s*(?:%|percent|points))"),
    ("count", _HEDGE + r"(?<![\w.$€£¥/-])(?P<num>" + _NUM + r")(?:\s+(?P<scale>million|thousand))?(?P<claims>)(?:\s+[\w-]+){0,3}?"
     r"\s+(?:applied|filed)\s+(?:for\s+)?(?:(?:state|first-time|initial|new)\s+)*(?:unemployment|jobless)\s+"
     r"(?:benefits|aid|insurance|claims)"),
    ("count", r"\b(?:death toll|number of (?:confirmed |known |reported )?(?:dead|deaths|fatalities))\b[^.;]{0,60}?"
     r"\b(?:to|of|at|reached|hit|stands at|rose to|climbing to|(?:is|was|has been)(?:\s+now)?)\s+" + _HEDGE +
     r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<toll>)(?![\d,]*\s*(?:%|percent))"),
    ("count", _HEDGE + r"(?<![\w.$€£¥/-])(?P<num>\d[\d,]*|" + WORDS_PATTERN + r")(?P<those>)\s+(?:(?:others|more)\s+)?(?:(?:are|were|have\s+been|had\s+been|"
     r"remain|remained)\s+)?(?:(?:now|officially|confirmed|reported|believed|feared|known|presumed|still)\s+)*"
     r"(?P<state>dead|killed|injured|wounded|hurt|missing|unaccounted)\b(?=\s*(?:$|[.,;:!?)—–-]|(?:and|or|in|on|at|for|after|"
     r"as|from|the|a|an|of|to|with|by|since|while|when|during|following|amid|including|so|but)\b))"),  # "three missing soldiers": soldiers
    ("count", r"\band\s+(?=(?P<state>killed|injured|wounded|hurt|killing|injuring|wounding|hurting)\b)(?P<before>\w+)\s+"
     + _HEDGE + r"(?<![\w.$€£¥/-])(?P<num>\d[\d,]*|" + WORDS_PATTERN + r")(?P<those>)(?:\s+(?:others|more))?"  # "killed 60 people
     # and injured 155", "killing 50 people and wounding at least 53 more": the people left unsaid
     r"(?=\s*(?:$|[.,;:!?)—–-]|(?:and|in|on|at|after|as|when|while|during|across)\b))"),
    ("count", r"(?P<before>)(?P<done>)(?P<state>)" + _HEDGE + r"(?<![\w.$€£¥/-])(?P<num>\d[\d,]*|" + WORDS_PATTERN + r")\s+of\s+(?:the\s+)?"
     r"\d[\d,]*\s+(?P<noun>" + _alternatives(COUNTED + PEOPLE) + r"|(?-i:[a-z]+s))\b"),  # "157 of 338 seats": 157 seats
    ("count", _HEDGE + r"(?<![\w.$€£¥])(?P<num>\d[\d,]*|" + WORDS_PATTERN + r")\s+of\s+(?P<those>those|them|whom)\b"
     r"(?:\s+(?P<state>fatally|killed|dead|injured|wounded))?"),
    ("count", r"(?:\b(?P<before>" + _alternatives(_DONE_BEFORE) + r")\s+)?" + _HEDGE + r"(?<![\w.$€£¥/-])(?P<num>"
     + _NUM + "|" + WORDS_PATTERN + r")(?:\s+(?P<scale>trillion|billion|million|thousand))?\s+(?:(?P<adj>(?:of\s+(?:his|her|their|its|our)|" + _ADJ + r")(?:\s+" + _ADJ + r"){0,2})\s+)??"
     r"(?P<noun>" + _alternatives(COUNTED + PEOPLE) + r"|(?-i:[A-Z][a-z]+ans)|(?-i:[a-z]+s))\b"
     r"(?:\s+(?:(?:were|was|have\s+been|had\s+been|are|got)\s+(?P<done>(?-i:[a-z]+ed))|(?P<state>"
     + _alternatives(_STATES) + r")\b))?"),
    ("count", _HEDGE + r"(?<![\w.$€£¥/:-])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?=\s+(?:million|billion)))(?:\s+"
     r"(?P<scale>million|billion))?(?P<bare>)(?!\s*(?:%|percent|per\s?cent|points?|[a-zA-Z]+s\b|[-–:/]\d|,\d))"),
    ("share", _HEDGE + r"(?<!first )(?<!second )\b(?P<frac>" + _alternatives(FRACTIONS) + r")\s+of\s+"
     r"(?:(?:all|the|that|its|their|total|these|those)\s+)*(?P<noun>(?!20\d\d|19\d\d|the\s+year)[\w-]+)"),
    ("direction", r"\b(?P<lower>" + _LOWER_COST + r")\b|\b(?P<higher>" + _HIGHER_COST + r")\b"),
)
_COMPILED = tuple((kind, re.compile(p, re.IGNORECASE)) for kind, p in _PATTERNS)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity as written in a sentence: its kind, value and rounding step, where it stands."""

    kind: str  # money, percent, points, multiple, count, share, direction, age, tally, duration
    value: float
    step: float
    hedge: str  # "about", "over"... as written, lower-cased; "" if none
    text: str  # as written: "$11.08 billion", "tenfold", "one-third", "at a lower cost"
    start: int
    end: int
    currency: str = ""  # "$", "€"... for money
    noun: str = ""  # a count's unit noun ("jobs", "people killed"), a share's whole, a direction's "cost"


_BYTES = {"KB": 1e-3, "MB": 1.0, "GB": 1e3, "TB": 1e6}  # in MB: "4GB" and "4,000MB" are one value


def parse_number(text: str) -> tuple[float, float]:
    """A written number -> (value, rounding step): "11.08" -> (11.08, 0.01), "ten" -> (10, 1)."""
    text = text.lower().replace(",", "")
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS[text]), 1.0
    whole, _, decimals = text.partition(".")
    if decimals:
        return float(text), 10.0 ** -len(decimals)
    zeros = len(whole) - len(whole.rstrip("0")) if int(whole) >= 100 else 0
    return float(whole), min(10.0 ** zeros, max(1.0, int(whole) / 10))


def hedge_kind(hedge: str) -> str:
    """"about", "over" or "nearly" for a hedge word ("roughly" -> "about"); "" for none."""
    return _HEDGE_KINDS.get(hedge.lower(), "")


def bound(hedge: str) -> str:
    """"over" for a lower bound ("at least 40"), "under" for an upper one ("up to 300"), "" for a value
    (exact, rounded, "about", "nearly": close below, not any below)."""
    kind = hedge_kind(hedge)
    return kind if kind == "over" else "under" if hedge.lower() in _UPPER_BOUNDS else ""


def interval(value: float, step: float, hedge: str) -> tuple[float, float]:
    """The values a figure allows: rounding half a step each side, widened by its hedge."""
    kind = hedge_kind(hedge)
    if kind == "about":  # a tenth either way, but no more than three steps of what is written: "about 6.3%" is 6.0-6.6
        spread = max(step / 2, min(0.1 * value, 3 * step))
        return value - spread, value + spread
    if kind == "over":
        return value, 1.25 * value
    if kind == "nearly":
        return 0.85 * value, value
    return value - step / 2, value + step / 2


def _quantity(kind: str, m: re.Match) -> Quantity | None:
    groups = m.groupdict()
    hedge, currency, noun = (groups.get("hedge") or "").lower(), "", (groups.get("noun") or "").lower()
    if kind == "age":
        which = next(g for g in ("num", "num3", "num4", "num5", "num6", "num7") if m[g])
        number, start = m[which], m.start(which)
        return Quantity(kind, float(number), 1.0, "", number, start, start + len(number), noun="age")
    if kind == "size":  # memory in MB, a screen's diagonal in inches
        number = m["num"] or m["num2"]
        value, step = parse_number(number)
        scale = _BYTES[m["unit"].upper()] if m["unit"] else 1.0
        noun = "screen size" if m["inch"] else m["noun"].lower()
        end = m.end("unit") if m["unit"] else m.end("inch")
        start = m.start("hedge") if m["hedge"] else m.start("num") if m["num"] else m.start("num2")
        return Quantity(kind, value * scale, step * scale, hedge, m.string[start:end], start, end, noun=noun)
    if kind == "duration":  # "for 24 years": how long something lasted
        value, step = parse_number(m["num"])
        start = m.start("hedge") if m["hedge"] else m.start("num")
        return Quantity(kind, value, step, hedge, m.string[start:m.end()], start, m.end(), noun=noun.rstrip("s") + "s")
    if kind == "tally":
        a, b = sorted((int(m["num"]), int(m["num2"])), reverse=True)  # "failed 186 to 237" is the "237-186 vote"
        return Quantity(kind, a * 1000.0 + b, 0.5, "", m[0], m.start(), m.end(), noun="tally")
    if kind == "direction":
        return Quantity(kind, -1.0 if m["lower"] else 1.0, 1.0, "", m[0], m.start(), m.end(), noun="cost")
    if kind == "share":
        value = 100 * FRACTIONS[m["frac"].lower()]
        text = f"{m['hedge'] or ''} {m['frac']}".strip()
        return Quantity(kind, value, 0.2 * value, hedge, text, m.start(), m.start("frac") + len(m["frac"]), noun=noun)
    if groups.get("word"):
        value, step = float(MULTIPLES[m["word"].lower()]), 1.0
    else:
        value, step = parse_number(m["num"])
    scale = _SCALES.get((groups.get("scale") or "").lower(), 1.0)
    if kind == "count":
        if 1900 <= value <= 2099 and scale == 1.0 and "," not in m["num"].rstrip(","):
            return None  # a year ("2016 elections")
        if re.search(r"\b[a-z]+[A-Z]\w*\s+$", m.string[:m.start("num")]):
            return None  # a model's number ("iPhone 6 users")
        noun = _count_noun(m)
        if not noun:
            return None
    if kind == "money":  # a price with no currency ("buy Mojang for 2.5B") is a slot of its own
        currency = CURRENCIES[" ".join(m["cur"].lower().split())] if groups.get("cur") else "unstated"
    late = (groups.get("before") or groups.get("toll") is not None or groups.get("price") or groups.get("spent_on")
            or groups.get("claims") is not None)
    start = m.start() if not late else m.start("hedge") if m["hedge"] else m.start("num")
    end = m.end("noun") if groups.get("noun") and kind == "count" else m.end()  # "207 people", not "... were killed"
    end = (m.end("scale") if m["scale"] else m.end("num")) if groups.get("claims") is not None else end
    end = m.end("num") if groups.get("those") is not None else end  # "17", not "17 of those fatally"
    if scale > 1:  # "$1 trillion" is rounded to a tenth either way, not to half a trillion: "$550 billion" is no "$1 trillion"
        step = min(step, 0.2 * value)
    text = re.sub(r"[\"“”]", "", m.string[start:end])  # 'two "short-range missiles': the quote is the sentence's
    return Quantity(kind, value * scale, step * scale, hedge, text, start, m.end(), currency, noun)


def _count_noun(m: re.Match) -> str:
    """What a count counts: "jobs" (also employees, workers), "people killed"; "" if it cannot be told."""
    groups = m.groupdict()
    if groups.get("toll") is not None:
        return "deaths"
    if groups.get("bare") is not None:
        return "*"  # no noun: it may only support a count of the same value that another source names
    if groups.get("claims") is not None:  # those still drawing benefits are another measure than new claims
        return "continuing claims" if re.search(r"\bcontinuing\b", m[0], re.IGNORECASE) else "jobless claims"
    if groups.get("those") is not None:
        state = (groups.get("state") or "").lower()
        state = _DONE_BEFORE.get(state, "injured" if state == "hurting" else state)  # "wounding 53 more": injured
        return f"people {SAME_NOUN.get(state, state)}".strip() if state else "people"
    noun = m["noun"].lower()
    people = noun in PEOPLE or (m["noun"][0].isupper() and noun.endswith("ans"))
    done = (m["done"] or m["state"] or m["before"] or "").lower()
    done = SAME_NOUN.get(done, _DONE_BEFORE.get(done, done))
    if noun in _NOT_COUNTED:
        return ""  # "three years", "ten times": a span or a multiple, not a count of something
    if noun not in COUNTED and not people and not done:
        return noun  # "two sides": ``predicates`` tells whether a verb says what happened to them
    noun = "people" if people else SAME_NOUN.get(noun, noun)
    return f"{noun} {done}" if done else noun



# a sentence with none of these holds no quantity (more than half of news sentences): skip its patterns
_ANY = re.compile(r"\d|\b(?:" + _alternatives({*_SIMPLE, *MULTIPLES, *FRACTIONS, "half", "third", "quarter", "fifth",
                                                "cost", "cheap", "expensive"}) + ")", re.IGNORECASE)


def find(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in reading order; an earlier pattern wins an overlap."""
    return list(_find(text))


@functools.lru_cache(maxsize=8192)  # a story's sentences are read by claims, then again by agreed: once is enough
def _find(text: str) -> tuple[Quantity, ...]:
    if not _ANY.search(text):
        return ()
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b in taken):
                taken.append(m.span())
                quantity = _quantity(kind, m)
                if quantity is not None:
                    found.append(quantity)
    return tuple(sorted(found, key=lambda q: q.start))
