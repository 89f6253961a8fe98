"""Stories -> the consensus box: what k of N independent sources state, and where they differ.

Counting: a *source* is an origin, and origins whose lead article names the same outlet are one
source; copies inside an origin count once. Sentences are read once per source (a verbatim copy
adds nothing), and ``Fact.total`` is the number of sources. With fewer than
``settings.min_origins`` sources there is no box.

Figures (``digest.claims``) are compared symbolically within a slot (kind with currency,
attribute, qualifier) and period. Different stated periods are different facts, never a dispute.
A figure whose period is not stated joins the slot's only period (or the one it agrees with); a
dispute with a side whose period is unknown carries "period not stated — may differ". With no
period stated by anyone, values are never set against each other: only the largest agreeing
group is shown. A supporter agreeing with two disputing values counts for neither; a source
contradicting itself in a slot is left out; two sentences naming different subjects ("Netflix",
"Disney") never dispute; a change with no stated base ("grew 12%") never disputes (NeuS held-out
check: 12 % vs 13 % and 25 % vs 36 % were month-on-month against other bases).

Name variants: same number of words; every differing word a proper name (never written in lower
case in the story, which rules out "Million"/"Billion Dollars") and not a derived form
("Korea"/"Korean"); two forms one source uses side by side ("Arctic"/"Atlantic Ocean") never
join. The differing words' Jaro-Winkler must reach 0.90, or 0.70 with a shared anchor: a role
noun ("series") or a capitalised word in at most 8 % of the story's sentences ("Argentine").
Seeds: "Atonata"/"Eternauta" 0.76 (anchors "series", "argent"), "Eternaut"/"Eternauta" 0.98,
"Ted Sarandos"/"Greg Peters" 0.48. On 307 NeuS stories these rules leave 4 variant lines, all
right (Qassem/Qasem Soleimani, Zelenskiy/Zelensky, Michael/Mike Flynn and Bloomberg); with
Jaro-Winkler alone 41, most wrong ("North Korea"/"South Korea"). Missed: "Kim Jong/Jung Un".

Statements: ``StatementMatcher`` pairs sentences of different sources; each line quotes the
sentence with most matching sources, with its best match from every other source. Threshold
0.25 (IDF-weighted Dice): on 307 NeuS stories (held out) it gives 128 lines, of which 26 of 30
drawn at random were judged right (the 4 wrong share only a sub-fact); 0.20 adds 25 lines, only
5 of the first 14 right; 0.30 cuts the seeds' El Eternauta line from 4 to 2 sources and quotes
the one dating it to "January". MSRP test pairs at 0.25: precision 0.72 (base rate 0.66),
recall 0.51 (``benchmarks/consensus_msrp.py``); MSRP's negatives mostly share a fact too.

At most ``settings.max_facts`` lines, chosen disputes first, then variants, then consensus by count
(figures before statements), and shown consensus (count desc), disputed, variants; ties by text.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

from digest import claims
from digest.claims import Figure, Period
from digest.config import ConsensusSettings
from digest.models import Evidence, Fact, FactValue, Story

NAME_SAME = 0.90
NAME_ANCHORED = 0.70
RARE_SHARE = 0.08
IDF_PRIOR = 20  # pseudo-sentences: in a two-article story a shared word is not thereby common
MAY_DIFFER = "period not stated — may differ"
DERIVED = ("", "ians", "ian", "ans", "an", "ese", "ish", "ic", "al", "es", "s", "n", "i")  # Korea/Korean
_STATUS_ORDER = {"consensus": 0, "disputed": 1, "variant": 2}


@dataclass(frozen=True, slots=True)
class _Said:
    source: str  # the origin id standing for every origin of one outlet
    origin_id: str
    article_id: str
    kind: str
    text: str

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.article_id, self.origin_id, self.text)


def find_facts(story: Story, settings: ConsensusSettings,
               published: Mapping[str, datetime | None] | None = None) -> tuple[Fact, ...]:
    """The consensus box for one story; ``published`` (article id -> date) overrides article dates.

    ``Fact.origin_ids`` holds one origin id per source (the first by id among origins of one
    outlet); each ``Evidence`` names the origin and article the sentence was read from.
    """
    sources = _sources(story)
    total = len(set(sources.values()))
    if total < settings.min_origins:
        return ()
    said = _said(story, sources)
    figures = _figures(story, sources, published or {})
    variants, canon = _variant_facts(said, total, settings.min_origins)
    common = _common_words([s for s in said if s.kind in ("paragraph", "bullet")])
    facts = _numeric_facts(figures, total, settings.min_origins, common) + variants
    facts += _statement_facts(said, total, settings.min_origins, canon)
    return _select(facts, settings.max_facts)


def _outlet(origin) -> str:
    return " ".join(origin.lead.outlet.lower().split()) or f"\0{origin.id}"


def _sources(story: Story) -> dict[str, str]:
    """Origin id -> the id of the first origin (by id) of the same outlet."""
    first: dict[str, str] = {}
    for origin in sorted(story.origins, key=lambda o: o.id):
        first.setdefault(_outlet(origin), origin.id)
    return {origin.id: first[_outlet(origin)] for origin in story.origins}


def _said(story: Story, sources: dict[str, str]) -> list[_Said]:
    """Every sentence and table row once per source, in origin-id and reading order."""
    seen, found = set(), []
    for origin in sorted(story.origins, key=lambda o: o.id):
        for article in origin.articles:
            for block in article.blocks:
                texts = [block.text] if block.kind == "table_row" else claims.sentences_of(block.text)
                for text in texts if block.kind != "heading" else ():
                    if (sources[origin.id], text) not in seen:
                        seen.add((sources[origin.id], text))
                        found.append(_Said(sources[origin.id], origin.id, article.id, block.kind, text))
    return found


def _figures(story: Story, sources: dict[str, str], published: Mapping) -> list[tuple[_Said, Figure]]:
    seen, found = set(), []
    for origin in sorted(story.origins, key=lambda o: o.id):
        source = sources[origin.id]
        for article in origin.articles:
            date = published[article.id] if article.id in published else article.published
            for figure in claims.article_figures(article, date):
                if (source, figure.sentence, figure.start) not in seen:
                    seen.add((source, figure.sentence, figure.start))
                    found.append((_Said(source, origin.id, article.id, "", figure.sentence), figure))
    return found


# --- figures ---------------------------------------------------------------------------------

_Claims = list[tuple[_Said, Figure]]


def _numeric_facts(found: _Claims, total: int, least: int, common: frozenset[str]) -> list[Fact]:
    slots: dict[tuple[str, str, str], _Claims] = defaultdict(list)
    for said, figure in found:
        slots[(figure.kind, figure.attribute, figure.qualifier)].append((said, figure))
    facts = []
    for slot in sorted(slots):
        for period, members in _buckets(slots[slot]):
            fact = _slot_fact(slot, period, members, total, least, common)
            if fact is not None:
                facts.append(fact)
    return facts


def _buckets(members: _Claims) -> list[tuple[Period | None, _Claims]]:
    """Group a slot's figures by stated period; figures without one join where they fit."""
    known: dict[Period, _Claims] = defaultdict(list)
    for said, figure in members:
        if figure.period_known:
            known[figure.period].append((said, figure))
    loose = [(s, f) for s, f in members if not f.period_known]
    if not known:
        return [(None, loose)]
    for said, figure in loose:
        fits = [p for p in known if _fits(figure, p, known)]
        if len(fits) == 1:
            known[fits[0]].append((said, figure))
    return sorted(known.items(), key=lambda item: item[0].label)


