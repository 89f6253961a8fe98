"""Articles -> Stories of Origins: copies collapse into one origin, articles on one event into one story.

Two different things look alike. A *copy* (wire syndication, a new headline, a footer added, a
paragraph dropped) is one origin and counts once: ``digest/stories/copies.py`` finds the pairs. A
*different article about the same event* is an independent origin in the same story. Nothing is
discarded: every article stays in its story, and every merge keeps its evidence (``Merge``: the
pair, the rule, the score and the figures behind it) for ``digest dedup --json`` and the notes.

Stories. TF-IDF over each origin's representative: its title and the first ``story_lead_words``
words of its text (0: all of it; the five seeds score 0.20-0.39 pairwise on all of it, 0.12-0.25
on 60 words), stop words and numbers out. Idf is taken over the run's articles, but as if there
were at least 50 (``_IDF_MIN_DOCUMENTS``): in a small run where every article is on one story,
plain idf zeroes exactly the words they share (the seeds score 0.13-0.29 with plain idf). Two
origins published within ``story_days`` of each other (undated: this week) with cosine >=
``story_similarity`` (0.18) are *linked*; linked groups are then joined average-link: the two
groups with the highest average cosine over all pairs across them, while that average is >=
``story_cohesion`` (0.2). Plain single-link (join whatever is linked) chains stories through
articles that touch two of them, and on real data that makes one giant story
(``benchmarks/dedup_stories.py``, no dates in these sets):

    set (gold)                      single-link                      average-link, 0.2
    Emergent, 2,595 headlines       ARI 0.000, largest 2,572         ARI 0.692, F1 0.694, largest 51
      (300 claims, largest 50)
    NeuS, 921 leads (307 triples)   ARI 0.022, largest 346           ARI 0.692, F1 0.692, largest 10
    BBC, 2,225 articles (5 topics)  largest 398, 28% cross-topic     largest 20, 0.8% cross-topic

Cohesion 0.15 scores Emergent higher (0.709) but NeuS lower (0.608); 0.25 splits the seeds,
whose average pairwise cosine is 0.27 and lowest 0.20.

At 10,000 articles (``benchmarks/run.py``) every pair of origins is still compared, exactly:
``_candidates`` computes all cosines in single precision (words in more than 5% of the origins
as a dense BLAS product, the rest as a sparse one) and keeps the pairs within 0.002 of
``story_similarity``; ``_cosines`` computes those pairs again as the sparse product adds them,
so links and scores are bit for bit those of ``matrix @ matrix.T``. Only that all-pairs product
uses scipy.sparse (imported there: ~0.25 s); the rows are plain numpy (``rows.py``), and a re-run,
which compares a few new rows with all, does without scipy. TF-IDF is built with numpy
(norms summed in the words' order, as Python's ``sum``), and average-link keeps each group's
sum as a sparse vector. This all-pairs step stays quadratic: on the benchmark's corpus, whose
vocabulary does not grow with the week (real BBC sentences reused), nearly every pair shares
common words, and no exact bound prunes them. Average-link is lazy: after a join, a neighbour's
new average is queued as an upper bound and computed only if it reaches the top of the queue
(the joins and averages are those of computing all at once; most bounds never reach 0.2).

A re-run of a week does not start again from nothing: ``stories/again.py`` keeps the copy
verdicts (``recopy``: the same origins as a full run) and the week's idf, vectors, links and
groups (``regroup``): idf stays frozen, only the new rows are weighed and compared with all, and
average-link goes on from the last run's groups. That is not ``group`` from scratch (see
``regroup`` for what it equals and what it costs in quality); once the rows new or gone reach
``regroup.REFRESH`` of the week, a run computes everything again (the pipeline uses ``again``
whenever there is a store).

Order independence: articles and origins are sorted by id first, joins are taken in order of
(average, origin positions), every output is sorted by a total key, and ids are hashes of member
ids, so any input order gives the same stories, origins and ids. Recognising an article or story
already featured in an earlier week is the store's job, not this module's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set
from dataclasses import replace
from datetime import timedelta
from itertools import chain

import numpy as np

from digest.config import DedupSettings
from digest.stories.average import average_link
from digest.stories.copies import find_copies
from digest.stories.features import Features, content_words, features_of
from digest.stories.rows import Rows, dots, products_above, sequential_sums, unordered_pairs
from digest.models import Article, Merge, Origin, Story, stable_id

_IDF_MIN_DOCUMENTS = 50
_BLOCK_ROWS = 512  # rows of the similarity product computed at once: bounds memory on 10,000 articles
_DENSE_SHARE = 0.05  # words in more than this share of the rows: a dense product (see ``_candidates``)
_MARGIN = 2e-3  # far above single precision's error on a cosine of unit rows (<= 1e-4 over 10,000 words)
_PAIRS_AT_ONCE = 20_000


def group(articles: Sequence[Article], settings: DedupSettings,
          features: Mapping[str, Features] | None = None) -> tuple[Story, ...]:
    """Group articles into stories of origins; deterministic whatever the input order. ``features``
    (by article id: ``features.features_of``, perhaps kept from an earlier run) are computed when not given."""
    features = features if features is not None else features_of(articles, settings)[0]
    origins, copies = find_origins(articles, settings, features)
    related = _related(origins, settings, features)
    return _stories(origins, copies, related)


def find_origins(articles: Sequence[Article], settings: DedupSettings,
                 features: Mapping[str, Features] | None = None) -> tuple[list[Origin], list[Merge]]:
    """Origins sorted by id, and the copy merges that made them (one per article joined)."""
    articles = sorted({a.id: a for a in articles}.values(), key=lambda a: a.id)
    copies = _spanning(find_copies(articles, settings, features), [a.id for a in articles])
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
        members = sorted((by_id[i] for i in ids), key=_lead_key) if len(ids) > 1 else [by_id[ids[0]]]
        origins.append(Origin(stable_id("origin", *sorted(ids)), tuple(members)))
    return sorted(origins, key=lambda o: o.id)


def _lead_key(article: Article):
    """The representative copy: the one with a real title, then the longest text, then by id."""
    return ("title" in article.inferred, -len(article.text), article.id)


def _related(origins: list[Origin], settings: DedupSettings, features: Mapping[str, Features]) -> list[Merge]:
    """The story merges between origins: average-link over the links, each with its strongest pair."""
    leads = [features[o.lead.id] for o in origins]
    matrix = weigh([f.terms for f in leads], [f.counts for f in leads])
    return joined(matrix, origins, list(_links(matrix, origins, settings)), settings)


def joined(matrix: Rows, origins: list[Origin], links: list[tuple[float, int, int]],
           settings: DedupSettings) -> list[Merge]:
    """The story merges of average-link over ``links`` ((cosine, i, j) between rows of ``matrix``)."""
    return [story_merge(origins, *join) for join in
            average_link(matrix, links, settings.story_cohesion, unlinked(origins, settings))]


def unlinked(origins: list[Origin], settings: DedupSettings) -> float:
    """The highest cosine a pair that is not a link can have: ``story_similarity`` when every lead
    was published within ``story_days`` of the others (no pair is kept apart by its dates), else 1."""
    dates = [o.lead.published for o in origins if o.lead.published is not None]
    close = not dates or max(dates) - min(dates) <= timedelta(days=settings.story_days)
    return settings.story_similarity if close else 1.0


def story_merge(origins: list[Origin], link: tuple[float, int, int], average: float, sizes: tuple[int, int]) -> Merge:
    """The Merge of one average-link join: its strongest link between two origins' leads."""
    score, a, b = link
    return Merge(origins[a].lead.id, origins[b].lead.id, "same event: text similarity", round(score, 3),
                 f"cosine {score:.3f}; average {average:.3f} over the {sizes[0]}x{sizes[1]} origins joined")


