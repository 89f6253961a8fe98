"""digest/stories/sets.py gives numpy's set operations' values (np.unique, setdiff1d, setxor1d,
isin) on dedup's integer arrays without importing numpy.ma."""

from __future__ import annotations

import numpy as np
import pytest

from digest.stories import sets


def _arrays(seed: int):
    rng = np.random.default_rng(seed)
    for size in (0, 1, 2, 7, 50, 3000):
        for high in (3, 40, 2**62):
            yield rng.integers(0, high, size=size, dtype=np.int64)
    yield np.array([2**64 - 1, 0, 2**63, 2**64 - 1, 5], dtype=np.uint64)  # shingle hashes use all 64 bits


@pytest.mark.parametrize("seed", [1, 2])
def test_each_operation_gives_numpys_values(seed):
    arrays = list(_arrays(seed))
    for first in arrays:
        assert np.array_equal(sets.unique(first), np.unique(first)) and sets.unique(first).dtype == first.dtype
        for second in arrays:
            if first.dtype != second.dtype:
                continue
            assert np.array_equal(sets.without(first, second), np.setdiff1d(first, second))
            assert np.array_equal(sets.either(first, second), np.setxor1d(first, second))
            assert np.array_equal(sets.member(first, second), np.isin(first, second))
