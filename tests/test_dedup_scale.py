"""Dedup's whole-week steps at scale give exactly what the plain computations give.

Each fast path is checked against the straightforward one it replaces: MinHash values against
datasketch's own, LSH candidates against datasketch's MinHashLSH, link cosines against the sparse
product bit for bit, TF-IDF norms against Python's ``sum``; and the work cache's packed values
and its once-per-run pruning.
"""

from __future__ import annotations

import math
import random
import sqlite3
import concurrent.futures
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from digest.config import DedupSettings
from digest.models import Block
from digest.stories import copies, dedup, features, rows
from digest.work import KEEP_DAYS, WorkCache
from tests.conftest import make_article
from tests.test_work import NOW, week_of

SETTINGS = DedupSettings()


def made_week(seed_articles, count: int = 60):
    """Articles sharing paragraphs in many ways, some of them copies of others with a line added."""
    articles = [*seed_articles, *week_of(seed_articles, count)]
    return articles + [replace(a, id=f"copy{n}", location=f"copy{n}.txt", outlet="Wire",
                               blocks=(*a.blocks, Block("paragraph", "Distributed by Wire.")))
                       for n, a in enumerate(articles[::7])]


@pytest.mark.parametrize("num_perm", [SETTINGS.num_perm, 16, 300])
def test_minhash_values_are_datasketchs(seed_articles, num_perm):
    """The Signer draws datasketch's permutations and computes its values without importing it."""
    signer = features.Signer(num_perm)
    template = MinHash(num_perm=num_perm)  # datasketch's defaults: scheme and seed
    assert template.scheme == signer.scheme
    assert np.array_equal(template.permutations, np.array(signer.permutations))
    for article in made_week(seed_articles, 10):
        own = features.shingles(article.text, SETTINGS.shingle_words)
        reference = MinHash(num_perm=num_perm, hashfunc=features._low_bits)
        reference.update_batch(own.tolist())
        assert np.array_equal(signer.sign(own), reference.hashvalues)


@pytest.mark.parametrize("seed", [1, 0, 18, 2**32 - 1])
def test_the_signers_draws_are_numpys_mersenne_twister_outputs(seed):
    """``mersenne_outputs`` (Python's MT19937 set to the state numpy's ``RandomState(seed)`` starts
    from) gives numpy's draws, the full 32 bits and the 31 of ``randint(0, 2**31)``."""
    drawn = np.random.RandomState(seed)
    expected = [*drawn.randint(0, 1 << 31, 700, dtype=np.uint32).tolist(),
                *drawn.randint(0, 1 << 32, 700, dtype=np.uint32).tolist()]
    found = features.mersenne_outputs(seed, 1400)
    assert [v & 0x7FFFFFFF for v in found[:700]] == expected[:700] and found[700:] == expected[700:]


def test_lsh_candidates_are_those_of_datasketchs_index(seed_articles):
    articles = sorted(made_week(seed_articles), key=lambda a: a.id)
    signer = features.Signer(SETTINGS.num_perm)
    found, _ = features.features_of(articles, SETTINGS, signer=signer)
    profiles = copies.profiles_of(articles, SETTINGS, found)
    ours = copies._candidates(profiles, SETTINGS, signer)
    index = MinHashLSH(threshold=SETTINGS.lsh_threshold, num_perm=SETTINGS.num_perm)
    signatures = {p.id: signer.minhash(p.shingles, p.signature) for p in profiles if len(p.shingles)}
    for key, signature in signatures.items():
        index.insert(key, signature)
    theirs = {(min(a, b), max(a, b)) for a, s in signatures.items() for b in index.query(s) if a != b}
    assert ours == theirs and len(ours) > len(articles) // 7  # the copies at least are candidates


def test_link_cosines_are_the_sparse_products_bit_for_bit(seed_articles):
    """scipy's product is the reference (imported by the test; dedup's rows and a re-run's products are numpy)."""
    articles = made_week(seed_articles, 80)
    matrix = dedup.tfidf([features.story_text(a, 0) for a in articles])
    product = (dedup._sparse(matrix) @ dedup._sparse(matrix).T).tocoo()
    expected = {(i, j): v for i, j, v in zip(product.row.tolist(), product.col.tolist(), product.data.tolist())
                if i < j and v >= 0.18}
    first, second = dedup._candidates(matrix, 0.18 - dedup._MARGIN)
    for cosines in (dedup._cosines, dedup._sparse_cosines):  # numpy (a re-run's), scipy (all pairs)
        scores = cosines(matrix, first, second)
        found = {(i, j): v for i, j, v in zip(first.tolist(), second.tolist(), scores.tolist()) if v >= 0.18}
        assert found == expected and len(expected) > 10  # equal floats, not merely close ones
    fresh = np.array([3, 17, 40, 41, 79])
    near = {(i, j) for i, j, v in zip(product.row.tolist(), product.col.tolist(), product.data.tolist())
            if i < j and (i in fresh or j in fresh) and v >= 0.18 - dedup._MARGIN / 2}
    first, second = dedup.fresh_candidates(matrix, fresh, 0.18 - dedup._MARGIN)
    pairs = list(zip(first.tolist(), second.tolist()))
    assert near <= set(pairs) and pairs == sorted(set(pairs)) and all(i in fresh or j in fresh for i, j in pairs)
    assert len(near) > 5