def _fits(figure: Figure, period: Period, known: dict[Period, _Claims]) -> bool:
    """A partial period ("Q2") must match; an unstated one joins the only period or the one it agrees with."""
    if figure.period is not None and figure.period.kind in ("Q", "H", "FY"):
        return (figure.period.kind, figure.period.number) == (period.kind, period.number)
    return len(known) == 1 or any(claims.agree(figure, other) for _, other in known[period])


def _by_source(members: _Claims) -> dict[str, _Claims]:
    """Each source's figures in the slot; a source contradicting itself is left out."""
    grouped: dict[str, _Claims] = defaultdict(list)
    for said, figure in members:
        grouped[said.source].append((said, figure))
    return {source: sorted(items, key=lambda item: (item[1].width, item[1].text))
            for source, items in grouped.items()
            if all(claims.agree(a, b) for _, a in items for _, b in items)}


def _same_subject(a: Figure, b: Figure, common: frozenset[str]) -> bool:
    """Unless both sentences name someone, and no one in common ("Netflix" vs "Disney")."""
    left, right = a.subjects - common, b.subjects - common
    return not left or not right or bool(left & right)


def _groups(members: _Claims, common: frozenset[str]) -> list[list[tuple[str, _Claims]]]:
    """Sources grouped by agreeing values; the most precise figure leads its group. A value
    disagreeing with a group about someone else is left out rather than called a dispute."""
    per_source = sorted(_by_source(members).items(), key=lambda kv: (kv[1][0][1].width, kv[1][0][1].value, kv[0]))
    groups: list[list[tuple[str, _Claims]]] = []
    for source, items in per_source:
        best = items[0][1]
        fits = [g for g in groups if claims.agree(g[0][1][0][1], best)]
        if len(fits) == 1:
            fits[0].append((source, items))
        elif not fits and all(_same_subject(g[0][1][0][1], best, common) for g in groups):
            groups.append([(source, items)])
    return sorted(groups, key=lambda g: (-len(g), g[0][1][0][1].width, g[0][1][0][1].value))


