"""Stories -> the consensus box: what k of N independent sources state, and where they differ.

Counting: a *source* is an origin, and origins whose lead article names the same outlet are one
source; copies inside an origin count once. Sentences are read once per source (a verbatim copy
adds nothing), and ``Fact.total`` is the number of sources. With fewer than
``settings.min_origins`` sources there is no box.

Figures (``digest.claims``) are compared symbolically within a slot (kind with currency,
attribute, qualifier) and period. Different stated periods are different facts, never a dispute. A
figure whose period is not stated joins the slot's only period (or the one it agrees with); a
dispute with a side whose period is unknown carries "period not stated — may differ". With no
period stated by anyone, values are never set against each other: only the largest agreeing group
is shown. A supporter agreeing with two disputing values counts for neither; a source giving two
values in one slot ("100 million more doses", "200 million doses" in all: NeuS test-102) shows the
slot holds several things, so each value is its own consensus candidate and nothing is disputed;
directions ("cheaper") and counts of people with nothing said of them only ever agree; two
sentences naming different subjects ("Netflix", "Disney") never dispute; a change with no stated
base ("grew 12%") never disputes (NeuS held-out check: 12 % vs 13 % and 25 % vs 36 % were month-
on-month against other bases). A lone source against four or more agreeing ones (``_lone_outliers``)
leaves the agreed value as consensus. A duration ("for 24 years") only ever
disputes: where sources agree, the statement saying what lasted so long is the line. A count of things no verb governs (``Figure.loose``) only
supports a value that another source's labelled figure states; it never makes a line or a dispute.

Name variants (``digest.names``) and statements (``digest.statements``) are found, and their
thresholds explained, in their own modules.

At most ``settings.max_facts`` lines in the box (``every``: all of them, for ``digest facts``),
chosen disputes and changes first, then variants, then consensus by count (figures before
statements), and shown in that order: disputes and changes, consensus (count desc), variants;
ties by text. A dispute whose sources were published in order is a change (``changes``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime

from digest.facts import changes, claims, names, statements
from digest.facts.claims import Figure
from digest.facts.periods import Period
from digest.text.sentences import split
from digest.config import ConsensusSettings
from digest.models import Fact, FactValue, Story
from digest.facts.said import Said

MAY_DIFFER = "period not stated — may differ"
_STATUS_ORDER = {"disputed": 0, "changed": 0, "consensus": 1, "variant": 2}


def find_facts(story: Story, settings: ConsensusSettings,
               published: Mapping[str, datetime | None] | None = None, every: bool = False) -> tuple[Fact, ...]:
    """The consensus box for one story; ``published`` (article id -> date) overrides article dates.
    ``every``: every line found (``digest facts``), not only the box's ``settings.max_facts``.

    ``Fact.origin_ids`` holds one origin id per source (the first by id among origins of one
    outlet); each ``Evidence`` names the origin and article the sentence was read from.
    """
    sources = _sources(story)
    total = len(set(sources.values()))
    if total < settings.min_origins:
        return ()
    said = _said(story, sources)
    figures = _figures(story, sources, published or {})
    prose = [s for s in said if s.kind in ("paragraph", "bullet")]
    common = names.lower_case_words(s.text for s in prose)
    variants, canon = names.variant_facts(prose, common, total, settings.min_origins)
    facts = _numeric_facts(figures, total, settings.min_origins, common) + variants
    facts += _new_statements(statements.statement_facts(said, total, settings.min_origins, canon), facts)
    return _select(facts, None if every else settings.max_facts)


def _new_statements(found: list[Fact], figures: list[Fact]) -> list[Fact]:
    """Statement lines that do not restate a figure line's number ("...added 266,000 jobs" beside
    "Jobs added: 266,000 jobs"): one fact, one line."""
    numbers = {n for f in figures for v in f.values for n in _NUMBER.findall(v.value)}
    kept = [f for f in found if not numbers & set(_NUMBER.findall(f.text))]
    return [f for f in kept if not any(_contradict([f.evidence, other.evidence]) for other in kept if other is not f)]


def _contradict(parts: list[tuple]) -> bool:
    """Statement lines giving different numbers of one unit
    ("skipped work for 24 years", "absent for 25 years") are no agreement: sources differ, so
    none is shown as consensus."""
    counted = []
    for evidence in parts:
        found: dict[str, set[str]] = defaultdict(set)
        for number, unit in (pair for e in evidence for pair in _COUNTED.findall(e.sentence)):
            found[unit.lower()].add(number)
        counted.append(found)
    return any(a[unit] and b[unit] and not a[unit] & b[unit]
               for i, a in enumerate(counted) for b in counted[i + 1:] for unit in set(a) & set(b))


_COUNTED = re.compile(r"(?<![\w.,-])(\d[\d,.]*)\s+([a-z]{3,})\b")  # "24 years", "3 wins"


_NUMBER = re.compile(r"(?<![\w-])\d[\d,.]*\d(?![\w-])")  # "266,000", "66"; not "COVID-19" or a tally's "19-to-0"


def _outlet(origin) -> str:
    return " ".join(origin.lead.outlet.lower().split()) or f"\0{origin.id}"


def _sources(story: Story) -> dict[str, str]:
    """Origin id -> the id of the first origin (by id) of the same outlet."""
    first: dict[str, str] = {}
    for origin in sorted(story.origins, key=lambda o: o.id):
        first.setdefault(_outlet(origin), origin.id)
    return {origin.id: first[_outlet(origin)] for origin in story.origins}


def _said(story: Story, sources: dict[str, str]) -> list[Said]:
    """Every sentence and table row once per source, in origin-id and reading order."""
    seen, found = set(), []
    for origin in sorted(story.origins, key=lambda o: o.id):
        for article in origin.articles:
            for block in article.blocks:
                texts = [block.text] if block.kind == "table_row" else split(block.text)
                for text in texts if block.kind != "heading" else ():
                    if (sources[origin.id], text) not in seen:
                        seen.add((sources[origin.id], text))
                        found.append(Said(sources[origin.id], origin.id, article.id, block.kind, text))
    return found


def _figures(story: Story, sources: dict[str, str], published: Mapping) -> list[tuple[Said, Figure]]:
    seen, found = set(), []
    for origin in sorted(story.origins, key=lambda o: o.id):
        source = sources[origin.id]
        for article in origin.articles:
            date = published[article.id] if article.id in published else article.published
            for figure in claims.article_figures(article, date):
                if (source, figure.sentence, figure.start) not in seen:
                    seen.add((source, figure.sentence, figure.start))
                    found.append((Said(source, origin.id, article.id, "", figure.sentence), figure))
    return found


# --- figures ---------------------------------------------------------------------------------

_Claims = list[tuple[Said, Figure]]


def _numeric_facts(found: _Claims, total: int, least: int, common: frozenset[str]) -> list[Fact]:
    slots: dict[tuple[str, str, str], _Claims] = defaultdict(list)
    for said, figure in found:
        slots[(figure.kind, figure.attribute, figure.qualifier)].append((said, figure))
    facts = []
    for slot in sorted(slots):
        for period, members in _buckets(slots[slot]):
            facts += _slot_facts(slot, period, members, total, least, common)
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


def _entries(members: _Claims) -> tuple[list[tuple[str, _Claims]], bool]:
    """Each source's figures in the slot, one entry per value it gives (most precise first), and
    whether some source gives two values: then the slot holds several things, never a dispute."""
    grouped: dict[str, _Claims] = defaultdict(list)
    for said, figure in members:
        grouped[said.source].append((said, figure))
    entries, several = [], False
    for source, items in grouped.items():
        clusters: list[_Claims] = []
        for item in sorted(items, key=lambda item: (item[1].width, item[1].text)):
            home = next((c for c in clusters if claims.agree(c[0][1], item[1])), None)
            home.append(item) if home is not None else clusters.append([item])
        several = several or len(clusters) > 1
        entries += [(source, cluster) for cluster in clusters]
    return entries, several


def _same_subject(a: Figure, b: Figure, common: frozenset[str]) -> bool:
    """Unless both sentences name someone, and no one in common ("Netflix" vs "Disney"). An event's
    count ("Killed") is the story's: whose it is was settled by its predicate (``predicates``), and a
    named index's move ("S&P decline") by its name."""
    if a.label and b.label and (a.kind in ("count", "tally", "duration") or a.attribute[:1].isupper()):
        return True
    left, right = a.subjects - common, b.subjects - common
    return not left or not right or bool(left & right)


