"""Claims inside sentences: figures with their slot and fiscal period.

A *figure* is a number only together with its slot (CONSENSUS.md: a number with no attribute is
never shown): kind (money, percent, multiple, count, share), attribute (revenue, growth,
speed-up, hours viewed, share of viewing...), qualifier (year-over-year, forecast, non-English)
and period (Q2 2025, H1 2025). The attribute is read from at most six words before and five
after the figure ("Revenue in Q2 2025 came to $11.1 billion"), stopping at the next figure of the
same kind, or from a table row's label ("Quarterly Revenue | $11.5 billion"); with no attribute
word the figure is dropped. A change needs its base stated to be compared across sources
("year-over-year"); "fell to 5.4%" is a level, not a change, and is dropped.

Intervals (what a stated number allows):
- Rounding: half a unit of the last stated digit: "11" -> [10.5, 11.5), "11.08" -> [11.075,
  11.085). Trailing zeros of integers from 100 up are taken as rounding ("300 million" ->
  +-50 million); below 100 they are digits ("10 times" -> [9.5, 10.5)).
- Hedges widen: "about" +-10 %, "over"/"more than" [v, 1.25v], "nearly"/"up to" [0.85v, v]
  (CONSENSUS.md). Fractions in words ("one-third") are read as +-10 % of their value.

Periods (which quarter, half or year a figure is about) are read by ``digest.periods``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from digest import names
from digest.models import Article
from digest.periods import Context, Period, article_context, lead_in, nearest, resolve
from digest.sentences import split


@lru_cache(maxsize=8192)
def sentences_of(text: str) -> tuple[str, ...]:
    """``sentences.split``, remembered: a story's blocks are split for figures and statements."""
    return tuple(split(text))


_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty").split()
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
WORD_NUMBERS = {**{w: i + 1 for i, w in enumerate(_UNITS)}, **_TENS, "hundred": 100}
_WORDS = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
           "billion": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12}
FRACTIONS = {"one-third": 1 / 3, "a third": 1 / 3, "two-thirds": 2 / 3, "one-quarter": 0.25,
             "a quarter": 0.25, "three-quarters": 0.75, "one-half": 0.5, "half": 0.5,
             "one-fifth": 0.2, "a fifth": 0.2}
_HEDGE_KINDS = {"about": "about", "around": "about", "approximately": "about", "roughly": "about",
                "some": "about", "over": "over", "more than": "over", "above": "over",
                "at least": "over", "nearly": "nearly", "almost": "nearly", "up to": "nearly",
                "close to": "nearly", "under": "nearly", "less than": "nearly"}