def _label(slot: tuple[str, str, str]) -> str:  # "Revenue", "Growth (year-over-year)"
    _, attribute, qualifier = slot
    return attribute[0].upper() + attribute[1:] + (f" ({qualifier})" if qualifier else "")


def _slot_fact(slot, period: Period | None, members: _Claims, total: int, least: int,
               common: frozenset[str]) -> Fact | None:
    groups = _groups(members, common)
    if len(groups) > 1 and period is None and groups[0][0][1][0][1].periodic:
        if len(groups[0]) == len(groups[1]):
            return None
        groups = groups[:1]  # no period stated anywhere: another value may be another period
    origins = tuple(sorted(source for group in groups for source, _ in group))
    if len(origins) < least:
        return None
    stated = sum(1 for g in groups for _, items in g if any(f.period == period for _, f in items))
    text = _label(slot) + (f", {period.label}" if period is not None and stated >= least else "")
    values = tuple(v for i, group in enumerate(groups) for v in _values(group, period, i > 0))
    evidence = tuple(e for v in values for e in v.evidence)
    if len(groups) == 1:
        return Fact("consensus", f"{text}: {values[0].value}", origins, total, values, evidence)
    if slot[1].endswith(("growth", "decline")) and not slot[2]:
        return None  # a change with no stated base (year-over-year...) cannot be said to differ
    unsure = any(not any(f.period_known for _, items in g for _, f in items) for g in groups)
    return Fact("disputed", text, origins, total, values, evidence, MAY_DIFFER if unsure else "")


def _values(group: list[tuple[str, _Claims]], period: Period | None, disputing: bool) -> list[FactValue]:
    """One value per way of stating the group's figure: exact ones first, then rounded or hedged."""
    lead = group[0][1][0][1]
    ways: dict[tuple[str, str], list[tuple[str, _Claims]]] = defaultdict(list)
    for source, items in group:
        best = items[0][1]
        note = _note(best, lead, period, disputing)
        ways[(note, lead.text if not note else best.text)].append((source, items))
    values = []
    for (note, shown), members in sorted(ways.items(), key=lambda kv: (kv[0][0] != "", kv[0])):
        evidence = tuple(said.evidence for _, items in members for said, _ in items)
        values.append(FactValue(shown, tuple(sorted(source for source, _ in members)), evidence, note))
    return values