def test_group_sums_are_the_sparse_products_bit_for_bit(seed_articles):
    """Average-link resumed from kept groups starts from their sums: scipy's ``indicator @ matrix``, in numpy."""
    matrix = dedup.tfidf([features.story_text(a, 0) for a in made_week(seed_articles, 80)])
    group = np.random.default_rng(3).integers(0, 12, matrix.shape[0])
    summed = rows.group_sums(matrix, group, 12)
    order = np.argsort(group, kind="stable")  # each group's rows, ascending
    indptr = np.concatenate([[0], np.cumsum(np.bincount(group, minlength=12))])
    indicator = dedup._sparse(rows.Rows(np.ones(len(group)), order, indptr, matrix.shape[0]))
    expected = (indicator @ dedup._sparse(matrix)).tocsr()
    expected.sort_indices()
    assert np.array_equal(summed.indptr, expected.indptr) and np.array_equal(summed.indices, expected.indices)
    assert summed.data.tolist() == expected.data.tolist()  # equal floats, added in the same order
    assert not np.array_equal(summed.data, _backwards(matrix, group, summed))  # the order shows in the last bits


def _backwards(matrix, group, summed):
    dense = np.stack([matrix.toarray()[group == g][::-1].sum(axis=0) for g in range(12)])
    return dense[summed.row_of(), summed.indices]


def test_tfidf_rows_are_normalised_as_pythons_sum_would():
    rng = random.Random(5)
    vocabulary = [f"word{n}" for n in range(300)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 400))) for _ in range(40)]
    matrix = dedup.tfidf(texts)
    counted = [features.content_words(t) for t in texts]
    total = max(len(texts), dedup._IDF_MIN_DOCUMENTS)
    frequency = {w: sum(w in c for c in counted) for c in counted for w in c}
    for row, count in enumerate(counted):
        weights = {w: (1 + math.log(n)) * (math.log((1 + total) / (1 + frequency[w])) + 1) for w, n in count.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        values = matrix.data[matrix.indptr[row]:matrix.indptr[row + 1]].tolist()
        assert values == [weights[w] / norm for w in sorted(weights)]


def test_packed_features_come_back_as_they_were(seed_articles):
    signer = features.Signer(SETTINGS.num_perm)
    for article in [*seed_articles, make_article(text="", location="empty.txt"), make_article(text="Two words")]:
        value = features.compute(article, SETTINGS, signer)
        back = features.decode(features.encode(value))
        assert np.array_equal(back.shingles, value.shingles) and back.terms == value.terms
        assert np.array_equal(back.counts, value.counts) and back.counts.dtype == value.counts.dtype == np.uint32
        assert back.shingles.dtype == np.uint64
        assert (back.signature is None) == (value.signature is None)
        assert value.signature is None or np.array_equal(back.signature, value.signature)
        for damaged in (features.encode(value)[:-1], features.encode(value) + bytes(4)):
            with pytest.raises(ValueError):
                features.decode(damaged)
    with pytest.raises(ValueError):
        features.decode(b"JSON" + bytes(12))


def test_the_cache_keeps_bytes_and_prunes_once_when_the_run_ends(tmp_path):
    path = tmp_path / "s.sqlite"
    old = NOW - timedelta(days=KEEP_DAYS + 1)
    with WorkCache(path, old) as cache:
        cache.put("dedup", {"read": b"\x00packed", "unread": b"\x01"})
        cache.put("relevance", {"json": {"score": 1}})
    with WorkCache(path, NOW) as cache:
        assert cache.get("dedup", ["read", "missing"]) == {"read": b"\x00packed"}
        assert cache.count("dedup") == 2  # nothing forgotten while the run goes on
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT key, used FROM article_work"))
    assert rows == {"read": NOW.isoformat()}  # the row read is kept; unread old rows are gone


class CountedPool(ProcessPoolExecutor):
    """A real process pool that records that it was started (so a test sees the pooled path ran)."""

    started: list[int] = []

    def __init__(self, processes, *args, **kwargs):
        CountedPool.started.append(processes)
        super().__init__(processes, *args, **kwargs)


def test_worker_processes_compute_exactly_what_one_process_computes(seed_articles, monkeypatch):
    monkeypatch.setattr(features, "POOL_MIN", 10)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)  # features imports it when it pools
    monkeypatch.setattr(CountedPool, "started", [])
    articles = made_week(seed_articles, 40)
    alone, kept = features.features_of(articles, SETTINGS, processes=1)
    assert CountedPool.started == []
    pooled, kept_pooled = features.features_of(articles, SETTINGS, processes=2)
    assert CountedPool.started == [2]  # the articles really went to two worker processes
    assert kept_pooled == kept and len(kept) > 40  # the packed values, byte for byte
    assert all(np.array_equal(pooled[i].shingles, alone[i].shingles) and pooled[i].terms == alone[i].terms for i in alone)
    assert dedup.group(articles, SETTINGS, pooled) == dedup.group(articles, SETTINGS, alone)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_no_one_or_two_articles(seed_articles, count):
    stories = dedup.group(seed_articles[:count], SETTINGS)
    assert sorted(a.id for s in stories for a in s.articles) == sorted(a.id for a in seed_articles[:count])
