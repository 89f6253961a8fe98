"""Fiscal periods in text: which quarter, half or year a figure is about.

Explicit periods: "Q2 2025", "second quarter of 2025", "first half of 2025", "H1", "fiscal year
2025", "FY25", "the 2019 budget year", "in 2019" (a year, fiscal or calendar: news uses both for
one figure; "since 2000" is no period). Relative ones ("latest quarterly report", "Tuesday's
earnings call", "last quarter", a "Quarterly Revenue" row) mean the last quarter completed before
publication and stay unknown without a date. A figure takes the period nearest to it between its
neighbouring figures (one after it wins: "$11 billion in Q2"), else the sentence's only period,
else the period of a lead-in line ending in ":" ("In Q2 2025, Netflix reported robust growth:"
above bullets), else the article's only period. A period with no year takes the article's only
year, else the year that makes it the latest such period before the publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from digest.models import Article


@dataclass(frozen=True, slots=True)
class Period:
    """A fiscal period: kind "Q" (quarter), "H" (half), "FY" (year) or "latest" (relative)."""

    kind: str
    number: int = 0
    year: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "FY":  # a (fiscal or calendar) year: news uses both for the same figures
            return str(self.year) if self.year else "year"
        name = {"Q": f"Q{self.number}", "H": f"H{self.number}"}.get(self.kind, "latest quarter")
        return f"{name} {self.year}" if self.year else name

    @property
    def end_month(self) -> int:
        return {"Q": 3 * self.number, "H": 6 * self.number}.get(self.kind, 12)


PERIOD_PATTERNS = (  # (pattern, kind, whether it can match only a text with a digit)
    (r"\bQ([1-4])\b(?:\s*(?:FY)?\s*(\d{4}))?", "Q", True),
    (r"\b(first|second|third|fourth)[- ]quarter\b(?:\s+(?:of\s+)?(?:fiscal\s+)?(\d{4}))?", "Q", False),
    (r"\b(first|second)[- ]half\b(?:\s+of\s+(?:fiscal\s+)?(?:the\s+year|(\d{4})))?", "H", False),
    (r"\bH([12])\b(?:\s*(\d{4}))?", "H", True),
    (r"\b(?:fiscal|full)[- ]year\s+()(\d{4})\b", "FY", True),
    (r"(?<![Qq][1-4]\s)(?<![Qq][1-4])\bFY\s?()((?:20)?\d{2})\b", "FY", True),
    (r"\b()((?:19|20)\d{2})\s+(?:fiscal|budget)[- ]year\b", "FY", True),
    (r"\b(?:in|for|during)\s+(?:fiscal\s+|calendar\s+)?()((?:19|20)\d{2})\b(?![-–])", "FY", True),
)
_RELATIVE = re.compile(r"\b(?:latest|last|most recent|past|this)\s+(?:fiscal\s+)?quarter|\bquarterly\b|"
                       r"\bearnings (?:call|report)", re.IGNORECASE)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _year(text: str | None) -> int | None:
    return None if not text else int(text) + (2000 if len(text) == 2 else 0)


_DIGIT = re.compile(r"\d")
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), kind, digit) for pattern, kind, digit in PERIOD_PATTERNS)


def periods_in(text: str) -> list[tuple[int, Period]]:
    """Explicit periods in ``text`` with their positions; relative cues only if none is explicit."""
    found = []
    digits = _DIGIT.search(text) is not None  # (most sentences have none: six of the eight patterns need one)
    for pattern, kind, needs_digit in _COMPILED:
        if needs_digit and not digits:
            continue
        for m in pattern.finditer(text):
            number = int(_ORDINALS.get(m[1].lower(), m[1] or 0))
            found.append((m.start(), Period(kind, number, _year(m[2]))))
    if not found:
        found = [(m.start(), Period("latest")) for m in _RELATIVE.finditer(text)]
    return sorted(found, key=lambda item: item[0])


def resolve(period: Period | None, years: frozenset[int], published: datetime | None) -> Period | None:
    """Fill in what the text left out: a relative period or a missing year, from the context."""
    if period is None or (period.kind != "latest" and period.year):
        return period
    if period.kind == "latest":
        if published is None:
            return period
        quarter = (published.month - 1) // 3  # the last completed quarter; 0 means Q4 last year
        return Period("Q", quarter or 4, published.year if quarter else published.year - 1)
    if len(years) == 1:
        return Period(period.kind, period.number, next(iter(years)))
    if published is not None:
        year = published.year if period.end_month < published.month else published.year - 1
        return Period(period.kind, period.number, year)
    return period


@dataclass(frozen=True, slots=True)
class Context:
    """What an article says about periods overall: its years, its only period, its date."""

    years: frozenset[int] = frozenset()
    default: Period | None = None
    published: datetime | None = None


def unique(periods: list[Period]) -> Period | None:
    distinct = set(periods)
    return distinct.pop() if len(distinct) == 1 else None


def article_context(article: Article, published: datetime | None) -> Context:
    mentions = [p for block in article.blocks if block.kind != "heading" for _, p in periods_in(block.text)]
    years = frozenset(p.year for p in mentions if p.year)
    return Context(years, unique(mentions), published)


def lead_in(article: Article, index: int) -> Period | None:
    """The period of the line introducing a list or table ("In Q2 2025, Netflix reported:")."""
    for block in reversed(article.blocks[:index]):
        if block.kind in ("bullet", "table_row"):
            continue
        if block.text.rstrip().endswith(":"):
            return unique([p for _, p in periods_in(block.text)])
        return None
    return None


def nearest(sentence: str, span: tuple[int, int], left: int, right: int) -> Period | None:
    """A period after the figure ("$11 billion in Q2") wins over one before it, then the sentence's."""
    after = periods_in(sentence[span[1]:right])
    if after:
        return after[0][1]
    before = periods_in(sentence[left:span[0]])
    if before:
        return before[-1][1]
    return unique([p for _, p in periods_in(sentence)])