def _note(figure: Figure, lead: Figure, period: Period | None, disputing: bool) -> str:
    notes = ["approximate" if figure.hedge else "rounded"] if figure.width > lead.width else []
    if figure.periodic and not figure.period_known and (period is not None or disputing):
        notes.append(MAY_DIFFER if disputing else "period not stated")
    return "; ".join(notes)


# --- name variants ---------------------------------------------------------------------------

def _rare(said: Sequence[_Said]) -> frozenset[str]:
    df = Counter(stem for s in said for stem in set(claims.stems(s.text)))
    return frozenset(stem for stem, count in df.items() if count <= max(2, RARE_SHARE * len(said)))


def _related(x: str, y: str) -> bool:
    """One word derived from the other ("Korea"/"Korean", "Democrat"/"Democrats")."""
    short, long = sorted((x, y), key=len)
    return (long.startswith(short) and long[len(short):] in DERIVED) or any(
        x.endswith(a) and y.endswith(b) and x[: len(x) - len(a)] == y[: len(y) - len(b)]
        for a in DERIVED for b in DERIVED)


def _linkable(a: str, b: str, anchors: dict[str, frozenset[str]], common: frozenset[str]) -> bool:
    """Same number of words, each differing word a proper name (not "million"/"billion") and not
    a derived form ("Korea"/"Korean"); the differing words' Jaro-Winkler decides."""
    if len(a.split()) != len(b.split()):
        return False
    pairs = [(x, y) for x, y in zip(a.split(), b.split()) if x != y]
    score = JaroWinkler.similarity(" ".join(x for x, _ in pairs), " ".join(y for _, y in pairs))
    if score < NAME_ANCHORED or any(x in common or y in common or x.isdigit() or y.isdigit() or _related(x, y)
                                    for x, y in pairs):
        return False
    return score >= NAME_SAME or bool(anchors[a] & anchors[b])


def _name_links(norms: list[str], anchors: dict[str, frozenset[str]], common: frozenset[str],
                apart: set[tuple[str, str]]) -> dict[str, str]:
    """Single-link clusters of normal forms, never joining two forms one source uses side by side
    ("Arctic Ocean" and "Atlantic Ocean"): each name -> its cluster's first normal form."""
    cluster = {norm: {norm} for norm in norms}
    for i, a in enumerate(norms):
        for b in norms[i + 1:]:
            left, right = cluster[a], cluster[b]
            if left is right or any((x, y) in apart for x in left for y in right):
                continue
            if _linkable(a, b, anchors, common):
                merged = left | right
                for norm in merged:
                    cluster[norm] = merged
    return {norm: min(cluster[norm]) for norm in norms}


def _common_words(prose: Sequence[_Said]) -> frozenset[str]:
    return frozenset(w for s in prose for w in re.findall(r"(?<![\w'’-])[a-z][a-z'-]*", anyascii(s.text)))


def _apart(seen: Mapping[str, list[tuple[_Said, claims.Name]]]) -> set[tuple[str, str]]:
    """Pairs of names one source writes both of: two names, not two spellings."""
    by_source: dict[str, set[str]] = defaultdict(set)
    for norm, uses in seen.items():
        for said, _ in uses:
            by_source[said.source].add(norm)
    return {(a, b) for norms in by_source.values() for a in norms for b in norms}


