"""A re-run of a week (stories/again.py) gives exactly the stories of a run that kept nothing, working only what is new."""

from __future__ import annotations

import heapq
import random
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from digest.config import DedupSettings, load
from digest.models import Block
from digest.pipeline import find_stories
from digest.stories import again, dedup, features, relink
from digest.work import WorkCache
from tests.conftest import ROOT, make_article
from tests.test_work import NOW, week_of

SETTINGS = DedupSettings()
FOOTER = "Distributed by Wire to its members under licence."


def grown_week(seed_articles, count: int, start: int = 0):
    """Different articles made of 2-4 of the seeds' paragraphs and a line of their own, one in six
    copied by a wire with its footer (boilerplate once five copies share it)."""
    paragraphs = [b.text for a in seed_articles for b in a.blocks if b.kind == "paragraph"]
    articles = []
    for n in range(start, start + count):
        rng = random.Random(n)
        chosen = [*rng.sample(paragraphs, rng.randint(2, 4)), f"Report {n} came from {rng.choice(CITIES)} on day {n % 7}."]
        articles.append(make_article(text="\n".join(chosen), location=f"week/{n}.txt", title=f"Story {n}"))
    copies = [replace(a, id=f"copy{a.id}", location=f"copy{a.location}", outlet="Wire", url=None,
                      blocks=(*a.blocks, Block("paragraph", FOOTER))) for a in articles[::6]]
    return articles + copies


CITIES = ["Lagos", "Lyon", "Osaka", "Quito", "Perth", "Oslo", "Cusco", "Dakar", "Hanoi", "Tunis"]


@pytest.fixture(scope="module")
def weeks(seed_articles):
    """A week, then the same week with new articles, one changed and one gone, then two more new."""
    first = [*seed_articles, *grown_week(seed_articles, 240)]
    changed = replace(first[9], blocks=(*first[9].blocks, Block("paragraph", "A new paragraph on AI dubbing.")))
    second = [a for a in first if a.id not in {first[9].id, first[20].id}] + [changed, *grown_week(seed_articles, 6, 500)]
    third = second + grown_week(seed_articles, 2, 600)
    return first, second, third


def run_weeks(weeks, keyed: bool = False):
    state, results = None, []
    for week in weeks:
        found = features.features_of(week, SETTINGS)[0]
        keys = features.work_keys(week, SETTINGS) if keyed else None
        stories, state, work = again.group_again(week, SETTINGS, found, state, keys)
        results.append((stories, dedup.group(week, SETTINGS, found), work))
    return results, state


@pytest.mark.parametrize("keyed", [False, True])
def test_every_run_of_a_growing_week_gives_what_a_full_computation_gives(weeks, keyed):
    results, _ = run_weeks(weeks, keyed)
    for stories, full, _ in results:
        assert stories == full  # ids, origins, every merge with its score and detail
    assert any(s.merges for s in results[-1][1]) and any(len(o.articles) > 1 for s in results[-1][1] for o in s.origins)
    first, second, third = (work for _, _, work in results)
    assert first.all_pairs and first.kept_verdicts == 0
    assert second.kept_verdicts > 0 and second.confirmed < first.confirmed  # only pairs with a new profile
    assert third.kept_verdicts > second.confirmed and not third.all_pairs


def test_kept_verdicts_are_what_the_run_uses(weeks):
    """The kept path can fail: verdicts turned into "not a copy" lose the copies of the next run."""
    _, state = run_weeks(weeks[:2])
    found = features.features_of(weeks[2], SETTINGS)[0]
    kept, base = again.unpack(state)
    wrong = replace(kept, verdict=np.zeros_like(kept.verdict))
    stories, _, _ = again.group_again(weeks[2], SETTINGS, found, again.pack(wrong, base))
    full = dedup.group(weeks[2], SETTINGS, found)
    assert sum(len(o.articles) for s in stories for o in s.origins) == sum(len(o.articles) for s in full for o in s.origins)
    assert sum(len(s.origins) for s in stories) > sum(len(s.origins) for s in full)