_HEDGE = r"(?:\b(?P<hedge>" + "|".join(sorted(_HEDGE_KINDS, key=len, reverse=True)) + r")\s+)?"
_NUM = r"\d[\d,]*(?:\.\d+)?"
_PATTERNS = (
    ("money", _HEDGE + r"(?P<cur>US\$|\$|€|£)\s?(?P<num>" + _NUM + r")"
     r"(?:\s*(?P<scale>trillion|billion|million|thousand|bn|tn|mn|m|k)\b)?"),
    ("percent", _HEDGE + r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s?(?P<unit>%|percentage points?\b|per ?cent\b)"),
    ("multiple", _HEDGE + r"(?<![\w.])(?P<num>\d+(?:\.\d+)?|" + _WORDS + r")(?:\s?(?:times\b|x\b|×)|-?fold\b)"),
    ("count", _HEDGE + r"(?<![\w.$€£])(?P<num>" + _NUM + "|" + _WORDS + r")(?:\s+(?P<scale>trillion|billion|"
     r"million|thousand))?\s+(?P<noun>hours|subscribers|members|memberships|households)\b"),
    ("share", _HEDGE + r"\b(?P<frac>" + "|".join(FRACTIONS) + r")\s+of\s+(?:(?:all|the|that|its|their|total)\s+)*"
     r"(?:views|viewing|viewership|watch time)\b"),
)
_COMPILED = tuple((kind, re.compile(p, re.IGNORECASE)) for kind, p in _PATTERNS)
_ATTRIBUTES = {
    "money": (("revenue", r"revenues?|sales|turnover"), ("operating income", r"operating income"),
              ("profit", r"profits?|net income"), ("budget", r"budgets?")),
    "percent": (("share of viewing", r"^\W*of\s+(?:(?:all|the|that|its)\s+)*(?:views|viewing|viewership)"),
                ("operating margin", r"operating margin"),
                ("growth", r"growth|increased?|rise|rose|grew|jump(?:ed)?|gain(?:ed)?|climb(?:ed)?"),
                ("decline", r"declined?|decreased?|drop(?:ped)?|fell|fall")),
    "multiple": (("speed-up", r"faster|quicker|speed-?ups?|speed|quickly"),),
}
_GROWTH_SUBJECT = re.compile(r"\b(subscriber|membership|member|user|advertising|ad|profit)s?\b", re.I)
_QUALIFIERS = (("year-over-year", r"year[- ](?:over|on)[- ]year|\byoy\b|annual|from a year (?:ago|earlier)"),
               ("quarter-over-quarter", r"quarter[- ](?:over|on)[- ]quarter|sequential"),
               ("month-over-month", r"month[- ](?:over|on)[- ]month|(?:over|from) the (?:previous|prior) month"),
               ("forecast", r"forecast|expect|project|guidance|outlook|estimate|target"))
_VIEW_WORDS = re.compile(r"watch|stream|view", re.I)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with its slot, the interval it allows, and the sentence it stands in (verbatim)."""

    kind: str
    attribute: str
    qualifier: str
    value: float
    low: float
    high: float
    text: str  # the figure as written, e.g. "$11.08 billion", "tenfold", "one-third"
    hedge: str
    period: Period | None
    sentence: str
    start: int  # where ``text`` starts in ``sentence``
    subjects: frozenset[str] = frozenset()  # capitalised words of the sentence: whose figure it may be

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def periodic(self) -> bool:  # a quantity of some period (revenue), unlike a speed-up
        return self.kind != "multiple"

    @property
    def period_known(self) -> bool:
        return self.period is not None and self.period.kind != "latest" and self.period.year is not None


def agree(a: Figure, b: Figure) -> bool:
    """Rounding is agreement: the more precise value lies in the less precise one's interval."""
    wide, narrow = (a, b) if a.width >= b.width else (b, a)
    return wide.low <= narrow.value < wide.high or wide.low <= narrow.value <= wide.high and bool(wide.hedge)


def parse_number(text: str) -> tuple[float, float]:
    """A written number -> (value, rounding step): "11.08" -> (11.08, 0.01), "ten" -> (10, 1)."""
    text = text.lower().replace(",", "")
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS[text]), 1.0
    whole, _, decimals = text.partition(".")
    if decimals:
        return float(text), 10.0 ** -len(decimals)
    zeros = len(whole) - len(whole.rstrip("0")) if int(whole) >= 100 else 0
    return float(whole), 10.0 ** zeros


def interval(value: float, step: float, hedge: str) -> tuple[float, float]:
    """The values a figure allows: rounding half a step each side, widened by its hedge."""
    kind = _HEDGE_KINDS.get(hedge.lower(), "")
    if kind == "about":
        return min(value - step / 2, 0.9 * value), max(value + step / 2, 1.1 * value)
    if kind == "over":
        return value, 1.25 * value
    if kind == "nearly":
        return 0.85 * value, value
    return value - step / 2, value + step / 2


def _value(kind: str, match: re.Match) -> tuple[float, float]:
    if kind == "share":
        value = 100 * FRACTIONS[match["frac"].lower()]
        return value, 0.2 * value
    value, step = parse_number(match["num"])
    scale = _SCALES.get((match.groupdict().get("scale") or "").lower(), 1.0)
    return value * scale, step * scale


def _window(text: str, start: int, end: int, left: int, right: int) -> tuple[str, str]:
    before = " ".join(text[left:start].split()[-6:])
    after = " ".join(text[end:right].split()[:5])
    return before, after


