"""Claims inside sentences: figures with their slot and fiscal period.

A *figure* is a quantity (``digest.quantities``: money, percent, points, multiple, count, share,
direction) only together with its slot (CONSENSUS.md: a number with no attribute is never
shown): kind, attribute (revenue, growth, speed-up, hours viewed, share of viewing, people
killed, cost...), qualifier (year-over-year, forecast, non-English) and period (Q2 2025, H1
2025; read by ``digest.periods``). The attribute is read from at most eight words before and
five after the figure ("Revenue in Q2 2025 came to $11.1 billion"; "unemployment rate drops to
50-year low of 3.5%" needs eight), stopping at the next figure of the same kind, or from a table
row's label ("Quarterly Revenue | $11.5 billion"); a count's attribute is its unit noun, a
share's the whole it is part of; an amount of money first by the noun phrase right after it,
its head deciding ("$600 stimulus checks": a payment; "$5 trillion in new spending": no attribute
known, so not the "budget request" named later); with no attribute the figure is dropped. A change needs its
base stated to be compared across sources ("year-over-year"). "Fell to 5.4%", "was 3.5 percent"
and "dropped to a 50-year low of 3.5%" state a level, not a change: such a figure takes another
attribute ("unemployment rate") or is dropped.

Agreement is interval overlap (``agree``): the more precise value must lie in the less precise
one's interval, so "$11 billion" agrees with "$11.08 billion" and not with "$11.5 billion".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from digest.facts import headlines, names, predicates, quantities, wholes
from digest.models import Article
from digest.facts.periods import Context, Period, article_context, lead_in, nearest, resolve
from digest.facts.quantities import Quantity, interval
from digest.facts import measures
from digest.facts.measures import FALL, RISE, VIEW_WORDS
from digest.text.sentences import split


_GROWTH_SUBJECT = re.compile(r"\b(subscriber|membership|member|user|advertising|ad|profit|wage)s?\b", re.I)
_QUALIFIERS = (("year-over-year", r"year[- ](?:over|on)[- ]year|\byoy\b|annual|"
                r"(?:from|than|compared (?:with|to)) a year (?:ago|earlier)"),
               ("quarter-over-quarter", r"quarter[- ](?:over|on)[- ]quarter|sequential"),
               ("month-over-month", r"month[- ](?:over|on)[- ]month|(?:over|from) the (?:previous|prior) month"),
               ("forecast", r"forecast|(?<![Uu]n)expect(?!(?:ed|s|ing)? to\b)|\bprojected\b(?!\s+to\b)|\bprojections?\b|guidance|outlook|"
                r"estimate|target"))  # "is expected to introduce a $908 billion bill": the bill is no forecast
_SUBSCRIBERS = ("subscribers", "memberships")  # "13 members" are members of something, not subscribers
_ONE_OFF = ("deal value", "fine", "price", "cost")  # paid or asked once, not per quarter
_STOCKS = ("subscribers", "hours viewed", "users", "viewers", "customers", "households")


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
    label: str = ""  # the slot as an editor writes it ("Killed", "Vials removed"); "" = from the attribute
    published: datetime | None = None  # when the article giving it was published
    loose: bool = False  # a count of things no predicate governs: it may only support a slot another source names

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def periodic(self) -> bool:  # a quantity of some period (revenue), unlike a speed-up or a death toll
        if self.attribute[:1].isupper():  # a named index's move ("Dow decline") is that day's
            return False
        if self.attribute in _ONE_OFF:  # a deal's price is paid once, not per quarter
            return False
        return self.kind not in ("multiple", "direction", "count", "tally", "age", "duration", "size") or self.attribute in _STOCKS

    @property
    def disputable(self) -> bool:
        """Directions, counts of people with no event named ("3 million people"), ages (whose?) and
        percentages of a whole ("38% of voters": which question?) only ever agree."""
        return (self.kind not in ("direction", "age") and self.attribute != "people"
                and not self.attribute.startswith("percent of "))

    @property
    def period_known(self) -> bool:
        return self.period is not None and self.period.kind != "latest" and self.period.year is not None

    @property
    def shown(self) -> str:
        """The value as the box shows it: as written, but a direction as "lower" or "higher"."""
        return ("lower" if self.value < 0 else "higher") if self.kind == "direction" else self.text


def agree(a: Figure, b: Figure) -> bool:
    """Rounding is agreement: the more precise value lies in the less precise one's interval. An
    "about" allows less than its tenth either way, not the tenth itself: "162 people" and "about
    180 people" are two figures (a dispute), not one rounded."""
    wide, narrow = (a, b) if a.width >= b.width else (b, a)
    if quantities.hedge_kind(wide.hedge) == "about":
        return wide.low < narrow.value < wide.high
    return wide.low <= narrow.value < wide.high or wide.low <= narrow.value <= wide.high and bool(wide.hedge)


