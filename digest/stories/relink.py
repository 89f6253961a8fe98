"""Links between origins found again on a re-run of a week, exactly, without comparing all pairs again.

``dedup._links`` compares every pair of origins each run (all-pairs cosine, ~5 s at 10,000). A
re-run adds a few origins, and idf moves a little for every word, so every cosine moves a
little: no old score can be reused as it is. But how far a cosine can move is bounded. With
``r_t`` = (this run's idf of word t) / (the base run's), a row of the same words and counts gets
each weight multiplied by ``r_t`` and its norm by at least its smallest ``r``, so for two rows a, b

    cos_now(a, b) <= cos_base(a, b) * max(r over a and b)^2 / (min r over a * min r over b).

A full computation (the *base*) keeps every pair with a cosine >= ``story_similarity - NEAR``
(in single precision, within ``dedup._MARGIN``) and its value, with its idf and a key for each
row (the lead's id, words and counts). The next run then computes exactly what can be a link:

- pairs with a *fresh* row (not in the base) or a row whose words' idf moved too much for the
  bound to prove anything (*unsafe*): that row against all, as a sparse product;
- pairs of two other rows that the base kept, unless the bound proves them below the threshold;
- no other pair: its base cosine was < ``story_similarity - NEAR``, and its bound is below the
  threshold for every pair of safe rows (that is what makes a row safe).

The candidates' cosines are then computed exactly (``dedup._cosines``), so the links and their
scores are bit for bit those of ``dedup._links``. When fresh and unsafe rows reach ``REFRESH`` of
all, the run computes everything again and becomes the base.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xxhash
from scipy import sparse

from digest.stories import dedup
from digest.stories.features import Features

NEAR = 0.03  # pairs kept by the base below story_similarity; rows stay safe while idf moves by ~4 %
REFRESH = 0.2  # share of fresh and unsafe rows at which a run computes all pairs again


@dataclass
class Base:
    """What a full computation of the links keeps: its rows, near pairs and idf."""

    keys: list[bytes]  # each row's ``row_key``
    first: np.ndarray  # near pairs (rows of the base), cosine in single precision >= similarity - NEAR - margin
    second: np.ndarray
    values: np.ndarray  # their cosines in single precision
    words: list[str]  # the base's columns
    idf: np.ndarray


def row_key(lead_id: str, lead: Features, work_key: str | None = None) -> bytes:
    """What a row of the TF-IDF matrix is made of: its lead's words and counts (and id: keys are unique).
    ``work_key`` (``features.work_key``, a hash of what the words and counts are computed from) stands
    for them when given."""
    if work_key is not None:
        return xxhash.xxh3_128(f"{lead_id}\n{work_key}".encode()).digest()
    digest = xxhash.xxh3_128("\n".join([lead_id, *lead.terms]).encode())  # ids and words hold no line break
    digest.update(lead.counts.astype("<u4").tobytes())
    return digest.digest()


def links(matrix: sparse.csr_matrix, words: list[str], idf: np.ndarray, keys: list[bytes], similarity: float,
          base: Base | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, Base, bool]:
    """(first, second, cosines) of the pairs i < j with cosine >= ``similarity``, sorted, as ``dedup._links``
    computes them before dates; the base for the next run; and whether all pairs were compared."""
    if base is not None:
        found = _again(matrix, words, idf, keys, similarity, base)
        if found is not None:
            return (*found, base, False)
    first, second, values = dedup.near_pairs(matrix, similarity - NEAR - dedup._MARGIN)
    pick = values >= similarity - dedup._MARGIN
    base = Base(keys, first, second, values, words, idf)
    return (*dedup.above(matrix, first[pick], second[pick], similarity), base, True)


def _again(matrix, words, idf, keys, similarity, base: Base):
    """The links from the base, or None when too many rows are fresh or unsafe."""
    n = matrix.shape[0]
    where = {k: i for i, k in enumerate(base.keys)}
    old = np.array([where.get(k, -1) for k in keys], dtype=np.int64)
    low, high = _ratios(matrix, words, idf, base)
    known = old >= 0
    top = float(np.max(high[known], initial=1.0))
    least = math.sqrt((similarity - NEAR) * top * top / similarity) * (1 + 1e-9)
    safe = known & (low >= least)  # NaN (a word the base did not have) is never safe
    redo = np.flatnonzero(~safe)
    if len(redo) > REFRESH * n or not math.isfinite(top):
        return None
    pairs = [_against_all(matrix, redo, similarity)]
    pairs.append(_kept_near(n, old, safe, low, top, similarity, base))
    return dedup.above(matrix, *np.divmod(np.unique(np.concatenate(pairs)), n), similarity)


def _ratios(matrix, words, idf, base: Base) -> tuple[np.ndarray, np.ndarray]:
    """Each row's smallest and largest (idf now / idf of the base) over its words (1 for an empty row)."""
    before = dict(zip(base.words, base.idf.tolist()))
    ratio = idf / np.array([before.get(w, math.nan) for w in words])
    lengths = np.diff(matrix.indptr)
    low, high = np.ones(matrix.shape[0]), np.ones(matrix.shape[0])
    filled = lengths > 0
    if filled.any():
        values, starts = ratio[matrix.indices], matrix.indptr[:-1][filled]
        low[filled] = np.minimum.reduceat(values, starts)
        high[filled] = np.maximum.reduceat(values, starts)
    return low, high


def _against_all(matrix, rows: np.ndarray, similarity: float) -> np.ndarray:
    """Pairs (as i * n + j, i < j) of ``rows`` with any row, cosine >= similarity - margin (double precision)."""
    n = matrix.shape[0]
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    product = (matrix[rows] @ matrix.T).tocoo()
    hit = product.data >= similarity - dedup._MARGIN
    a, b = rows[product.row[hit]].astype(np.int64), product.col[hit].astype(np.int64)
    keep = a != b
    return np.minimum(a[keep], b[keep]) * n + np.maximum(a[keep], b[keep])


def _kept_near(n: int, old, safe, low, top: float, similarity: float, base: Base) -> np.ndarray:
    """The base's near pairs of two safe rows that the bound does not prove below the threshold (as
    i * n + j, i < j, of the ``n`` rows now): nearly all of them are within 0.01 of it, so their
    cosines are computed exactly at once."""
    now = np.full(len(base.keys), -1, dtype=np.int64)
    now[old[old >= 0]] = np.flatnonzero(old >= 0)
    a, b = now[base.first], now[base.second]
    present = (a >= 0) & (b >= 0)
    a, b, values = a[present], b[present], base.values[present].astype(np.float64)
    both = safe[a] & safe[b]
    a, b, values = a[both], b[both], values[both]
    bound = (values + dedup._MARGIN) * top * top / (low[a] * low[b])
    check = bound * (1 + 1e-9) >= similarity
    a, b = np.minimum(a[check], b[check]), np.maximum(a[check], b[check])
    return a * n + b
