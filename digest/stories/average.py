"""Average-link over linked groups, lazily: the joins of ``dedup`` (and of ``regroup``, from kept groups).

See ``average_link``. Groups are numbered by their smallest row; a group's sum of unit rows is
kept as a sparse vector (its columns and values), so the average of all pairs across two groups
is one dot product.
"""

from __future__ import annotations

import heapq

import numpy as np

from digest.stories.rows import Rows


def average_link(matrix: Rows, links: list[tuple[float, int, int]], cohesion: float, unlinked: float = 1.0):
    """Join the two linked groups with the highest average cosine, while it is >= ``cohesion``.

    ``matrix`` holds unit rows; only groups joined by a link are compared, and the average of all
    pairs across two groups is exact: (sum of one's rows) . (sum of the other's) / (n * m). A
    group's sum is kept as a sparse vector (its columns and values).
    Yields (strongest link across the two groups, average, (n, m)) for every join, in join order.

    Lazily: after a join, the new group's average with a neighbour is not computed at once; an
    upper bound goes into the queue instead, the weighted mean of the two joined groups' last
    averages with it (``unlinked`` for a group it had no link with: the highest cosine a pair that
    is not a link can have), with a margin far above rounding. Only a bound that reaches the top of
    the queue is computed, by the same dot product the eager join would have used, and queued
    again: so the joins and averages are those of computing every average at once (kept as
    ``tests/test_dedup_scale.py``'s reference), and most neighbours, whose bound stays under
    ``cohesion``, are never computed.
    """
    yield from joins(Queue(matrix, links, unlinked, cohesion), cohesion)


def joins(queue: "Queue", cohesion: float):
    """``average_link``'s joins from ``queue`` (fresh, or resumed from a last run's groups: ``regroup``)."""
    while queue.heap:
        negative, a, b, bound = heapq.heappop(queue.heap)
        if -negative < cohesion:
            return
        if a not in queue.sums or b not in queue.sums or b not in queue.strongest[a]:
            continue
        if bound:
            queue.compute(a, b, -negative)
            continue
        current = _dots(queue.sums[a], [queue.sums[b]], queue.scratch)[0] / (queue.size[a] * queue.size[b])
        if abs(current + negative) > 1e-12:
            continue  # a stale entry: one of the groups has grown since
        yield queue.strongest[a][b], current, (queue.size[a], queue.size[b])
        queue.join(a, b)


class Queue:
    """Average-link's groups (sums, sizes, strongest links to neighbours) and its queue of
    (-average, a, b, is a bound), a < b; ``last``: each neighbour pair's last queued value."""

    def __init__(self, matrix: Rows, links: list[tuple[float, int, int]], unlinked: float, cohesion: float,
                 groups: tuple[dict, dict, dict, dict] | None = None):
        """Every row a group of its own, or ``groups``: (sums, sizes, last values, strongest links) of
        groups already joined, by their smallest row (``regroup``); ``last`` then holds upper bounds
        of their averages (exact ones for the pairs queued), and only those >= ``cohesion`` are queued."""
        if groups is None:
            self.sums = {i: matrix.row(i) for i in range(matrix.shape[0])}
            self.size = dict.fromkeys(self.sums, 1)
            self.last = {(a, b): score for score, a, b in links}
            self.strongest: dict[int, dict[int, tuple[float, int, int]]] = {i: {} for i in self.sums}
            for score, a, b in links:
                self.strongest[a][b] = self.strongest[b][a] = max(self.strongest[a].get(b, (0.0, 0, 0)), (score, a, b))
        else:
            self.sums, self.size, self.last, self.strongest = groups
        self.heap = [(-score, a, b, False) for (a, b), score in self.last.items() if groups is None or score >= cohesion]
        heapq.heapify(self.heap)
        self.pending: dict[tuple[int, int], tuple[float, int]] = {}  # pair -> (its bound, the group just joined)
        self.scratch = np.zeros(matrix.shape[1])
        self.unlinked, self.cohesion = unlinked, cohesion

    def compute(self, a: int, b: int, bound: float) -> None:
        """The exact average of a bound that reached the top, as the eager join computed it."""
        if self.pending.get((a, b), (None,))[0] != bound:
            return  # a stale bound
        _, joined = self.pending.pop((a, b))
        other = b if joined == a else a
        value = _dots(self.sums[joined], [self.sums[other]], self.scratch)[0] / (self.size[a] * self.size[b])
        self.last[(a, b)] = value
        heapq.heappush(self.heap, (-value, a, b, False))

    def join(self, a: int, b: int) -> None:
        """Group ``b`` into ``a`` (the smaller index) and queue a bound of a's new average with each neighbour."""
        a, b = min(a, b), max(a, b)
        strongest, before = self.strongest, (self.size[a], self.size[b])
        self.sums[a] = _add(self.sums[a], self.sums.pop(b), self.scratch)
        self.size[a] += self.size.pop(b)
        del strongest[a][b]
        self.last.pop((a, b), None)
        was = {o: self.last.pop(_pair(a, o), self.unlinked) for o in strongest[a]}
        for other, link in strongest.pop(b).items():
            if other != a:
                del strongest[other][b]
                strongest[a][other] = strongest[other][a] = max(strongest[a].get(other, link), link)
        gone = {o: self.last.pop(_pair(b, o), self.unlinked) for o in strongest[a]}
        for other in strongest[a]:
            mean = (before[0] * was.get(other, self.unlinked) + before[1] * gone[other]) / (before[0] + before[1])
            bound, pair = mean * (1 + 1e-9) + 1e-12, (a, other) if a < other else (other, a)
            self.last[pair] = bound
            if bound >= self.cohesion:  # a bound under it can never be joined: only its value is kept
                self.pending[pair] = (bound, a)
                heapq.heappush(self.heap, (-bound, *pair, True))
            else:
                self.pending.pop(pair, None)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _dots(vector, others, scratch: np.ndarray) -> list[float]:
    """``vector`` . each of ``others`` (sparse vectors: columns, values), through a dense scratch row."""
    columns, values = vector
    scratch[columns] = values
    found = [float(scratch[c] @ v) for c, v in others]
    scratch[columns] = 0.0
    return found


def _add(a, b, scratch: np.ndarray):
    """The sum of two sparse vectors (sorted columns, values): each column's a + b, through ``scratch``.

    The columns are merged by a stable sort (two sorted runs: a linear merge) instead of ``np.unique``."""
    columns = np.concatenate([a[0], b[0]])
    columns.sort(kind="stable")
    if len(columns) > 1:
        columns = columns[np.concatenate([[True], columns[1:] != columns[:-1]])]
    scratch[a[0]] = a[1]
    scratch[b[0]] += b[1]
    values = scratch[columns]
    scratch[columns] = 0.0
    return columns, values