def _groups(entries: list[tuple[str, _Claims]], common: frozenset[str]) -> list[list[tuple[str, _Claims]]]:
    """Sources grouped by agreeing values; the most precise figure leads its group. A value
    disagreeing with a group about someone else is left out rather than called a dispute."""
    groups: list[list[tuple[str, _Claims]]] = []
    def order(entry):  # labelled figures first: a loose count ("revised by 88,000 jobs") never keeps one out
        return all(f.loose for _, f in entry[1]), entry[1][0][1].width, entry[1][0][1].value, entry[0]

    for source, items in sorted(entries, key=order):
        best = items[0][1]
        fits = [g for g in groups if claims.agree(g[0][1][0][1], best)]
        if len(fits) == 1 and source not in {s for s, _ in fits[0]}:
            fits[0].append((source, items))
        elif not fits and all(_same_subject(g[0][1][0][1], best, common) for g in groups):
            groups.append([(source, items)])
    return sorted(groups, key=lambda g: (-len(g), g[0][1][0][1].width, g[0][1][0][1].value))


def _label(slot: tuple[str, str, str], members: _Claims = ()) -> str:  # "Revenue", "Growth (year-over-year)", "Killed"
    _, attribute, qualifier = slot
    said = Counter(f.label for _, f in members if f.label)
    name = min(said, key=lambda label: (-said[label], label)) if said else attribute[0].upper() + attribute[1:]
    return name + (f" ({qualifier})" if qualifier else "")


