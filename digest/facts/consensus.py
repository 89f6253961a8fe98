"""Stories -> the consensus box: what k of N independent sources state, and where they differ.

Counting: a *source* is an origin, and origins whose lead article names the same outlet are one
source; copies inside an origin count once. Sentences are read once per source (a verbatim copy
adds nothing), and ``Fact.total`` is the number of sources. With fewer than
``settings.min_origins`` sources there is no box.

Figures are made lines by slot and period in ``digest.facts.slots`` (its docstring states
the rules).

Name variants (``digest.names``) and statements (``digest.statements``) are found, and their
thresholds explained, in their own modules.

At most ``settings.max_facts`` lines in the box (``every``: all of them, for ``digest facts``),
chosen disputes and changes first, then variants, then consensus by count (figures before
statements), and shown in that order: disputes and changes, consensus (count desc), variants;
ties by text. A dispute whose sources were published in order is a change (``changes``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from digest.facts import agreed, claims, names, statements
from digest.facts.claims import Figure
from digest.text.sentences import split
from digest.config import ConsensusSettings
from digest.models import Fact, Story
from digest.facts.said import Said
from digest.facts.slots import numeric_facts

_STATUS_ORDER = {"disputed": 0, "changed": 0, "consensus": 1, "variant": 2}


def find_facts(story: Story, settings: ConsensusSettings,
               published: Mapping[str, datetime | None] | None = None, every: bool = False,
               encoder=None) -> tuple[Fact, ...]:
    """The consensus box for one story; ``published`` (article id -> date) overrides article dates.
    ``every``: every line found (``digest facts``), not only the box's ``settings.max_facts``.
    ``encoder``: the paraphrase model (``paraphrase.load``), or None to pair statements by words alone.

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
    amounts = agreed.unnamed_amounts(said, figures)
    unnamed = [(one, replace(figure, attribute="*")) for one, figure in amounts
               if figure.kind.startswith("money")]  # an amount may support a money slot; a span or people count none
    facts = numeric_facts(figures + unnamed, total, settings.min_origins, common) + variants
    facts += _new_statements(statements.statement_facts(said, total, settings.min_origins, canon, encoder), facts)
    facts += agreed.agreed_counts(figures, total, settings.min_origins, facts, amounts)
    return _select(facts, None if every else settings.max_facts)


def _new_statements(found: list[Fact], figures: list[Fact]) -> list[Fact]:
    """Statement lines that do not restate a figure line's number ("...added 266,000 jobs" beside
    "Jobs added: 266,000 jobs"): one fact, one line."""
    numbers = {n for f in figures for v in f.values for n in _NUMBER.findall(v.value)}
    kept = [f for f in found if not numbers & set(_NUMBER.findall(f.text))]
    counted = [_counted(f.evidence) for f in kept]  # once a line, not once a pair of lines
    return [f for f, a in zip(kept, counted) if not any(_contradict(a, b) for other, b in zip(kept, counted)
                                                       if other is not f)]


def _counted(evidence: tuple) -> dict[str, set[str]]:
    """Unit -> the numbers of it the evidence's sentences give ("24 years": years -> {"24"})."""
    found: dict[str, set[str]] = defaultdict(set)
    for number, unit in (pair for e in evidence for pair in _COUNTED.findall(e.sentence)):
        found[unit.lower()].add(number)
    return found


def _contradict(a: dict[str, set[str]], b: dict[str, set[str]]) -> bool:
    """Statement lines giving different numbers of one unit
    ("skipped work for 24 years", "absent for 25 years") are no agreement: sources differ, so
    none is shown as consensus."""
    return any(a[unit] and b[unit] and not a[unit] & b[unit] for unit in set(a) & set(b))


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


# --- selection -------------------------------------------------------------------------------

def _select(facts: list[Fact], limit: int | None) -> tuple[Fact, ...]:
    """Disputes and changes, then variants, then consensus by count (figures before statements)."""
    def priority(fact: Fact):
        rank = {"disputed": 0, "changed": 0, "variant": 1}.get(fact.status, 2)
        return (rank, -fact.count, bool(not fact.values), fact.text)

    chosen = sorted(facts, key=priority)[:limit]
    return tuple(sorted(chosen, key=lambda f: (_STATUS_ORDER[f.status], -f.count, f.text)))
