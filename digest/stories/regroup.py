"""Stories found again on a re-run of a week: the last run's idf, links and groups kept, only what changed worked.

A full computation (``dedup._related``) weighs every origin's lead with the week's idf, compares
all pairs and runs average-link from single origins. A re-run with a few new articles changes
idf a little for every word, so every cosine moves a little: nothing of it could be reused
exactly. So a re-run does not recompute idf: it keeps the *week* (``Week``) that the full
computation left, and the next runs extend it:

- **idf frozen**: each word's idf is the one the full computation gave it; a word it did not have
  gets one when a run first sees it (its share of that run's new rows, over the full
  computation's number of rows) and keeps it. Old rows' vectors are then exactly the base's.
- **links**: a pair of old rows is a link exactly when it was; only the new rows are weighed and
  compared with all rows (``dedup.fresh_candidates``), their cosines computed as ``dedup._cosines`` does.
- **groups**: average-link goes on from the last run's final groups (every linked pair of them
  was below ``story_cohesion``, their averages kept as upper bounds) with each new row a group of
  its own; a group that lost a row (an article gone or changed, a new lead for its origin) is
  taken apart into its rows. Joins go on while the best average is >= ``story_cohesion``, as in
  the full run. So an old story that kept all its rows only grows (the rows of one taken apart
  may join again as before, or elsewhere); the new rows may join it or make their own.

The result is not a from-scratch ``group`` of the same articles (that would use this run's idf
and could have joined in another order); it is defined as: the last run's groups, plus
average-link continued over the links under the frozen idf (``tests/test_dedup_again.py`` checks
it against an eager reference built from scratch under the same idf). Measured against a
from-scratch run (``benchmarks/dedup_again.py``; ARI of "same story" with the scratch run as
reference): the benchmark corpus at 1,010 and 10,100 articles (+1 %) 1.000 (no story differs);
Emergent / NeuS / BBC with 1 % new 0.975 / 0.995 / 0.993, with 10 % new 0.941 / 0.973 / 0.965;
against the sets' gold, Emergent 0.692 (scratch) vs 0.702 (1 %) and 0.701 (10 %), NeuS 0.692 vs
0.689 and 0.682. The link graph is one giant component (9,672 of 9,703 origins at 10,000), so
continuing from the kept groups is what makes the re-run's cost follow the new rows. When the
rows new or gone since the full computation reach ``REFRESH`` of its rows, when the settings
change or the kept week cannot be read, a run computes everything again and equals ``group``.
"""

from __future__ import annotations

import struct
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import xxhash

from digest.config import DedupSettings
from digest.models import Merge, Origin
from digest.stories import average, dedup
from digest.stories.features import Features
from digest.stories.rows import Rows, group_sums, indptr_of

REFRESH = 0.1  # share of the rows new or gone since the full computation at which a run computes all again


@dataclass
class Week:
    """What a run leaves for the next: its rows, their vectors under the frozen idf, links and groups."""

    keys: list[bytes]  # each row's ``row_key``, in row order
    counts: Rows  # each row's words (columns: ``words``) and their counts in its lead: ``matrix`` weighs them
    norms: np.ndarray  # each row's norm before it was made a unit row
    words: list[str]  # in order of their columns (the full computation's sorted, then new ones as seen)
    idf: np.ndarray  # each word's frozen idf
    documents: int  # rows of the full computation
    links: np.ndarray  # (k, 2) rows i < j: cosine >= story_similarity, published close enough
    scores: np.ndarray  # their cosines
    joins: np.ndarray  # (p, 4): the strongest link's rows and the two group sizes of every join
    averages: np.ndarray  # (p, 2): that link's cosine and the join's average
    last: np.ndarray  # (m, 3) float: pairs of linked final groups (their smallest rows) and an upper bound of their average
    changed: int  # rows new or gone since the full computation

    def matrix(self) -> Rows:
        """The rows' unit TF-IDF vectors (made again from the counts: a re-run weighs only its new rows)."""
        counts = self.counts
        return dedup.rebuilt(counts.data, counts.indices, counts.indptr, self.norms, self.idf, counts.shape[1])


def row_key(lead: Origin, features: Features, work_key: str | None = None) -> bytes:
    """What a row is made of: its lead's id and date, and its words and counts (``work_key``, a hash of
    what they are computed from, stands for them when given)."""
    article = lead.lead
    when = _instant(article.published)
    digest = xxhash.xxh3_128(b"%s\n%d:%s" % (article.id.encode(), len(when), when))
    if work_key is not None:
        digest.update(work_key.encode())
    else:
        digest.update("\n".join(features.terms).encode())  # words hold no line break
        digest.update(features.counts.astype("<u4").tobytes())
    return digest.digest()