def test_kept_near_pairs_are_what_the_run_uses(weeks):
    """The links' base can fail too: without its near pairs, the links among old rows are missed."""
    _, state = run_weeks(weeks[:2])
    found = features.features_of(weeks[2], SETTINGS)[0]
    kept, base = again.unpack(state)
    empty = np.zeros(0, dtype=np.int64)
    hollow = replace(base, first=empty, second=empty, values=np.zeros(0, np.float32))
    stories, _, work = again.group_again(weeks[2], SETTINGS, found, again.pack(kept, hollow))
    assert not work.all_pairs and stories != dedup.group(weeks[2], SETTINGS, found)


def test_idf_moving_too_far_computes_all_pairs_again(weeks, seed_articles):
    _, state = run_weeks(weeks[:1])
    bigger = [*weeks[0], *week_of(seed_articles, 200)]
    found = features.features_of(bigger, SETTINGS)[0]
    stories, _, work = again.group_again(bigger, SETTINGS, found, state)
    assert work.all_pairs and stories == dedup.group(bigger, SETTINGS, found)


def test_a_pair_that_idf_brings_over_the_threshold_is_found(weeks):
    """Two rows sharing three rare words (cosine 0.145, under story_similarity - NEAR: not a near pair
    of the base), until 12 new articles use all their other words: then 0.275. The bound marks the two
    rows unsafe, so they are compared with all again."""
    own = ["quokka wombat dingo numbat bilby possum".split(), "fjord glacier tundra geyser caldera moraine".split()]
    pair = [make_article(text=f"{' '.join(w)} zeppelin hovercraft monorail and more {' '.join(w[:5])}.",
                         location=f"pair{n}.txt", title="") for n, w in enumerate(own)]
    rng = random.Random(3)
    fill = [make_article(text=" ".join(rng.sample(own[0] + own[1], 12)) + f" in {CITIES[n % 10]}.", location=f"fill{n}.txt",
                         title="") for n in range(12)]
    *_, base, _ = relink.links(*rows_of([*weeks[0], *pair])[1:], SETTINGS.story_similarity)
    origins, *now = rows_of([*weeks[0], *pair, *fill])
    first, second, scores, _, full = relink.links(*now, SETTINGS.story_similarity, base)
    expected = relink.links(*now, SETTINGS.story_similarity)
    assert not full and expected[4]
    assert all(np.array_equal(x, y) for x, y in zip((first, second, scores), expected[:3]))
    rows = sorted(n for n, o in enumerate(origins) if o.lead.id in {pair[0].id, pair[1].id})
    assert tuple(rows) in set(zip(first.tolist(), second.tolist()))


def rows_of(week):
    """The origins of a week and what relink.links reads: the leads' TF-IDF matrix, its words and idf, the row keys."""
    found = features.features_of(week, SETTINGS)[0]
    origins, _ = dedup.find_origins(week, SETTINGS, found)
    leads = [found[o.lead.id] for o in origins]
    matrix, words, idf = dedup.weights([f.terms for f in leads], [f.counts for f in leads])
    return origins, matrix, words, idf, [relink.row_key(o.lead.id, f) for o, f in zip(origins, leads)]


@pytest.mark.parametrize("state", [b"", b"not a state", b"PK\x03\x04 broken"])
def test_an_unreadable_state_means_working_everything(weeks, state):
    assert again.unpack(state) == (None, None)
    found = features.features_of(weeks[0], SETTINGS)[0]
    stories, _, work = again.group_again(weeks[0], SETTINGS, found, state)
    assert work.all_pairs and stories == dedup.group(weeks[0], SETTINGS, found)


def test_other_settings_keep_another_state():
    assert again.state_key(SETTINGS) != again.state_key(SETTINGS.model_copy(update={"story_cohesion": 0.3}))


def test_a_rerun_in_the_pipeline_reads_the_kept_state_and_finds_the_same_stories(weeks, tmp_path):
    config = load(ROOT / "config.yaml").model_copy(update={"store": tmp_path / "s.sqlite"})
    with WorkCache(config.store, NOW) as cache:
        find_stories(weeks[0], config, cache=cache)
        assert cache.count(again.KIND) == 1
    with WorkCache(config.store, NOW + timedelta(hours=1)) as cache:
        kept = find_stories(weeks[1], config, cache=cache)
        assert cache.hits[again.KIND] == 1
    assert kept.grouped == find_stories(weeks[1], config).grouped