def _variant_facts(said: list[_Said], total: int, least: int) -> tuple[list[Fact], dict[str, str]]:
    """One "variant" line per entity written in several ways; also returns name -> entity."""
    prose = [s for s in said if s.kind in ("paragraph", "bullet")]
    keep, common = _rare(prose) | claims.ROLE_NOUNS, _common_words(prose)
    seen: dict[str, list[tuple[_Said, claims.Name]]] = defaultdict(list)
    for s in prose:
        for name in claims.names_in(s.text):
            if not set(name.norm.split()) <= common:
                seen[name.norm].append((s, name))
    anchors = {norm: frozenset().union(*(n.context for _, n in uses)) & keep for norm, uses in seen.items()}
    canon = _name_links(sorted(seen), anchors, common, _apart(seen))
    clusters: dict[str, list[str]] = defaultdict(list)
    for norm, root in canon.items():
        clusters[root].append(norm)
    facts = [_variant_fact([seen[n] for n in norms], total) for norms in clusters.values() if len(norms) > 1]
    return [f for f in facts if f.count >= least], canon


def _variant_fact(spellings: list[list[tuple[_Said, claims.Name]]], total: int) -> Fact:
    values = []
    for uses in spellings:
        shown = Counter(name.text for _, name in uses).most_common(1)[0][0]
        first: dict[str, _Said] = {}
        for s, _ in uses:
            first.setdefault(s.source, s)
        values.append(FactValue(shown, tuple(sorted(first)), tuple(s.evidence for s in first.values())))
    values.sort(key=lambda v: (-len(v.origin_ids), v.value))
    origins = tuple(sorted({o for v in values for o in v.origin_ids}))
    return Fact("variant", values[0].value, origins, total, tuple(values), tuple(e for v in values for e in v.evidence))


# --- statements ------------------------------------------------------------------------------

class StatementMatcher:
    """Do two sentences of one story state the same thing?

    Words are weighted by their rarity inside the story (IDF over its sentences), so the topic
    words most sentences share ("Netflix", "AI") count for little. A pair matches when the
    IDF-weighted overlap reaches ``threshold``, at least ``min_rare`` rare words other than names
    and role nouns are shared, and the two share an anchor: a number, a name (after variant
    merging; a sentence naming nobody borrows the names of the sentence before it, as "The
    scene..." follows "...El Eternauta."), or two adjacent rare words ("building collapse").
    Topic overlap alone never matches.
    """

    threshold = 0.25
    min_rare = 2

    def __init__(self, texts: Sequence[str], canon: Mapping[str, str] | None = None,
                 previous: Sequence[str | None] | None = None):
        bags = [claims.stems(t) for t in texts]
        df = Counter(stem for bag in bags for stem in set(bag))
        self.idf = {stem: math.log((len(texts) + IDF_PRIOR) / (count + 0.5)) for stem, count in df.items()}
        self.rare = frozenset(stem for stem, count in df.items() if count <= max(2, RARE_SHARE * len(texts)))
        self.sets = [frozenset(bag) for bag in bags]
        names = [_names(t, p, canon or {}) for t, p in zip(texts, previous or [None] * len(texts))]
        self.plain = [words - claims.ROLE_NOUNS - {s for n in ns for s in claims.stems(n)}
                      for words, ns in zip(self.sets, names)]
        self.anchors = [_anchors(t, bag, self.rare) | {f"@{n}" for n in ns} for t, bag, ns in zip(texts, bags, names)]

    def score(self, i: int, j: int) -> float:
        """IDF-weighted Dice overlap of the two sentences' words."""
        shared = math.fsum(self.idf[w] for w in self.sets[i] & self.sets[j])  # fsum: order-free
        both = math.fsum(self.idf[w] for w in self.sets[i]) + math.fsum(self.idf[w] for w in self.sets[j])
        return 2 * shared / both if both else 0.0

    def candidates(self) -> list[tuple[int, int]]:
        """Pairs sharing at least ``min_rare`` rare words: the only ones ``same`` can accept."""
        postings: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(self.plain):
            for word in sorted(words & self.rare):
                postings[word].append(i)
        shared = Counter(pair for ids in postings.values() for pair in combinations(ids, 2))
        return sorted(pair for pair, count in shared.items() if count >= self.min_rare)

    def same(self, i: int, j: int) -> bool:
        if len(self.plain[i] & self.plain[j] & self.rare) < self.min_rare:
            return False
        return bool(self.anchors[i] & self.anchors[j]) and self.score(i, j) >= self.threshold


