"""Sorted sets of integers held in numpy arrays: ``np.unique``'s and ``np.setdiff1d``'s values,
without numpy.ma.

numpy 2's ``np.unique`` asks ``np.ma.is_masked`` on every call that wants the values alone (no
indices, no counts), and its first call imports ``numpy.ma`` for it (~15 ms of CPU, with the
docstrings and signatures it builds: a re-run with 1 % new articles imports nothing else of
it). ``np.union1d``, ``np.setdiff1d`` and ``np.isin`` (when it sorts) call it too. Dedup's
arrays are plain integer arrays (shingle hashes, pair codes): their distinct values are the
sorted array without its repeats, the same values in the same order, whatever the method.
"""

from __future__ import annotations

import numpy as np


def unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of a 1-D integer array: its distinct values, sorted."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def without(values: np.ndarray, others: np.ndarray) -> np.ndarray:
    """``np.setdiff1d(values, others)``: the distinct values of ``values`` not in ``others``, sorted."""
    values, others = unique(values), unique(others)
    if not len(others) or not len(values):
        return values
    at = np.minimum(np.searchsorted(others, values), len(others) - 1)
    return values[others[at] != values]


def either(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``np.setxor1d(first, second)``: the values in one of the two and not in both, sorted."""
    both = np.sort(np.concatenate([unique(first), unique(second)]))
    if not len(both):
        return both
    differ = np.concatenate([[True], both[1:] != both[:-1], [True]])
    return both[differ[1:] & differ[:-1]]


def member(values: np.ndarray, test: np.ndarray) -> np.ndarray:
    """``np.isin(values, test)``: as numpy does it, a few ``test`` values compared one by one (~20x
    faster than a search), else each value looked up in the sorted distinct ``test`` values."""
    if len(test) < 10 * len(values) ** 0.145:
        found = np.zeros(len(values), dtype=bool)
        for value in test:
            found |= values == value
        return found
    test = unique(test)
    at = np.minimum(np.searchsorted(test, values), len(test) - 1)
    return test[at] == values