def _attribute(kind: str, match: re.Match, before: str, after: str, label: str) -> str:
    if kind == "count":
        noun = match["noun"].lower()
        if noun == "hours":
            return "hours viewed" if _VIEW_WORDS.search(label or f"{before} {after} {match[0]}") else ""
        return "subscribers"
    if kind == "share":
        return "share of viewing"
    for name, pattern in _ATTRIBUTES[kind]:
        texts = (label,) if label else (after, before)
        if any(re.search(pattern, t, re.IGNORECASE) for t in texts if t):
            return name
    return ""


def _qualifier(attribute: str, context: str, sentence: str) -> str:
    rate = attribute.endswith(("growth", "decline"))
    found = [name for name, pattern in _QUALIFIERS
             if (rate or name == "forecast") and re.search(pattern, context, re.IGNORECASE)]
    if attribute == "share of viewing" and re.search(r"non-english", sentence, re.IGNORECASE):
        found.append("non-English")
    return ", ".join(found)


def _subject(attribute: str, context: str) -> str:
    subject = _GROWTH_SUBJECT.search(context) if attribute in ("growth", "decline") else None
    return f"{subject[1].lower()} {attribute}" if subject else attribute


def _matches(text: str) -> list[tuple[str, re.Match]]:
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b in taken):
                taken.append(m.span())
                found.append((kind, m))
    return sorted(found, key=lambda item: item[1].start())


def _bounds(found: list[tuple[str, re.Match]], i: int, end: int) -> tuple[int, int, int, int]:
    """Where figure ``i``'s context stops: at figures of its kind, and at any figure."""
    kind = found[i][0]
    return (max((m.end() for k, m in found[:i] if k == kind), default=0),
            min((m.start() for k, m in found[i + 1:] if k == kind), default=end),
            found[i - 1][1].end() if i else 0,
            found[i + 1][1].start() if i + 1 < len(found) else end)


def figures_in(sentence: str, label: str = "", fallback: Period | None = None,
               context: Context = Context()) -> list[Figure]:
    """Every figure in ``sentence`` whose attribute can be told; the others are dropped."""
    found = _matches(sentence)
    figures = []
    for i, (kind, m) in enumerate(found):
        left, right, any_left, any_right = _bounds(found, i, len(sentence))
        figure = _figure(kind, m, sentence, label, (left, right))
        if figure is not None:
            period = nearest(sentence, m.span(), any_left, any_right) or fallback or context.default
            figures.append(replace(figure, period=resolve(period, context.years, context.published)))
    return figures


def _figure(kind: str, m: re.Match, sentence: str, label: str, bounds: tuple[int, int]) -> Figure | None:
    before, after = _window(sentence, m.start(), m.end(), *bounds)
    attribute = _attribute(kind, m, before, after, label)
    if not attribute or (attribute in ("growth", "decline") and re.search(r"\bto$", before)):
        return None  # "fell to 5.4%" is a level, not a change
    near = f"{label} {before} {after}"
    attribute = _subject(attribute, near)
    value, step = _value(kind, m)
    hedge = (m["hedge"] or "").lower()
    low, high = interval(value, step, hedge)
    shown = f"{m['hedge'] or ''} {m['frac']}".strip() if kind == "share" else m[0]
    if kind == "money":  # amounts in different currencies are different slots
        kind = f"money {m['cur'].replace('US$', '$')}"
    return Figure(kind, attribute, _qualifier(attribute, near, sentence), value, low, high, shown, hedge,
                  None, sentence, m.start(), frozenset() if label else names.subjects(sentence))


def article_figures(article: Article, published: datetime | None = None) -> list[Figure]:
    """The figures of an article's paragraphs, bullets and table rows, in reading order."""
    context = article_context(article, published)
    figures = []
    for index, block in enumerate(article.blocks):
        if block.kind == "heading":
            continue
        fallback = lead_in(article, index) if block.kind in ("bullet", "table_row") else None
        if block.kind == "table_row":
            label, _, _ = block.text.partition(" | ")
            figures += figures_in(block.text, label, fallback, context)
            continue
        for sentence in sentences_of(block.text):
            figures += figures_in(sentence, "", fallback, context)
    return figures