def _instant(published: datetime | None) -> bytes:
    """A date as its row is made of it: the instant of an aware one (links compare instants), a
    naive one as written. ``str`` of an aware datetime took ~3.5 us, of 1,000 rows a re-run."""
    if published is None:
        return b""
    if published.utcoffset() is None:
        return published.isoformat().encode()
    return _SECONDS.pack(published.timestamp())  # exact: microseconds of 2025 need 51 of a double's 53 bits


_SECONDS = struct.Struct("<d")


def related(origins: list[Origin], leads: list[Features], keys: list[bytes], settings: DedupSettings,
            week: Week | None = None) -> tuple[list[Merge], Week, bool]:
    """The story merges, the week for the next run, and whether everything was computed (as ``group``)."""
    if week is not None:
        found = _again(origins, leads, keys, settings, week)
        if found is not None:
            return (*found, False)
    matrix, words, idf, tally, norms = dedup.weight_parts([f.terms for f in leads], [f.counts for f in leads])
    links = list(dedup._links(matrix, origins, settings))
    queue = average.Queue(matrix, links, dedup.unlinked(origins, settings), settings.story_cohesion)
    done = list(average.joins(queue, settings.story_cohesion))
    counts = Rows(tally, matrix.indices, matrix.indptr, matrix.shape[1])
    fresh = Week(keys, counts, norms, words, idf, len(origins), *_link_arrays(links), *_join_arrays(done), _last(queue), 0)
    return _merges(origins, done), fresh, True


def _again(origins, leads, keys, settings: DedupSettings, week: Week):
    """``related`` from the kept week, or None when too much changed since its full computation."""
    where = {k: i for i, k in enumerate(week.keys)}
    old = np.array([where.get(k, -1) for k in keys], dtype=np.int64)
    fresh = np.flatnonzero(old < 0)
    gone = len(week.keys) - int((old >= 0).sum())
    changed = week.changed + len(fresh) + gone
    if changed > REFRESH * max(week.documents, len(origins)):
        return None
    now = np.full(len(week.keys), -1, dtype=np.int64)  # each kept row's position in this run
    now[old[old >= 0]] = np.flatnonzero(old >= 0)
    matrix, counts, norms, words, idf = _matrix(week, old, [leads[i] for i in fresh])
    links = _links(week, now, matrix, fresh, origins, settings)
    whole, label = _whole_groups(week, now, len(origins))
    kept = _kept_joins(week, now, whole)
    queue = _resume(matrix, links, label, week, now, whole, dedup.unlinked(origins, settings), settings.story_cohesion)
    done = kept + list(average.joins(queue, settings.story_cohesion))
    following = Week(keys, counts, norms, words, idf, week.documents, *_link_arrays(links), *_join_arrays(done), _last(queue),
                     changed)
    return _merges(origins, done), following


def _matrix(week: Week, old: np.ndarray, fresh: list[Features]):
    """This run's rows (matrix, counts, norms, words, idf): the kept ones as they were, the fresh ones
    weighed with the frozen idf (new words appended to the columns); weighed all at once, in this run's
    row order (the kept rows' values are those of the last run: their words' idf is frozen)."""
    position = dict(zip(week.words, range(len(week.words))))
    new = sorted({w for f in fresh for w in f.terms if w not in position})
    words = week.words + new
    position.update(zip(new, range(len(week.words), len(words))))
    cols = np.fromiter((position[w] for f in fresh for w in f.terms), dtype=np.int64)
    seen = np.bincount(cols, minlength=len(words))[len(week.words):]
    idf = np.concatenate([week.idf, dedup.idf_of(seen, week.documents)])
    width = max(len(words), 1)
    rows, tally, norms = dedup.weighed_parts([f.terms for f in fresh], [f.counts for f in fresh], cols, idf, width)
    order = old.copy()
    order[old < 0] = week.counts.shape[0] + np.arange(len(fresh))
    counts = _merged(week.counts, Rows(tally, rows.indices, rows.indptr, width), order)
    norms = np.concatenate([week.norms, norms])[order]
    return dedup.rebuilt(counts.data, counts.indices, counts.indptr, norms, idf, width), counts, norms, words, idf