def _window(text: str, start: int, end: int, left: int, right: int) -> tuple[str, str]:
    before = " ".join(_INSERTED.sub(" ", text[left:start]).split()[-8:])  # the clause "which had held up" says nothing
    after = " ".join(text[end:right].split()[:5])
    return before, after


def _count_slot(q: Quantity, before: str, after: str, label: str, written: str) -> tuple[str, str]:
    """A stock ("subscribers", "hours viewed") by its noun; any other count by its predicate
    (``digest.facts.predicates``), or nothing when none governs it or it is another event's."""
    if q.kind == "tally":
        return predicates.tally(before, after) if not predicates.elsewhere(before, after) else ("", "")
    if q.noun == "hours":
        return ("hours viewed", "") if VIEW_WORDS.search(label or f"{before} {after} {q.text}") else ("", "")
    unit = q.noun.split(" ")[0]
    if q.noun in ("jobless claims", "continuing claims"):  # read with its noun before it ("claims ... to 1.2 million")
        own = re.split(r"\b(?:from|than|compared|versus|vs)\b|\d", after)[0]  # "to 1.1 million from 971,000 the prior week"
        if _NOT_THIS_WEEK.search(" ".join(before.split()[-12:] + own.split()[:4])):  # "the previous week's claims"
            return "", ""
        return q.noun, q.noun.capitalize()
    if unit in _SUBSCRIBERS or unit in _STOCKS:
        return ("subscribers" if unit in _SUBSCRIBERS else unit), ""
    if label or predicates.elsewhere(before, after) or predicates.not_theirs(q.noun, before):
        return "", ""
    noun, _, done = q.noun.partition(" ")
    return predicates.event(noun, done, written, before, after)


# another week's claims, or a running total: not the week's figure
_NOT_THIS_WEEK = re.compile(r"\b(?:previous|prior|revised|record|total|so far|since|consecutive|straight|in (?:just )?(?:\w+ )?weeks|last year|"
                            r"a year (?:ago|earlier))\b", re.IGNORECASE)


_YEARLY = re.compile(r"\W*(?:a\s+year|each\s+year|every\s+year|per\s+year|annually|(?:throughout|over|for)\s+the\s+"
                     r"(?:next|coming)\s+decade)\b(?!\s+(?:ago|earlier|later|before))", re.IGNORECASE)  # "deficits above $1.3 trillion throughout the next decade"


_BEAT = re.compile(r"\bthan\s+(?:[\w'’]+\s+){0,2}(?:expected|forecast|estimated|projected|anticipated|predicted)\b|"
                   r"\b(?:beat\w*|miss\w*|top\w*|exceed\w*|above|below|short of|ahead of)\s+(?:[\w'’]+\s+){0,2}"
                   r"(?:expectations?|forecasts?|estimates?|projections?)\b(?!\s+of\b)", re.IGNORECASE)


def _qualifier(attribute: str, context: str, sentence: str, own: str) -> str:
    """Qualifiers read in ``context``; a forecast only in ``own``: the words after the figure count
    only when no other number follows ("164,000 jobs, missing expectations of 195,000": the
    expectation is the other number's). A figure compared with an expectation ("better than expected",
    "beating forecasts") is the outcome, not a forecast."""
    rate = attribute.endswith(("growth", "decline"))
    own = _BEAT.sub(" ", own)
    found = [name for name, pattern in _QUALIFIERS
             if (rate or name == "forecast") and re.search(pattern, own if name == "forecast" else context, re.I)]
    if attribute == "share of viewing" and re.search(r"non-english", sentence, re.IGNORECASE):
        found.append("non-English")
    return ", ".join(found)


def _subject(attribute: str, context: str, before: str, at_start: bool) -> tuple[str, str]:
    """(slot, label): "subscriber growth"; a named index moving ("The Dow plummeted 6.9 percent") is
    that index's move, keyed by the name's first word ("Dow decline", label "Dow: decline"), also with its
    ticker ("the Dow Jones Industrial Average (DJIA) dropped by just under 10%") or beside another index
    ("Both the Dow and the Standard & Poor's 500 closed the day down nearly 10%"; a day before "and" is no
    index). Outside every gold (NeuS test-301) "Decline: under 10%" became "Dow Jones Industrial Average
    fell: under 10%" (right); nothing else changed there or on the tuning halves."""
    if attribute not in ("growth", "decline"):
        return attribute, ""
    moved = _NAMED_MOVE.search(before)
    if moved and not (at_start and moved.start() == 0 and " " not in moved[1]):  # "Wages advanced 3.1%"
        name = re.sub(r"^(?:The|A|An|Even|But|And)\s+", "", " ".join(re.sub(r"\([A-Z&]{2,6}\)", " ", moved[1]).split()))
        parts = [p for p in re.split(r"\s+and\s+", name) if p.split()[0].lower() not in names.DATES]  # "Thursday and the Nasdaq"
        name = re.sub(r"^the\s+", "", " and ".join(parts)) if parts else name
        return f"{name.split()[0]} {attribute}", f"{name} {'fell' if attribute == 'decline' else 'rose'}"
    subject = _GROWTH_SUBJECT.search(context)
    return (f"{subject[1].lower()} {attribute}" if subject else attribute), ""