def _links(matrix: Rows, origins: list[Origin], settings: DedupSettings):
    """(cosine, i, j) for i < j above ``story_similarity`` and close in time.

    Every pair is compared, but not one by one: ``_candidates`` finds the pairs within
    ``_MARGIN`` of the threshold in single precision, and their cosines are then computed again
    exactly as a sparse product computes them (``_cosines``), so the links and their scores are
    those of the exact all-pairs product. All pairs need a sparse matrix product (SpGEMM): scipy's,
    imported here (its import costs ~0.25 s; a re-run of a small week, which compares a few new
    rows with all, does without it: ``rows.py``, ``sparse_pays``). On 10,000 articles plain numpy took 10.6 s for the candidates
    and 2.6 s for their cosines, scipy 7.0 s and 0.7 s.
    """
    first, second = _candidates(matrix, settings.story_similarity - _MARGIN)
    yield from dated(*above(matrix, first, second, settings.story_similarity, _sparse_cosines), origins,
                     settings.story_days)


def _sparse(matrix: Rows):
    """``matrix`` as scipy's CSR matrix (the same arrays)."""
    from scipy import sparse  # the all-pairs computation only: ~0.25 s to import

    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape)


def above(matrix: Rows, first: np.ndarray, second: np.ndarray, similarity: float,
          cosines=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, second, cosines) of the candidate pairs whose exact cosine (``_cosines``, or ``cosines``:
    the same floats) is >= ``similarity``."""
    scores = (cosines or _cosines)(matrix, first, second)
    keep = scores >= similarity
    return first[keep], second[keep], scores[keep]


def dated(first: np.ndarray, second: np.ndarray, scores: np.ndarray, origins: list[Origin], days: int):
    """(cosine, i, j) of the pairs whose leads were published within ``days`` of each other."""
    for i, j, score in zip(first.tolist(), second.tolist(), scores.tolist()):
        if _close(origins[i].lead, origins[j].lead, days):
            yield score, i, j


def _candidates(matrix: Rows, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j whose cosine in single precision is >= ``floor``, a block of rows at a time, by
    scipy (``fresh_candidates`` compares a few rows with all, in numpy).

    Words in more than ``_DENSE_SHARE`` of the rows are shared by most pairs: their part of every
    cosine is a dense matrix product; the other words' part is a sparse product, added to it.
    """
    share = np.bincount(matrix.indices, minlength=matrix.shape[1]) > _DENSE_SHARE * matrix.shape[0]
    matrix = _sparse(matrix)
    dense = matrix[:, np.flatnonzero(share)].toarray().astype(np.float32)
    rare = matrix[:, np.flatnonzero(~share)].astype(np.float32).tocsr()
    first, second = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, matrix.shape[0], _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, matrix.shape[0])
        block = dense[start:stop] @ dense[start:].T  # columns from ``start``: only pairs i < j matter
        block += (rare[start:stop] @ rare[start:].T).toarray()
        rows, cols = np.nonzero(block >= floor)
        keep = cols > rows
        first.append(rows[keep] + start)
        second.append(cols[keep] + start)
    return np.concatenate(first).astype(np.int64), np.concatenate(second).astype(np.int64)