def _slot_facts(slot, period: Period | None, members: _Claims, total: int, least: int,
                common: frozenset[str]) -> list[Fact]:
    if all(f.loose for _, f in members):
        return []
    entries, several = _entries(members)
    groups = [g for g in _groups(entries, common) if not all(f.loose for _, items in g for _, f in items)]
    if several and len(groups) > 1:  # "100 million more doses" and "200 million doses" in all: each may be a fact
        return [f for g in groups for f in _slot_facts(slot, period, [i for _, items in g for i in items],
                                                       total, least, common)]
    lead = groups[0][0][1][0][1] if groups else None
    if len(groups) > 1 and (period is None and lead.periodic or not lead.disputable):
        if len(groups[0]) == len(groups[1]):
            return []
        groups = groups[:1]  # no period stated anywhere: another value may be another period
    origins = tuple(sorted(source for group in groups for source, _ in group))
    if len(origins) < least:
        return []
    stated = sum(1 for g in groups for _, items in g if any(f.period == period for _, f in items))
    text = _label(slot, members) + (f", {period.label}" if period is not None and stated >= least else "")
    values = tuple(v for i, group in enumerate(groups) for v in _values(group, period, i > 0))
    evidence = tuple(e for v in values for e in v.evidence)
    if len(groups) == 1:
        if lead.kind == "duration":  # "for 30 days" alone says not what lasted: the statement saying it is the line
            return []
        return [Fact("consensus", f"{text}: {values[0].value}", origins, total, values, evidence)]
    if _verbs_differ(members):  # "seven candidates mounting efforts", "four candidates locked in a race": two facts
        return _per_verb(slot, period, members, total, least, common)
    if slot[1].endswith(("growth", "decline")) and not slot[2] and not slot[1][:1].isupper():
        return []  # a change with no stated base (year-over-year...) cannot be said to differ
    change = changes.change(text, groups, origins, total)
    if change is not None:
        return [change]
    if _lone_outliers(groups):  # 43 in four sources, 40 in one: the one is likelier a slip than a dispute
        return _slot_facts(slot, period, [i for _, items in groups[0] for i in items], total, least, common)
    unsure = lead.periodic and any(not any(f.period_known for _, items in g for _, f in items) for g in groups)
    return [Fact("disputed", text, origins, total, values, evidence, MAY_DIFFER if unsure else "")]


def _lone_outliers(groups: list[list[tuple[str, _Claims]]]) -> bool:
    """Every other value is one source's, against at least four agreeing sources and four times as
    many as differ: the box shows the agreed value, not a dispute with a lone outlier (Emergent:
    "43 students" in four reports, "40" in one). Three against one stays a dispute (the seeds'
    revenue: three say $11.08 billion, one $11.5 billion, and the gold calls it one)."""
    others = sum(len(g) for g in groups[1:])
    return len(groups[0]) >= 4 and all(len(g) == 1 for g in groups[1:]) and len(groups[0]) >= 4 * others


def _verbs_differ(members: _Claims) -> bool:
    """A count of things is slotted by its noun; sources that differ only with different verbs
    ("Doses discarded", "Doses ordered") say different things, not a dispute."""
    labels = {f.label for _, f in members if f.kind == "count" and f.label and " " in f.label}
    return len(labels) > 1


def _per_verb(slot, period: Period | None, members: _Claims, total: int, least: int,
              common: frozenset[str]) -> list[Fact]:
    """Each verb's figures as a fact of its own ("Jobs lost: 140,000" by two sources beside one
    source's "Jobs cut: 372,000" by restaurants); loose counts may support any of them."""
    loose = [(said, f) for said, f in members if f.loose]
    by_label: dict[str, _Claims] = defaultdict(list)
    for said, figure in members:
        if not figure.loose:
            by_label[figure.label].append((said, figure))
    return [fact for label in sorted(by_label)
            for fact in _slot_facts(slot, period, by_label[label] + loose, total, least, common)]


def _values(group: list[tuple[str, _Claims]], period: Period | None, disputing: bool) -> list[FactValue]:
    """One value per way of stating the group's figure: exact ones first, then rounded or hedged."""
    lead = group[0][1][0][1]
    ways: dict[tuple[str, str], list[tuple[str, _Claims]]] = defaultdict(list)
    for source, items in group:
        best = items[0][1]
        note = _note(best, lead, period, disputing)
        ways[(note, lead.shown if not note else best.shown)].append((source, items))
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


# --- selection -------------------------------------------------------------------------------

def _select(facts: list[Fact], limit: int | None) -> tuple[Fact, ...]:
    """Disputes and changes, then variants, then consensus by count (figures before statements)."""
    def priority(fact: Fact):
        rank = {"disputed": 0, "changed": 0, "variant": 1}.get(fact.status, 2)
        return (rank, -fact.count, bool(not fact.values), fact.text)

    chosen = sorted(facts, key=priority)[:limit]
    return tuple(sorted(chosen, key=lambda f: (_STATUS_ORDER[f.status], -f.count, f.text)))