def _names(text: str, previous: str | None, canon: Mapping[str, str]) -> set[str]:
    found = claims.names_in(text) or (claims.names_in(previous) if previous else ())
    return {canon.get(n.norm, n.norm) for n in found}


_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")


def _anchors(text: str, bag: list[str], rare: frozenset[str]) -> frozenset[str]:
    """Numbers, and pairs of adjacent rare words inside quotation marks (the same words quoted)."""
    numbers = {f"#{w}" for w in bag if w.isdigit()}
    quoted = [claims.stems(a or b) for a, b in _QUOTED.findall(text)]
    pairs = {f"^{a} {b}" for words in quoted for a, b in zip(words, words[1:]) if a in rare and b in rare}
    return frozenset(numbers | pairs)


def _statement_facts(said: list[_Said], total: int, least: int, canon: Mapping[str, str]) -> list[Fact]:
    """Consensus lines quoting one source's sentence; sentences with figures only support."""
    pool, previous = _pool(said)
    matcher = StatementMatcher([s.text for s in pool], canon, previous)
    links: dict[int, list[int]] = {i: [] for i in range(len(pool))}
    for i, j in matcher.candidates():
        if pool[i].source != pool[j].source and matcher.same(i, j):
            links[i].append(j)
            links[j].append(i)
    used = {i for i, s in enumerate(pool) if claims.figures_in(s.text)}
    facts = []
    while True:
        seed = _best_seed(pool, links, used, matcher)
        if seed is None or len({pool[j].source for j in links[seed] if j not in used}) + 1 < least:
            return facts
        members = _members(pool, seed, links[seed], matcher)
        used |= {seed, *links[seed]}
        origins = tuple(sorted(pool[m].source for m in members))
        facts.append(Fact("consensus", pool[seed].text, origins, total, (), tuple(pool[m].evidence for m in members)))


def _pool(said: list[_Said]) -> tuple[list[_Said], list[str | None]]:
    """Prose statements (no questions, no lead-ins ending in ':') and the sentence before each."""
    pool, previous, last = [], [], None
    for s in said:
        if s.kind in ("paragraph", "bullet") and not s.text.rstrip().endswith(("?", ":")):
            pool.append(s)
            previous.append(last if last and last.article_id == s.article_id else None)
        last = s
    return pool, [p.text if p else None for p in previous]


def _best_seed(pool: list[_Said], links: dict[int, list[int]], used: set[int], matcher) -> int | None:
    def key(i: int):
        free = [j for j in links[i] if j not in used]
        support = math.fsum(matcher.score(i, j) for j in free)
        return -len({pool[j].source for j in free}), -support, len(pool[i].text), pool[i].text

    free = [i for i in range(len(pool)) if i not in used]
    return min(free, key=key) if free else None


def _members(pool: list[_Said], seed: int, linked: list[int], matcher) -> list[int]:
    """The seed and, from every other source, its best-matching sentence."""
    best: dict[str, int] = {}
    for j in sorted(linked, key=lambda j: (-matcher.score(seed, j), pool[j].text)):
        best.setdefault(pool[j].source, j)
    return [seed, *best.values()]


# --- selection -------------------------------------------------------------------------------

def _select(facts: list[Fact], limit: int) -> tuple[Fact, ...]:
    """Disputes and variants first, then consensus by count (figures before statements)."""
    def priority(fact: Fact):
        rank = {"disputed": 0, "variant": 1}.get(fact.status, 2)
        return (rank, -fact.count, bool(not fact.values), fact.text)

    chosen = sorted(facts, key=priority)[:limit]
    return tuple(sorted(chosen, key=lambda f: (_STATUS_ORDER[f.status], -f.count, f.text)))