def sparse_pays(matrix: Rows) -> bool:
    """Whether scipy's sparse products are worth their import (~0.25 s) for a re-run's products with
    ``matrix``: numpy's (``rows.py``) cost ~0.04 s more than scipy's at 1,000 articles (261,000
    values) and ~0.7 s more at 10,000 (2.6 million); from ``_SPARSE_FROM`` values on, scipy."""
    return len(matrix.data) >= _SPARSE_FROM


_SPARSE_FROM = 1_000_000


def fresh_candidates(matrix: Rows, rows: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """``_candidates`` of ``rows`` with every other row: pairs (i, j), i < j, one of them in ``rows``,
    sorted; in plain numpy (``rows.products_above``), or by scipy when ``sparse_pays``."""
    if not sparse_pays(matrix):
        return products_above(matrix, rows, floor, _DENSE_SHARE, _BLOCK_ROWS)
    product = _sparse(matrix)
    found = (product[rows] @ product.T).tocoo()
    hit = found.data >= floor
    return unordered_pairs(rows[found.row[hit]].astype(np.int64), found.col[hit].astype(np.int64), matrix.shape[0])


def fresh_cosines(matrix: Rows, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``_cosines``, by scipy when ``sparse_pays`` (the same floats)."""
    return (_sparse_cosines if sparse_pays(matrix) else _cosines)(matrix, first, second)


def _cosines(matrix: Rows, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The cosine of each pair (rows ``first[k]``, ``second[k]``), bit for bit as the sparse product
    ``matrix @ matrix.T`` gives it: the products of their shared words added one after the other, in
    the words' order (``rows.dots``)."""
    return dots(matrix, first, second)


def _sparse_cosines(matrix: Rows, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``_cosines`` by scipy, faster for the many pairs of all-pairs (the same floats: ``tests/test_dedup_scale.py``)."""
    matrix, scores = _sparse(matrix), np.zeros(len(first))
    for start in range(0, len(first), _PAIRS_AT_ONCE):
        part = slice(start, start + _PAIRS_AT_ONCE)
        products = matrix[first[part]].multiply(matrix[second[part]]).tocsr()
        products.sort_indices()
        scores[part] = sequential_sums(products.data, np.diff(products.indptr))
    return scores


def _close(a: Article, b: Article, days: int) -> bool:
    if a.published is None or b.published is None:
        return True
    return abs(a.published - b.published) <= timedelta(days=days)


def tfidf(texts: Sequence[str]) -> Rows:
    """Rows of unit-length TF-IDF vectors (sublinear tf, smoothed idf with a floor of 50 documents)."""
    counted = [content_words(text) for text in texts]
    return weigh([tuple(c) for c in counted], [np.fromiter(c.values(), dtype=np.int64, count=len(c)) for c in counted])


def weigh(terms: Sequence[Sequence[str]], counts: Sequence[np.ndarray]) -> Rows:
    """``tfidf`` of texts already counted (``features.content_words``: each text's words, once each, and
    their counts). A row's norm is summed in its words' order, one after the other."""
    return weight_parts(terms, counts)[0]


def weight_parts(terms: Sequence[Sequence[str]], counts: Sequence[np.ndarray]):
    """``weigh``, with the matrix's columns (its words, sorted), their idf, and its counts and row norms
    (``weighed_parts``)."""
    words = sorted(dict.fromkeys(chain.from_iterable(terms)))
    position = {w: i for i, w in enumerate(words)}
    cols = np.fromiter(map(position.__getitem__, chain.from_iterable(terms)), dtype=np.int64)
    idf = idf_of(np.bincount(cols, minlength=len(words)), len(terms))
    matrix, tally, norms = weighed_parts(terms, counts, cols, idf, max(len(words), 1))
    return matrix, words, idf, tally, norms


def idf_of(frequency: np.ndarray, documents: int) -> np.ndarray:
    """Smoothed idf of words found in ``frequency`` of ``documents`` (as if there were at least 50)."""
    total = max(documents, _IDF_MIN_DOCUMENTS)
    return np.array([math.log((1 + total) / (1 + n)) + 1 for n in frequency.tolist()])


def weighed_parts(terms: Sequence[Sequence[str]], counts: Sequence[np.ndarray], cols: np.ndarray, idf: np.ndarray,
                  width: int) -> tuple[Rows, np.ndarray, np.ndarray]:
    """Unit rows of sublinear tf times ``idf[cols]`` (``cols``: each term's column, row after row), with
    each value's count and each row's norm: ``rebuilt`` makes the same matrix of them."""
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    tally = np.concatenate(counts).astype(np.int64) if len(terms) else np.zeros(0, dtype=np.int64)
    weights = _tf(tally)[tally] * idf[cols]
    norms = _norms(weights, lengths)
    order = np.argsort(np.repeat(np.arange(len(terms)), lengths) * width + cols)  # by row, then column: each once
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    return rebuilt(tally[order], cols[order], indptr, norms, idf, width), tally[order], norms


def rebuilt(tally: np.ndarray, cols: np.ndarray, indptr: np.ndarray, norms: np.ndarray, idf: np.ndarray,
            width: int) -> Rows:
    """The unit rows of ``weighed_parts`` from its counts, columns and norms (the same values, bit for bit)."""
    values = _tf(tally)[tally]
    values *= idf[cols]  # in place: the same floats as ``tf * idf / norm``, without two more arrays of every value
    values /= np.repeat(norms, np.diff(indptr))
    return Rows(values, cols, indptr, width)


def _tf(tally: np.ndarray) -> np.ndarray:
    """Sublinear tf of every count up to the largest: 1 + ln(n), as Python's ``math.log`` gives it."""
    return np.array([0.0] + [1 + math.log(n) for n in range(1, int(tally.max(initial=0)) + 1)])


def _norms(weights: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each row's Euclidean norm (1 for an empty row), as ``math.sqrt(sum(v * v for v in row))``."""
    squares = sequential_sums(weights ** 2, lengths)
    return np.where(squares > 0, np.sqrt(squares), 1.0)


def _stories(origins: list[Origin], copies: list[Merge], related: list[Merge]) -> tuple[Story, ...]:
    origin_of = {a.id: o.id for o in origins for a in o.articles}
    joined = _UnionFind([o.id for o in origins])
    for merge in related:
        joined.union(origin_of[merge.left], origin_of[merge.right])
    by_id = {o.id: o for o in origins}
    explained: dict[str, list[Merge]] = {}  # by the root of the story's origins
    for merge in copies + related:
        explained.setdefault(joined.find(origin_of[merge.left]), []).append(merge)
    stories = []
    for ids in joined.groups():
        members = tuple(sorted((by_id[i] for i in ids), key=lambda o: o.id))
        merges = tuple(sorted(explained.get(joined.find(ids[0]), []),
                              key=lambda m: (not m.rule.startswith("copy:"), m.left, m.right)))
        stories.append(Story(*_named(members), members, merges))
    return tuple(sorted(stories, key=lambda s: (-len(s.origins), s.id)))


def _named(origins: Sequence[Origin]) -> tuple[str, str]:
    """A story's id (a hash of its origins' ids) and title (its representative lead's)."""
    lead = min((o.lead for o in origins), key=_lead_key) if len(origins) > 1 else origins[0].lead
    return stable_id("story", *sorted(o.id for o in origins)), lead.title


def without(stories: Sequence[Story], gone: Set[str]) -> tuple[tuple[Story, ...], dict[str, str]]:
    """``stories`` without the origins that hold an article of ``gone`` (an excluded article goes
    with its copies: a syndicated reprint is the same report), and each article left out -> the id
    of the ``gone`` article it went with (its own when it is one). A story keeps its other origins, with the merges between
    what is left, and takes the id and title those origins give it (as ``group`` would); a story
    with no origin left is dropped."""
    kept, left_out = [], {}
    for story in stories:
        origins = []
        for origin in story.origins:
            hit = sorted(gone & {a.id for a in origin.articles})
            if hit:
                left_out.update({a.id: a.id if a.id in gone else hit[0] for a in origin.articles})
            else:
                origins.append(origin)
        if len(origins) == len(story.origins):
            kept.append(story)
        elif origins:
            story_id, title = _named(origins)
            kept.append(replace(story.keeping(tuple(origins)), id=story_id, title=title))
    return tuple(kept), left_out


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