# a clause set off by commas between a subject and its verb ("The index, which had held up, fell 5%")
_INSERTED = re.compile(r",\s*(?:which|who|whose|where)\b[^,;]*,")
_INDEX_NAME = r"[A-Z][\w&'’]*(?:\s+(?:[A-Z][\w&'’]*|&|\d{2,3}\b))*(?:\s+\([A-Z&]{2,6}\))?"  # "Standard & Poor's 500", "(DJIA)"
_NAMED_MOVE = re.compile(r"(" + _INDEX_NAME + r"(?:\s+and\s+(?:the\s+)?" + _INDEX_NAME + r")?)"  # "the Dow and the S&P 500 both fell"
                         r"(?:\s+(?:index|composite|average)(?:\s+of\s+[a-z]+(?:\s+[a-z]+)?)?)?(?:\s+both)?"
                         r"(?:\s+(?:closed|was|has|had|is|ended)(?:\s+the\s+(?:day|session))?)?\s+(?:" + RISE + "|" + FALL + r")"
                         r"(?:\s+by)?(?:\s+just)?(?:\s+(?:about|nearly|more than|over|almost))?(?:\s+[\d,.]+\s+points?,?\s+or)?\s*$")


def _bounds(found: list[Quantity], i: int, end: int) -> tuple[int, int, int, int]:
    """Where figure ``i``'s context stops: at figures of its kind, and at any figure."""
    kind = found[i].kind
    return (max((q.end for q in found[:i] if q.kind == kind), default=0),
            min((q.start for q in found[i + 1:] if q.kind == kind), default=end),
            found[i - 1].end if i else 0,
            found[i + 1].start if i + 1 < len(found) else end)


def figures_in(sentence: str, label: str = "", fallback: Period | None = None,
               context: Context = Context()) -> list[Figure]:
    """Every figure in ``sentence`` whose attribute can be told; the others are dropped. A headline in
    Title Case is read in lower case (``headlines``)."""
    figures = []
    for figure, period, whole in _read(sentence, label):
        if not whole:
            period = resolve(period or fallback or context.default, context.years, context.published)
            figure = replace(figure, period=period if figure.periodic else None)
        figures.append(replace(figure, published=context.published))
    return figures


@lru_cache(maxsize=8192)  # a box reads each sentence twice (its figures, then whether it may seed a statement)
def _read(original: str, label: str) -> tuple[tuple[Figure, Period | None, bool], ...]:
    """What ``figures_in`` finds whatever the article's dates: each figure, the period written nearest it,
    and whether it is a whole ("of the 338")."""
    sentence = headlines.plain(original)
    found = quantities.find(sentence)
    named = [q for q in found if q.noun != "*"]  # a bare number bounds no other figure's words
    figures = []
    for quantity in found:
        pool = named if quantity.noun != "*" else found
        left, right, any_left, any_right = _bounds(pool, pool.index(quantity), len(sentence))
        figure = _figure(quantity, sentence, label, (left, right))
        if figure is not None:
            figures.append((figure, nearest(sentence, (quantity.start, quantity.end), any_left, any_right), False))
    for whole in wholes.find(sentence) if not label else ():  # "156 seats of the 338": the total is a fact too
        low, high = interval(whole.value, whole.step, "")
        figures.append((Figure("count", whole.noun, "", whole.value, low, high, whole.text, "", None, sentence, whole.start,
                               names.subjects(sentence), whole.noun.capitalize()), None, True))
    if sentence == original:
        return tuple(figures)
    subjects = names.subjects(original)
    return tuple((headlines.restored(f, original, subjects), period, whole)
                 for f, period, whole in figures if not f.loose)  # a slot, not a bare noun


_WITH_KILLER = re.compile(r"\W*(?:[\w-]+\W+){0,3}?\(?including\s+(?:the\s+|a\s+)?(?:lone\s+)?(?:gunman|shooter|"
                          r"assailant|attacker|suspect|bomber|perpetrator|killer|driver)\b", re.IGNORECASE)
