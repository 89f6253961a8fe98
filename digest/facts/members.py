"""The sentences a statement line is made of: the pool it draws from, its seed, its members and joiners.

``statements.statement_facts`` links the pool's sentences that ``StatementMatcher.same`` pairs; a line's seed
is the sentence with most linked sources (never a fragment), its members the seed and each other source's best
match, and its joiners the sources a second, looser stage adds (``statements``' docstring records each rule
and what it was measured to do).
"""

from __future__ import annotations

import math

from digest.facts import fragments
from digest.facts.said import Said


def pool_of(said: list[Said]) -> tuple[list[Said], list[str | None], list[str | None]]:
    """Prose statements (no questions, no lead-ins ending in ':'), the sentence before each, and
    the (up to) three sentences before each, where a speaker named earlier is found."""
    pool, previous, before, recent = [], [], [], []
    for s in said:
        recent = [r for r in recent if r.article_id == s.article_id][-3:]
        if s.kind in ("paragraph", "bullet") and not fragments.asks(s.text) and not s.text.rstrip().endswith(":"):
            pool.append(s)
            previous.append(recent[-1].text if recent else None)
            before.append(" ".join(r.text for r in recent) or None)
        recent.append(s)
    return pool, previous, before


def best_seed(pool: list[Said], links: dict[int, list[int]], used: set[int], matcher,
               unfit: frozenset[int] | set[int] = frozenset()) -> int | None:
    """The sentence with most free linked sources; never a fragment (``unfit``), which may still support."""
    def key(i: int):
        free = [j for j in links[i] if j not in used]
        support = math.fsum(matcher.score(i, j) for j in free)
        return -len({pool[j].source for j in free}), -support, len(pool[i].text), pool[i].text

    free = [i for i in range(len(pool)) if i not in used and i not in unfit]
    return min(free, key=key) if free else None


def members_of(pool: list[Said], seed: int, linked: list[int], matcher) -> list[int]:
    """The seed and, from every other source, its best-matching sentence."""
    best: dict[str, int] = {}
    for j in sorted(linked, key=lambda j: (-matcher.score(seed, j), pool[j].text)):
        best.setdefault(pool[j].source, j)
    return [seed, *best.values()]


def joiners(pool: list[Said], members: list[int], matcher) -> list[int]:
    """Stage two: from each source the fact lacks, its best sentence holding one of the fact's keys
    and ``min_rare`` of its core words (``StatementMatcher.keys``) or close in meaning (``close``), if it
    reaches ``join_threshold``."""
    counted = {pool[m].source for m in members}
    keys, core = matcher.keys(members)
    best: dict[str, tuple[float, int]] = {}
    for j, said in enumerate(pool):
        if (said.source not in counted and (matcher.anchors[j] | matcher.pairs[j]) & keys
                and (len(matcher.plain[j] & core) >= matcher.min_rare or matcher.close(members, j))):
            score = max(matcher.score(m, j) for m in members)
            if score >= matcher.join_threshold and score > best.get(said.source, (0.0, 0))[0]:
                best[said.source] = (score, j)
    return [j for _, (_, j) in sorted(best.items())]
