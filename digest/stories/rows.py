"""Sparse rows (compressed sparse rows, CSR) and the products a re-run's dedup needs, in plain numpy.

Dedup's TF-IDF vectors, their cosines and average-link's group sums were scipy.sparse matrices.
Importing ``scipy.sparse`` costs ~0.25 s (scipy's array-API layer clones numpy's namespace,
touching numpy.f2py, numpy.testing, numpy.ma), a sixth of a re-run with 1 % new articles, whose
dedup needs four operations that are a few lines of numpy each:

- ``Rows``: the arrays of a CSR matrix (``data``, ``indices`` sorted within each row, ``indptr``);
- ``products_above``: the pairs of a few rows with all whose dot product, in single precision,
  reaches a floor (``dedup.fresh_candidates``, for ``regroup._links``): over the few rows' words
  only, those in many rows as a dense BLAS product, the others through an inverted index (word
  -> rows), accumulated with ``bincount``;
- ``dots``: dot products of pairs of rows *exactly as scipy's* ``matrix[first].multiply(
  matrix[second])`` summed after ``sort_indices``: the shared words' products in the words'
  order, added one after the other (``sequential_sums``);
- ``group_sums``: the sum of each group's rows, bit for bit scipy's ``indicator @ matrix``
  (each column's values added in the order of the rows).

The summation order is the point: links are cosines >= a threshold and average-link compares
averages, so a last-bit difference could change a link or a join. ``tests/test_dedup_scale.py``
checks ``dots`` and ``group_sums`` against scipy (imported there only). Comparing *all* pairs
(a first run, a refresh) stays scipy's sparse product, imported there (``dedup._candidates``):
numpy's inverted index took 10.6 s against scipy's 7.0 s on 10,000 articles; so does a re-run of
a week large enough to pay for the import (``dedup.sparse_pays``).
"""

from __future__ import annotations

import numpy as np

from digest.stories import sets

_PAIRS_AT_ONCE = 20_000


class Rows:
    """A matrix of sparse rows: row ``i``'s columns are ``indices[indptr[i]:indptr[i + 1]]`` (sorted)
    and its values ``data[...]`` at the same positions."""

    __slots__ = ("data", "indices", "indptr", "shape")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, width: int):
        self.data, self.indices, self.indptr = data, indices, indptr
        self.shape = (len(indptr) - 1, width)

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Row ``i``'s columns and values (views)."""
        start, stop = self.indptr[i], self.indptr[i + 1]
        return self.indices[start:stop], self.data[start:stop]

    def lengths(self) -> np.ndarray:
        return np.diff(self.indptr)

    def row_of(self) -> np.ndarray:
        """Each stored value's row."""
        return np.repeat(np.arange(self.shape[0]), self.lengths())

    def take(self, rows: np.ndarray) -> "Rows":
        """The rows ``rows`` (in that order, repeats allowed)."""
        at, lengths = positions(self.indptr, np.asarray(rows, dtype=np.int64))
        return Rows(self.data[at], self.indices[at], indptr_of(lengths), self.shape[1])

    def toarray(self) -> np.ndarray:
        dense = np.zeros(self.shape, dtype=self.data.dtype)
        dense[self.row_of(), self.indices] = self.data
        return dense