def _merged(kept: Rows, fresh: Rows, order: np.ndarray) -> Rows:
    """The rows ``order`` of ``kept`` and then ``fresh`` (row ``len(kept) + k``: fresh row ``k``), as
    ``Rows.take`` of the two one after the other, but copied a run of consecutive rows at a time: a
    re-run keeps most rows in their order (gathering each of 261,000 values took ~10 ms)."""
    n = kept.shape[0]
    lengths = np.concatenate([kept.lengths(), fresh.lengths()])[order]
    breaks = np.flatnonzero((np.diff(order) != 1) | (order[1:] == n)) + 1  # a run never crosses from kept to fresh
    data, indices = [kept.data[:0], fresh.data[:0]], [kept.indices[:0], fresh.indices[:0]]
    for start, stop in zip([0, *breaks.tolist()], [*breaks.tolist(), len(order)]):
        first = int(order[start]) if stop > start else 0
        source, at = (kept, first) if first < n else (fresh, first - n)
        lo, hi = source.indptr[at], source.indptr[at + stop - start]
        data.append(source.data[lo:hi])
        indices.append(source.indices[lo:hi])
    return Rows(np.concatenate(data), np.concatenate(indices), indptr_of(lengths), fresh.shape[1])


def _links(week: Week, now: np.ndarray, matrix, fresh: np.ndarray, origins, settings: DedupSettings):
    """The links as (pairs (k, 2) of rows i < j, cosines): the kept ones between kept rows, and the
    fresh rows' with all."""
    pairs = now[week.links]
    present = (pairs >= 0).all(axis=1)
    pairs, scores = np.sort(pairs[present], axis=1), week.scores[present]
    if len(fresh):
        candidates = dedup.fresh_candidates(matrix, fresh, settings.story_similarity - dedup._MARGIN)
        found = list(dedup.dated(*dedup.above(matrix, *candidates, settings.story_similarity, dedup.fresh_cosines),
                                 origins, settings.story_days))
        pairs = np.concatenate([pairs, np.array([link[1:] for link in found], dtype=np.int64).reshape(-1, 2)])
        scores = np.concatenate([scores, np.array([link[0] for link in found], dtype=np.float64)])
    return pairs, scores