_DEATH = re.compile(r"\b(?:died|dies|passed away|succumbed)\b", re.IGNORECASE)  # before the age: not "the death of George Floyd"
_PART_OF = re.compile(r"\d[\d.,]*\s*(?:%|percent|[a-z]+illion)?\s+of\s+the\s+$", re.IGNORECASE)  # "$300 billion of the "


def _figure(q: Quantity, sentence: str, label: str, bounds: tuple[int, int]) -> Figure | None:
    if _PART_OF.search(sentence[max(0, q.start - 40):q.start]):
        return None  # "$300 billion of the $5 trillion total", "13 of the 40 passengers": the whole, not what is said of the part
    before, after = _window(sentence, q.start, q.end, *bounds)
    wide_before = " ".join(sentence[bounds[0]:q.start].split()[-14:])  # "indictment ... against a dozen Russians"
    loose = False
    if q.kind == "age":  # "died at the age of 84": the line says so ("Age at death: 84"), as the statement would
        attribute, editor = "age", "Age at death" if _DEATH.search(" ".join(sentence[:q.start].split()[-12:])) else "Age"
    elif q.kind == "size":  # "512MB of RAM": RAM; "a 4-inch iPhone": its screen size
        attribute, editor = q.noun, q.noun[:1].upper() + q.noun[1:] if q.noun != "ram" else "RAM"
    elif q.kind == "duration":  # "skipped work for 24 years"; not "the first time for 20 years" (another time)
        rest = " ".join(sentence[q.end:bounds[1]].split()[:3])
        attribute, editor = (("", "") if predicates.elsewhere(wide_before, rest)
                             else (f"duration {q.noun}", predicates.how_long(wide_before)))
    elif q.noun == "*":  # a bare number supports a count another source names; not one an event word governs
        rest = " ".join(sentence[q.end:bounds[1]].split()[:8])  # ("killed more than 365,000"): it supports nothing
        loose = not label and not predicates.elsewhere(wide_before, rest) and not predicates.governed(wide_before, rest)
        attribute, editor = ("*" if loose else ""), ""
    elif q.kind in ("count", "tally"):
        rest = " ".join(sentence[q.end:bounds[1]].split()[:8])  # "could lose their food stamp benefits"
        attribute, editor = _count_slot(q, wide_before, rest, label, sentence[q.start:q.end])
        loose = not attribute and not label and not predicates.elsewhere(wide_before, rest)
        attribute = predicates.thing(q.noun) if loose else attribute
    else:
        attribute, editor = measures.attribute(q, before, after, label), ""
        whole = measures.part_of(sentence[q.end:bounds[1]]) if q.kind == "percent" and not attribute and not label else ""
        attribute, editor = (f"percent of {whole.lower()}", f"Share of {whole}") if whole else (attribute, editor)
        if attribute == "price":  # "Spent: 300,000" on a dinner, "Paid: $2 million" to settle: as the verb says
            editor = "Paid" if re.search(r"\bpa(?:y|ys|id|ying)\b", before, re.IGNORECASE) else "Spent"
    if not attribute:
        return None  # "fell to 5.4%" is a level, not a change: it needs another attribute
    near = f"{label} {before} {after}"
    if not editor:
        governing = " ".join(_INSERTED.sub(" ", sentence[bounds[0]:q.start]).split()[-14:])
        at_start = len(sentence[:q.start].split()) <= len(governing.split())
        attribute, editor = _subject(attribute, near, governing, at_start)
    low, high = interval(q.value, q.step, q.hedge)
    if attribute == "dead" and _WITH_KILLER.match(sentence[q.end:]):  # "four people dead, including the assailant":
        low -= 1  # three victims and the attacker, as "killed three people" says (NeuS val-110, val-305)
    kind = f"money {q.currency}" if q.kind == "money" else q.kind  # other currencies, other slots
    ahead = " ".join(sentence[q.end:bounds[1]].split()[:10])
    wide = f"{near} {ahead}"  # "... in November compared with a year earlier"
    qualifier = _qualifier(attribute, wide, sentence, f"{label} {before} {'' if re.search(r'[0-9]', ahead) else ahead}")
    if q.kind == "count" and editor:
        rest = " ".join(sentence[q.end:].split()[:8])  # "died in the past 24 hours"
        qualifier = ", ".join(filter(None, (qualifier, predicates.qualifier(before, rest))))
    if q.kind == "money" and _YEARLY.match(sentence[q.end:]):
        qualifier = ", ".join(filter(None, (qualifier, "per year")))
    return Figure(kind, attribute, qualifier, q.value, low, high, q.text, q.hedge, None, sentence, q.start,
                  frozenset() if label else names.subjects(sentence), editor, loose=loose)


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
        for sentence in split(block.text):
            figures += figures_in(sentence, "", fallback, context)
    return figures