def indptr_of(lengths: np.ndarray) -> np.ndarray:
    """The ``indptr`` of rows ``lengths`` long, one after the other: 0, then the running sum."""
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def positions(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of rows ``rows``' values (row after row) in arrays laid out by ``indptr``, and each row's length."""
    lengths = (indptr[1:] - indptr[:-1])[rows]
    return runs(indptr[:-1][rows], lengths), lengths


def runs(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """starts[0], starts[0] + 1, ... (lengths[0] of them), then the same from starts[1], ...: one array."""
    ends = np.cumsum(lengths)
    total = int(ends[-1]) if len(ends) else 0
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(total)


def products_above(matrix: Rows, rows: np.ndarray, floor: float, dense_share: float, block_rows: int):
    """Pairs of one of ``rows`` and another row whose dot product in single precision is >= ``floor``,
    as (first, second) arrays, first < second, each pair once, sorted.

    Words in more than ``dense_share`` of the rows are shared by most pairs: their part of each
    product is a dense BLAS product; the other words' part goes through an inverted index (for
    each of the block's values, the rows that have its word), accumulated with ``bincount``.
    """
    n, rows = matrix.shape[0], np.asarray(rows, dtype=np.int64)
    common = np.bincount(matrix.indices, minlength=matrix.shape[1]) > dense_share * n
    wanted = np.zeros(matrix.shape[1], dtype=bool)  # only the columns of ``rows`` add to their products
    wanted[matrix.indices[positions(matrix.indptr, rows)[0]]] = True
    dense, rare = _split(matrix, common, wanted)
    firsts, seconds = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(rows), block_rows):
        block = rows[start:start + block_rows]
        product = dense[block] @ dense.T
        product += rare.products(block)
        i, j = np.nonzero(product >= floor)
        firsts.append(block[i])
        seconds.append(j)
    return unordered_pairs(np.concatenate(firsts), np.concatenate(seconds), n)


def unordered_pairs(i: np.ndarray, j: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (``i[k]``, ``j[k]``) of rows 0..n-1 with i != j, as (first, second) arrays, first < second,
    each pair once, sorted."""
    keep = i != j
    return np.divmod(sets.unique(pair_codes(i[keep], j[keep], n)), n)


def pair_codes(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """Each pair (``i[k]``, ``j[k]``) of positions 0..n-1 as one number: smaller * n + larger."""
    return np.minimum(i, j) * n + np.maximum(i, j)


def _split(matrix: Rows, common: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, "_Inverted"]:
    """The ``wanted`` common words' columns as a dense single-precision matrix, and the other wanted
    words' inverted index. The values of each kind are found by position, once (boolean masks of
    every value, nine of them, took ~10 ms of a 1,010-article re-run)."""
    common = common & wanted
    kind = (common.astype(np.int8) + 2 * (wanted & ~common).astype(np.int8))[matrix.indices]  # 1: dense, 2: rare
    shared, rare = np.flatnonzero(kind == 1), np.flatnonzero(kind == 2)
    row, width = matrix.row_of(), int(common.sum())
    dense = np.zeros((matrix.shape[0], width), dtype=np.float32)
    dense.reshape(-1)[row[shared] * width + (np.cumsum(common) - 1)[matrix.indices[shared]]] = matrix.data[shared]
    return dense, _Inverted(row[rare], matrix.indices[rare], matrix.data[rare].astype(np.float32), matrix.shape)


class _Inverted:
    """The values of some columns, by row (as stored) and by column (word -> its rows, ascending)."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]):
        self.cols, self.values, self.n = cols, values, shape[0]
        self.row_ptr = np.searchsorted(rows, np.arange(shape[0] + 1))
        order = np.argsort(cols.astype(np.uint16) if shape[1] <= 1 << 16 else cols, kind="stable")  # 16 bits: a radix sort
        self.by_col_rows, self.by_col_values = rows[order], values[order]
        self.col_ptr = indptr_of(np.bincount(cols, minlength=shape[1]))

    def products(self, block: np.ndarray) -> np.ndarray:
        """The dot products of rows ``block`` with every row over these columns: (len(block), n) dense."""
        at, lengths = positions(self.row_ptr, block)
        cols, values = self.cols[at], self.values[at]
        counts = self.col_ptr[cols + 1] - self.col_ptr[cols]
        where = runs(self.col_ptr[cols], counts)
        flat = np.repeat(np.repeat(np.arange(len(block)), lengths) * self.n, counts) + self.by_col_rows[where]
        weights = self.by_col_values[where] * np.repeat(values, counts)
        return np.bincount(flat, weights=weights, minlength=len(block) * self.n).reshape(len(block), self.n)


def dots(matrix: Rows, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The dot product of each pair of rows (``first[k]``, ``second[k]``), bit for bit as scipy's
    ``matrix[first].multiply(matrix[second])`` summed after ``sort_indices``: the products of their
    shared columns, added one after the other in the columns' order."""
    scores = np.zeros(len(first))
    width = max(matrix.shape[1], 1)
    for start in range(0, len(first), _PAIRS_AT_ONCE):
        part = slice(start, start + _PAIRS_AT_ONCE)
        (at_a, len_a), (at_b, len_b) = positions(matrix.indptr, first[part]), positions(matrix.indptr, second[part])
        pair_a = np.repeat(np.arange(len(len_a)), len_a)
        key_a = pair_a * width + matrix.indices[at_a]  # sorted: by pair, then column
        key_b = np.repeat(np.arange(len(len_b)), len_b) * width + matrix.indices[at_b]
        found = np.minimum(np.searchsorted(key_b, key_a), max(len(key_b) - 1, 0))
        hit = key_b[found] == key_a if len(key_b) else np.zeros(len(key_a), dtype=bool)
        products = matrix.data[at_a[hit]] * matrix.data[at_b[found[hit]]]
        scores[part] = sequential_sums(products, np.bincount(pair_a[hit], minlength=len(len_a)))
    return scores


def group_sums(matrix: Rows, group: np.ndarray, groups: int) -> Rows:
    """The sum of each group's rows (``group``: each row's group, 0..groups-1), columns sorted; each
    column's values added in the order of the rows, as scipy's ``indicator @ matrix`` adds them."""
    width = max(matrix.shape[1], 1)
    keys = group[matrix.row_of()] * width + matrix.indices
    order = np.argsort(keys, kind="stable")  # stable: a column's values stay in the order of the rows
    keys = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else np.zeros(0, np.int64)
    sums = sequential_sums(matrix.data[order], np.diff(np.concatenate([starts, [len(keys)]])))
    owner, cols = np.divmod(keys[starts], width)
    indptr = indptr_of(np.bincount(owner, minlength=groups))
    return Rows(sums, cols, indptr, matrix.shape[1])


def sequential_sums(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The sum of each run of ``lengths`` consecutive values, added one after the other as Python's
    ``sum`` and a sparse product do (numpy's own sums add pairwise, in another order): the runs
    longest first, so that step ``t`` adds the ``t``-th value of the runs that long to a prefix."""
    order = np.argsort(-lengths, kind="stable")
    longest = lengths[order]
    starts = (np.cumsum(lengths) - lengths)[order]
    steps = int(longest[0]) if len(longest) else 0
    active = np.searchsorted(-longest, -np.arange(steps), side="left")  # runs longer than each step
    sums = np.zeros(len(lengths))
    for step, runs_ in enumerate(active.tolist()):
        sums[:runs_] += values[starts[:runs_] + step]
    found = np.empty(len(lengths))
    found[order] = sums
    return found