def _whole_groups(week: Week, now: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Which kept groups have all their rows this run (by the group's smallest kept row), and each
    row's group now: a whole group's smallest row now, or the row itself (fresh, or taken apart)."""
    group = _groups(len(week.keys), week.joins)
    whole = np.ones(len(week.keys), dtype=bool)
    whole[group[now < 0]] = False
    label = np.arange(n)
    rows = np.flatnonzero((now >= 0) & whole[group])
    if len(rows):
        first = np.full(len(week.keys), n, dtype=np.int64)
        np.minimum.at(first, group[rows], now[rows])
        label[now[rows]] = first[group[rows]]
    return whole[group], label


def _groups(n: int, joins: np.ndarray) -> np.ndarray:
    """Each row's group (its smallest row) after ``joins`` (rows of the strongest links)."""
    joined = dedup._UnionFind(range(n))
    for a, b in joins[:, :2].tolist():
        joined.union(a, b)
    return np.array([joined.find(i) for i in range(n)], dtype=np.int64)


def _kept_joins(week: Week, now: np.ndarray, whole: np.ndarray) -> list:
    """The kept joins inside whole groups, in this run's rows (as ``dedup.joins`` yields them)."""
    keep = whole[week.joins[:, 0]] if len(week.joins) else np.zeros(0, dtype=bool)
    return [((score, int(now[a]), int(now[b])), average, (n, m))
            for (a, b, n, m), (score, average) in zip(week.joins[keep].tolist(), week.averages[keep].tolist())]


def _resume(matrix, links, label: np.ndarray, week: Week, now: np.ndarray, whole: np.ndarray, unlinked: float,
            cohesion: float) -> average.Queue:
    """Average-link's queue at the kept groups: their sums and sizes, the strongest link between each
    linked pair, the kept bounds of whole groups' pairs, and the exact averages of every other pair."""
    sums = Sums(matrix, label)
    sizes = sums.sizes()
    pairs, strongest = _strongest(links, label, sums)
    last: dict[tuple[int, int], float] = {}
    if len(week.last):
        kept = week.last[:, :2].astype(np.int64)  # the kept groups' smallest rows
        keep = (now[kept] >= 0).all(axis=1) & whole[kept].all(axis=1)
        at = np.sort(label[now[kept[keep]]], axis=1)
        last = dict(zip(zip(at[:, 0].tolist(), at[:, 1].tolist()), week.last[keep, 2].tolist()))
    scratch = np.zeros(matrix.shape[1])
    for a, b in pairs:
        if (a, b) not in last:
            link = strongest[a][b]
            single = sizes[a] == 1 and sizes[b] == 1
            last[(a, b)] = link[0] if single else average._dots(sums[a], [sums[b]], scratch)[0] / (sizes[a] * sizes[b])
    return average.Queue(matrix, [], unlinked, cohesion, (sums, sizes, last, strongest))


class Sums(MutableMapping):
    """Each group's sum of rows (columns, values), by the group's number (its smallest row), made
    when first read: average-link reads the sums of the groups a join or an exact average touches
    (a re-run's new rows and their neighbours), not all of them (a re-run of 1,010 articles summed
    all 252 groups' 261,000 values each run, ~20 ms). A group's sum is ``rows.group_sums`` of its
    rows alone: each column's values added in the order of the rows, the same floats as summing all
    groups at once (or scipy's ``indicator @ matrix``); a sum set by a join is kept as it is given."""

    def __init__(self, matrix: Rows, label: np.ndarray):
        self.matrix = matrix
        self.order = np.argsort(label, kind="stable")  # each group's rows together, ascending
        groups, starts, counts = np.unique(label[self.order], return_index=True, return_counts=True)
        self.members = {g: (start, count) for g, start, count in zip(groups.tolist(), starts.tolist(), counts.tolist())}
        self.made: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.computed = 0  # sums made from rows (for tests)

    def sizes(self) -> dict[int, int]:
        return {g: count for g, (_, count) in self.members.items()}

    def __getitem__(self, group: int) -> tuple[np.ndarray, np.ndarray]:
        if group not in self.made:
            start, count = self.members[group]  # a KeyError for a group there is not
            self.made[group] = self._summed(self.order[start:start + count])
        return self.made[group]

    def _summed(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.computed += 1
        if len(rows) == 1:
            return self.matrix.row(int(rows[0]))
        summed = group_sums(self.matrix.take(rows), np.zeros(len(rows), dtype=np.int64), 1)
        return summed.row(0)

    def __setitem__(self, group: int, value) -> None:
        self.members.setdefault(group, (0, 0))
        self.made[group] = value

    def __delitem__(self, group: int) -> None:
        del self.members[group]
        self.made.pop(group, None)

    def __contains__(self, group) -> bool:
        return group in self.members

    def __iter__(self):
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)


def _strongest(links, label: np.ndarray, sums: dict) -> tuple[list[tuple[int, int]], dict[int, dict[int, tuple]]]:
    """The linked pairs of groups (a < b) and, for each group, its neighbours' strongest link (the
    largest (cosine, i, j) between them, as ``average.Queue`` keeps it)."""
    rows, scores = links
    ends = label[rows]
    keep = ends[:, 0] != ends[:, 1]
    rows, scores, ends = rows[keep], scores[keep], np.sort(ends[keep], axis=1)
    order = np.lexsort((rows[:, 1], rows[:, 0], scores, ends[:, 1], ends[:, 0]))
    ends, rows, scores = ends[order], rows[order], scores[order]
    top = np.ones(len(ends), dtype=bool)  # the last (largest) link of each pair of groups
    top[:-1] = (ends[1:] != ends[:-1]).any(axis=1)
    strongest: dict[int, dict[int, tuple]] = {g: {} for g in sums}
    pairs = list(zip(ends[top, 0].tolist(), ends[top, 1].tolist()))
    for (a, b), link in zip(pairs, zip(scores[top].tolist(), rows[top, 0].tolist(), rows[top, 1].tolist())):
        strongest[a][b] = strongest[b][a] = link
    return pairs, strongest


def _merges(origins: list[Origin], done: list) -> list[Merge]:
    return [dedup.story_merge(origins, *join) for join in done]


def _link_arrays(links) -> tuple[np.ndarray, np.ndarray]:
    """(pairs, cosines) of links given as (cosine, i, j), or as they are if already arrays."""
    if isinstance(links, tuple):
        return links
    pairs = np.array([link[1:] for link in links], dtype=np.int64).reshape(-1, 2)
    return pairs, np.array([link[0] for link in links], dtype=np.float64)


def _join_arrays(done) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([(link[1], link[2], *sizes) for link, _, sizes in done], dtype=np.int64).reshape(-1, 4)
    return rows, np.array([(link[0], average) for link, average, _ in done], dtype=np.float64).reshape(-1, 2)


def _last(queue: average.Queue) -> np.ndarray:
    """The final groups' linked pairs with their last values (upper bounds of their averages)."""
    found = [(a, b, value) for (a, b), value in queue.last.items() if a in queue.sums and b in queue.sums]
    return np.array(found, dtype=np.float64).reshape(-1, 3)
