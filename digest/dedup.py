"""Articles -> Stories of Origins: copies collapse into one origin, articles on one event into one story.

Two different things look alike. A *copy* (wire syndication, a new headline, a footer added, a
paragraph dropped) is one origin and counts once: ``digest/copies.py`` finds the pairs. A
*different article about the same event* is an independent origin in the same story. Nothing is
discarded: every article stays in its story, and every merge keeps its evidence (``Merge``: the
pair, the rule, the score and the figures behind it) for ``digest dedup --json`` and the notes.

Stories. TF-IDF over each origin's representative: its title and the first ``story_lead_words``
words of its text (0: all of it), stop words and numbers out. Idf is taken over the run's
articles, but as if there were at least 50 (``_IDF_MIN_DOCUMENTS``): in a small run where every
article is on one story, plain idf zeroes exactly the words they share (the five seeds score
0.13-0.29 pairwise with plain idf, 0.20-0.37 with the floor). Two origins published within
``story_days`` of each other (undated: this week) and with cosine >= ``story_similarity`` are
linked. Links are taken strongest first; a link joins two groups only if the *average* cosine
over all pairs across them is >= ``story_cohesion`` (computed exactly from the groups' summed
vectors), so one article touching two stories cannot chain them into one giant story, as plain
single-link does. FIGURES-TODO.

Order independence: links are sorted by (score, ids) before they are taken, every output is
sorted by a total key, and ids are hashes of member ids, so any input order gives the same
stories, origins and ids.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from scipy import sparse
from sumy.utils import get_stop_words

from digest.config import DedupSettings
from digest.copies import find_copies
from digest.models import Article, Merge, Origin, Story, stable_id

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(get_stop_words("english"))
_IDF_MIN_DOCUMENTS = 50
_BLOCK_ROWS = 512  # rows of the similarity product computed at once: bounds memory on 10,000 articles


def group(articles: Sequence[Article], settings: DedupSettings) -> tuple[Story, ...]:
    """Group articles into stories of origins; deterministic whatever the input order."""
    origins, copies = find_origins(articles, settings)
    related = _related(origins, settings)
    return _stories(origins, copies, related)


def find_origins(articles: Sequence[Article], settings: DedupSettings) -> tuple[list[Origin], list[Merge]]:
    """Origins sorted by id, and the copy merges that made them (one per article joined)."""
    articles = sorted({a.id: a for a in articles}.values(), key=lambda a: a.id)
    copies = _spanning(find_copies(articles, settings), [a.id for a in articles])
    return _origins(articles, copies), copies


def _spanning(merges: list[Merge], nodes: list[str]) -> list[Merge]:
    """The merges that join groups, most certain first: one explanation per article joined."""
    joined = _UnionFind(nodes)
    order = sorted(merges, key=lambda m: (_RULE_ORDER.get(m.rule, 9), -m.score, m.left, m.right))
    return [m for m in order if joined.union(m.left, m.right) is not None]


_RULE_ORDER = {"copy: same canonical URL": 0, "copy: shingle resemblance": 1, "copy: shingle containment": 2,
               "copy: same outlet republished": 3, "copy: same wire dateline": 4}


def _origins(articles: Sequence[Article], copies: list[Merge]) -> list[Origin]:
    joined = _UnionFind([a.id for a in articles])
    for merge in copies:
        joined.union(merge.left, merge.right)
    by_id = {a.id: a for a in articles}
    origins = []
    for ids in joined.groups():
        members = sorted((by_id[i] for i in ids), key=_lead_key)
        origins.append(Origin(stable_id("origin", *sorted(ids)), tuple(members)))
    return sorted(origins, key=lambda o: o.id)


def _lead_key(article: Article):
    """The representative copy: the one with a real title, then the longest text, then by id."""
    return ("title" in article.inferred, -len(article.text), article.id)


def _related(origins: list[Origin], settings: DedupSettings) -> list[Merge]:
    """Story links between origins, strongest first, each kept only if it passes the cohesion check."""
    matrix = tfidf([_story_text(o.lead, settings.story_lead_words) for o in origins])
    links = sorted(_links(matrix, origins, settings), key=lambda t: (-t[0], origins[t[1]].id, origins[t[2]].id))
    groups = _UnionFind(range(len(origins)))
    sums = {i: matrix.getrow(i) for i in range(len(origins))}
    merges = []
    for score, a, b in links:
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        size_a, size_b = groups.size(ra), groups.size(rb)
        average = float(sums[ra].multiply(sums[rb]).sum()) / (size_a * size_b)
        if average < settings.story_cohesion:
            continue
        root = groups.union(a, b)
        sums[root] = sums.pop(ra) + sums.pop(rb)
        merges.append(Merge(origins[a].lead.id, origins[b].lead.id, "same event: text similarity", round(score, 3),
                            f"cosine {score:.3f}; average {average:.3f} over the {size_a}x{size_b} origins joined"))
    return merges


def _story_text(article: Article, lead_words: int) -> str:
    text = article.text if not lead_words else " ".join(article.text.split()[:lead_words])
    return f"{article.title}\n{text}"


def _links(matrix, origins: list[Origin], settings: DedupSettings):
    """(cosine, i, j) for i < j above ``story_similarity`` and close in time, a block of rows at a time."""
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], _BLOCK_ROWS):
        block = (matrix[start:start + _BLOCK_ROWS] @ transposed).tocoo()
        for i, j, score in zip(block.row + start, block.col, block.data):
            if i < j and score >= settings.story_similarity and _close(origins[i].lead, origins[j].lead, settings.story_days):
                yield float(score), int(i), int(j)


def _close(a: Article, b: Article, days: int) -> bool:
    if a.published is None or b.published is None:
        return True
    return abs(a.published - b.published) <= timedelta(days=days)


def tfidf(texts: Sequence[str]) -> sparse.csr_matrix:
    """Rows of unit-length TF-IDF vectors (sublinear tf, smoothed idf with a floor of 50 documents)."""
    counts = [Counter(w for w in (t.lower() for t in _WORD.findall(text))
                      if w not in _STOP and not w.isdigit() and len(w) > 2) for text in texts]
    vocabulary = {w: i for i, w in enumerate(sorted({w for count in counts for w in count}))}
    frequency = Counter(w for count in counts for w in count)
    total = max(len(texts), _IDF_MIN_DOCUMENTS)
    idf = {w: math.log((1 + total) / (1 + n)) + 1 for w, n in frequency.items()}
    rows, cols, values = [], [], []
    for row, count in enumerate(counts):
        weights = {w: (1 + math.log(n)) * idf[w] for w, n in count.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        for word, weight in sorted(weights.items()):
            rows.append(row)
            cols.append(vocabulary[word])
            values.append(weight / norm)
    shape = (len(texts), max(len(vocabulary), 1))
    return sparse.csr_matrix((np.array(values), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))), shape=shape)


def _stories(origins: list[Origin], copies: list[Merge], related: list[Merge]) -> tuple[Story, ...]:
    origin_of = {a.id: o.id for o in origins for a in o.articles}
    joined = _UnionFind([o.id for o in origins])
    for merge in related:
        joined.union(origin_of[merge.left], origin_of[merge.right])
    by_id = {o.id: o for o in origins}
    stories = []
    for ids in joined.groups():
        members = tuple(sorted((by_id[i] for i in ids), key=lambda o: o.id))
        article_ids = {a.id for o in members for a in o.articles}
        merges = tuple(sorted((m for m in copies + related if m.left in article_ids),
                              key=lambda m: (not m.rule.startswith("copy:"), m.left, m.right)))
        lead = min((o.lead for o in members), key=_lead_key)
        stories.append(Story(stable_id("story", *sorted(ids)), lead.title, members, merges))
    return tuple(sorted(stories, key=lambda s: (-len(s.origins), s.id)))


class _UnionFind:
    """Disjoint sets; the root of a union is the smaller root, so results never depend on order."""

    def __init__(self, nodes):
        self._parent = {n: n for n in nodes}
        self._size = dict.fromkeys(self._parent, 1)

    def find(self, node):
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]
            node = self._parent[node]
        return node

    def size(self, root) -> int:
        return self._size[root]

    def union(self, a, b):
        """Join the sets of ``a`` and ``b``; return the new root, or None if they were one set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        root, child = min(ra, rb), max(ra, rb)
        self._parent[child] = root
        self._size[root] += self._size.pop(child)
        return root

    def groups(self) -> list[list]:
        found: dict = {}
        for node in self._parent:
            found.setdefault(self.find(node), []).append(node)
        return [sorted(g) for g in found.values()]