def eager_average_link(matrix, links, cohesion):
    """The reference: every new average computed at once after each join (``dedup.average_link`` before it was lazy)."""
    sums = {i: (matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]], matrix.data[matrix.indptr[i]:matrix.indptr[i + 1]])
            for i in range(matrix.shape[0])}
    size = dict.fromkeys(sums, 1)
    strongest = {i: {} for i in sums}
    for score, a, b in links:
        strongest[a][b] = strongest[b][a] = max(strongest[a].get(b, (0.0, 0, 0)), (score, a, b))
    heap = [(-score, a, b) for score, a, b in links]
    heapq.heapify(heap)
    scratch = np.zeros(matrix.shape[1])
    while heap:
        negative, a, b = heapq.heappop(heap)
        if -negative < cohesion:
            return
        if a not in sums or b not in sums or b not in strongest[a]:
            continue
        current = dedup._dots(sums[a], [sums[b]], scratch)[0] / (size[a] * size[b])
        if abs(current + negative) > 1e-12:
            continue
        yield strongest[a][b], current, (size[a], size[b])
        columns, where = np.unique(np.concatenate([sums[a][0], sums[b][0]]), return_inverse=True)
        sums[a] = columns, np.bincount(where, weights=np.concatenate([sums[a][1], sums.pop(b)[1]]), minlength=len(columns))
        size[a] += size.pop(b)
        del strongest[a][b]
        for other, link in strongest.pop(b).items():
            if other != a:
                del strongest[other][b]
                strongest[a][other] = strongest[other][a] = max(strongest[a].get(other, link), link)
        others = sorted(strongest[a])
        for other, dot in zip(others, dedup._dots(sums[a], [sums[o] for o in others], scratch)):
            heapq.heappush(heap, (-dot / (size[a] * size[other]), min(a, other), max(a, other)))


@pytest.mark.parametrize("similarity, cohesion", [(0.18, 0.2), (0.1, 0.12), (0.05, 0.08), (0.1, 0.3)])
def test_lazy_average_link_joins_exactly_as_the_eager_one(weeks, similarity, cohesion):
    week = weeks[2]
    matrix = dedup.tfidf([features.story_text(a, 0) for a in week])
    first, second = dedup._candidates(matrix, similarity - dedup._MARGIN)
    scores = dedup._cosines(matrix, first, second)
    links = [(s, i, j) for i, j, s in zip(first.tolist(), second.tolist(), scores.tolist()) if s >= similarity]
    eager = list(eager_average_link(matrix, links, cohesion))
    assert len(eager) > 10
    assert list(dedup.average_link(matrix, links, cohesion, similarity)) == eager  # undated: every pair is close
    assert list(dedup.average_link(matrix, links, cohesion)) == eager


def test_the_bound_holds_for_every_pair_when_idf_moves(weeks):
    """cos_now <= cos_base * max(r)^2 / (min r of a * min r of b), checked on all pairs of a grown week."""
    old, new = weeks[0], weeks[2]
    rows = {a.id: features.compute(a, SETTINGS, features.Signer(SETTINGS.num_perm)) for a in new}
    kept = [a.id for a in old if a.id in {b.id for b in new}]
    base, words_base, idf_base = dedup.weights([rows[i].terms for i in kept], [rows[i].counts for i in kept])
    ids = kept + [a.id for a in new if a.id not in set(kept)]
    now, words, idf = dedup.weights([rows[i].terms for i in ids], [rows[i].counts for i in ids])
    low, high = relink._ratios(now, words, idf, relink.Base([], None, None, None, words_base, idf_base))
    top = high[:len(kept)].max()
    before, after = (base @ base.T).toarray(), (now @ now.T).toarray()[:len(kept), :len(kept)]
    bound = before * top * top / np.outer(low[:len(kept)], low[:len(kept)])
    assert (after <= bound * (1 + 1e-9) + 1e-12).all() and not np.allclose(after, before)


def test_weeks_of_none_one_and_identical_articles():
    same = [make_article(text="Netflix used generative AI in a series. The scene was finished ten times faster.",
                         location=f"{n}.txt") for n in range(3)]
    state = None
    for week in ([], same[:1], same[:2], same, same[1:], []):
        found = features.features_of(week, SETTINGS)[0]
        stories, state, _ = again.group_again(week, SETTINGS, found, state)
        assert stories == dedup.group(week, SETTINGS, found)
    assert len(dedup.group(same, SETTINGS)) == 1
