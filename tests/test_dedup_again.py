"""A re-run of a week (stories/again.py): copies exactly those of a run that kept nothing; stories the
last run's groups with average-link continued under the frozen idf (stories/regroup.py), checked
against a reference built from scratch; a full computation whenever too much changed."""

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
from digest.stories import again, average, copies, dedup, features, recopy, regroup, rows
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
        expected = reference(week, found, state, keys)
        stories, state, work = again.group_again(week, SETTINGS, found, state, keys)
        results.append((stories, expected, work))
    return results, state


def reference(week, found, state, keys=None, links_only=False):
    """What a run with ``state`` must give, built from scratch: ``dedup.group`` when the state is
    unusable or too much changed; else the origins of ``dedup.find_origins``, every lead weighed
    with the kept idf (a word it lacks: its share of the new rows), links over all pairs, and eager
    average-link from the kept groups (a group that lost a row taken apart). Stories as sets of
    origin ids (``links_only``: the links, as pairs of lead ids)."""
    _, kept = again.unpack(state)
    origins, _ = dedup.find_origins(week, SETTINGS, found)
    leads = [found[o.lead.id] for o in origins]
    rows = [regroup.row_key(o, f, (keys or {}).get(o.lead.id)) for o, f in zip(origins, leads)]
    where = {k: i for i, k in enumerate(kept.keys)} if kept else {}
    fresh = [n for n, k in enumerate(rows) if k not in where]
    gone = len(where) - (len(rows) - len(fresh))
    if kept is None or kept.changed + len(fresh) + gone > regroup.REFRESH * max(kept.documents, len(origins)):
        return None
    new = sorted({w for n in fresh for w in leads[n].terms} - set(kept.words))
    words = kept.words + new
    position = {w: i for i, w in enumerate(words)}
    seen = np.bincount([position[w] for n in fresh for w in leads[n].terms], minlength=len(words))[len(kept.words):]
    idf = np.concatenate([kept.idf, dedup.idf_of(seen, kept.documents)])
    cols = np.array([position[w] for f in leads for w in f.terms], dtype=np.int64)
    matrix = dedup.weighed_parts([f.terms for f in leads], [f.counts for f in leads], cols, idf, len(words))[0]
    product = matrix.toarray() @ matrix.toarray().T
    first, second = np.nonzero(np.triu(product >= SETTINGS.story_similarity - 1e-3, 1))
    links = list(dedup.dated(*dedup.above(matrix, first, second, SETTINGS.story_similarity), origins, SETTINGS.story_days))
    if links_only:
        return {(origins[i].lead.id, origins[j].lead.id) for _, i, j in links}
    group = {i: {i} for i in range(len(kept.keys))}  # the kept groups, from the kept joins (not regroup._groups)
    for a, b in kept.joins[:, :2].tolist():
        merged = group[a] | group[b]
        group.update(dict.fromkeys(merged, merged))
    old = {i: rows.index(k) for i, k in enumerate(kept.keys) if k in rows}
    start = {min(g): sorted(g) for g in group.values()}
    members = [[old[i] for i in rows_] for rows_ in start.values() if all(i in old for i in rows_)]
    members += [[n] for n in range(len(origins)) if not any(n in m for m in members)]
    joins = list(eager_average_link(matrix, links, SETTINGS.story_cohesion, members))
    return _partition(origins, members, joins)


def _partition(origins, members, joins):
    """Stories as sets of origin ids, and the story merges as pairs of lead ids."""
    joined = dedup._UnionFind(range(len(origins)))
    for group in members:
        for row in group[1:]:
            joined.union(group[0], row)
    for (_, a, b), _, _ in joins:
        joined.union(a, b)
    return {frozenset(origins[i].id for i in g) for g in joined.groups()}


def stories_as_sets(stories):
    return {frozenset(o.id for o in s.origins) for s in stories}


@pytest.mark.parametrize("keyed", [False, True])
def test_every_run_of_a_growing_week_gives_what_the_reference_gives(weeks, keyed):
    results, _ = run_weeks(weeks, keyed)
    first, *later = results
    assert first[1] is None and first[0] == dedup.group(weeks[0], SETTINGS, features.features_of(weeks[0], SETTINGS)[0])
    for stories, expected, work in later:
        assert expected is not None and not work.all_pairs
        assert stories_as_sets(stories) == expected
    week = weeks[2]
    full = dedup.group(week, SETTINGS, features.features_of(week, SETTINGS)[0])
    assert {o.id for s in results[-1][0] for o in s.origins} == {o.id for s in full for o in s.origins}  # copies: exact
    assert any(s.merges for s in full) and any(len(o.articles) > 1 for s in full for o in s.origins)
    first, second, third = (work for _, _, work in results)
    assert first.all_pairs and first.kept_verdicts == 0
    assert second.kept_verdicts > 0 and second.confirmed < first.confirmed  # only pairs with a new profile
    assert third.kept_verdicts > second.confirmed


def test_the_reference_can_tell_a_wrong_regrouping(weeks):
    """Kept groups forgotten (every row its own group again) give other stories than the reference's."""
    _, state = run_weeks(weeks[:2])
    found = features.features_of(weeks[2], SETTINGS)[0]
    kept, week = again.unpack(state)
    forgotten = replace(week, joins=week.joins[:0], averages=week.averages[:0], last=week.last[:0])
    stories, _, work = again.group_again(weeks[2], SETTINGS, found, again.pack(kept, forgotten))
    assert not work.all_pairs and stories_as_sets(stories) != reference(weeks[2], found, state)


def test_a_rerun_with_nothing_new_gives_the_same_stories(weeks):
    found = features.features_of(weeks[1], SETTINGS)[0]
    before, _, _ = again.group_again(weeks[1], SETTINGS, found, None)
    first, state, _ = again.group_again(weeks[1], SETTINGS, found, None)
    again_, _, work = again.group_again(weeks[1], SETTINGS, found, state)
    assert again_ == first == before and not work.all_pairs


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


def test_kept_links_are_what_the_run_uses(weeks):
    """The kept links can fail too: without them, links among old rows are missed."""
    _, state = run_weeks(weeks[:2])
    found = features.features_of(weeks[2], SETTINGS)[0]
    kept, week = again.unpack(state)
    hollow = replace(week, links=week.links[:0], scores=week.scores[:0])
    expected = reference(weeks[2], found, state, links_only=True)
    for week_state, same in ((week, True), (hollow, False)):
        stories, following, work = again.group_again(weeks[2], SETTINGS, found, again.pack(kept, week_state))
        origins, _ = dedup.find_origins(weeks[2], SETTINGS, found)
        links = {(origins[i].lead.id, origins[j].lead.id) for i, j in again.unpack(following)[1].links.tolist()}
        assert not work.all_pairs and (links == expected) is same and len(expected) > 50


def test_many_new_articles_compute_everything_again(weeks, seed_articles):
    """New and gone rows past REFRESH of the week: a full computation, the stories of ``group``."""
    _, state = run_weeks(weeks[:1])
    bigger = [*weeks[0], *week_of(seed_articles, 200)]
    found = features.features_of(bigger, SETTINGS)[0]
    stories, _, work = again.group_again(bigger, SETTINGS, found, state)
    assert work.all_pairs and stories == dedup.group(bigger, SETTINGS, found)


def test_changes_add_up_to_a_full_computation(weeks):
    """Rows new or gone count from the full computation on, run after run, until REFRESH is reached."""
    _, state = run_weeks(weeks[:1])
    week, runs = list(weeks[0]), []
    for start in range(1000, 1060, 6):
        week += grown_week(week[:5], 6, start)
        found = features.features_of(week, SETTINGS)[0]
        stories, state, work = again.group_again(week, SETTINGS, found, state)
        runs.append(work.all_pairs)
        if work.all_pairs:
            assert stories == dedup.group(week, SETTINGS, found)
    assert runs[0] is False and True in runs


@pytest.mark.parametrize("state", [b"", b"not a state", b"PK\x03\x04 broken"])
def test_an_unreadable_state_means_working_everything(weeks, state):
    assert again.unpack(state) == (None, None)
    found = features.features_of(weeks[0], SETTINGS)[0]
    stories, _, work = again.group_again(weeks[0], SETTINGS, found, state)
    assert work.all_pairs and stories == dedup.group(weeks[0], SETTINGS, found)


def test_a_damaged_state_means_working_everything_never_a_crash():
    """Any byte of the state changed, or the state cut short, makes a state that cannot be read (a
    checksum guards all but its first 12 bytes, the tag and the checksum itself), so a run that works
    everything again and equals ``group``."""
    week = [make_article(text=f"Netflix used generative AI in series {n % 7}. Scene {n} was done in {n % 3} days.",
                         location=f"{n}.txt") for n in range(30)]
    found = features.features_of(week, SETTINGS)[0]
    _, state, _ = again.group_again(week[:28], SETTINGS, found, None)
    assert again.pack(*again.unpack(state)) == state  # read back whole
    rng, damaged = random.Random(18), [state[:end] for end in (4, 12, 20, len(state) // 2, len(state) - 1)]
    for _ in range(300):
        changed = bytearray(state)
        at = rng.randrange(len(state))
        changed[at] = (changed[at] + rng.randrange(1, 256)) % 256
        damaged.append(bytes(changed))
    assert all(again.unpack(value) == (None, None) for value in damaged)
    for value in damaged[:2] + damaged[-2:]:
        stories, _, work = again.group_again(week, SETTINGS, found, value)
        assert work.all_pairs and stories == dedup.group(week, SETTINGS, found)


@pytest.mark.parametrize("name", sorted(DedupSettings.model_fields))
def test_other_settings_keep_another_state(name):
    """Every dedup setting shapes the state (thresholds, lead words, num_perm...): changing any one is another key."""
    value = getattr(SETTINGS, name)
    other = value + 1 if isinstance(value, int) else round(value * 0.5, 3)
    changed = DedupSettings.model_validate(SETTINGS.model_dump() | {name: other})
    assert getattr(changed, name) != value and again.state_key(SETTINGS) != again.state_key(changed)


def test_a_rerun_in_the_pipeline_reads_the_kept_state(weeks, tmp_path):
    """The pipeline's re-run is ``group_again`` with the state its first run kept (and keeps the next)."""
    config = load(ROOT / "config.yaml").model_copy(update={"store": tmp_path / "s.sqlite"})
    key = again.state_key(config.dedup)
    with WorkCache(config.store, NOW) as cache:
        find_stories(weeks[0], config, cache=cache)
        state = cache.get(again.KIND, [key])[key]
    with WorkCache(config.store, NOW + timedelta(hours=1)) as cache:
        kept = find_stories(weeks[1], config, cache=cache)
        assert cache.hits[again.KIND] == 1 and cache.get(again.KIND, [key])[key] != state
    on_topic = list(kept.articles)
    found = features.features_of(on_topic, config.dedup)[0]
    stories, _, work = again.group_again(on_topic, config.dedup, found, state, features.work_keys(on_topic, config.dedup))
    assert kept.grouped == stories and not work.all_pairs and len(on_topic) > 100


def eager_average_link(matrix, links, cohesion, start=None):
    """The reference: every new average computed at once after each join (``average.average_link`` before it
    was lazy); from single rows, or from ``start`` (lists of rows already joined)."""
    start = start or [[i] for i in range(matrix.shape[0])]
    group = {row: min(rows) for rows in start for row in rows}
    dense = matrix.toarray()
    sums = {min(rows): _sparse(dense[rows].sum(axis=0)) if len(rows) > 1 else
            (matrix.indices[matrix.indptr[rows[0]]:matrix.indptr[rows[0] + 1]], matrix.data[matrix.indptr[rows[0]]:matrix.indptr[rows[0] + 1]])
            for rows in start}
    size = {min(rows): len(rows) for rows in start}
    strongest = {i: {} for i in sums}
    for score, a, b in links:
        a, b, link = group[a], group[b], (score, a, b)
        if a != b:
            strongest[a][b] = strongest[b][a] = max(strongest[a].get(b, (0.0, 0, 0)), link)
    scratch = np.zeros(matrix.shape[1])
    heap = [(-(link[0] if size[a] == size[b] == 1 else average._dots(sums[a], [sums[b]], scratch)[0] / (size[a] * size[b])), a, b)
            for a in strongest for b, link in strongest[a].items() if a < b]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if -negative < cohesion:
            return
        if a not in sums or b not in sums or b not in strongest[a]:
            continue
        current = average._dots(sums[a], [sums[b]], scratch)[0] / (size[a] * size[b])
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
        for other, dot in zip(others, average._dots(sums[a], [sums[o] for o in others], scratch)):
            heapq.heappush(heap, (-dot / (size[a] * size[other]), min(a, other), max(a, other)))


def _sparse(row):
    columns = np.flatnonzero(row)
    return columns, row[columns]


@pytest.mark.parametrize("similarity, cohesion", [(0.18, 0.2), (0.1, 0.12), (0.05, 0.08), (0.1, 0.3)])
def test_lazy_average_link_joins_exactly_as_the_eager_one(weeks, similarity, cohesion):
    week = weeks[2]
    matrix = dedup.tfidf([features.story_text(a, 0) for a in week])
    first, second = dedup._candidates(matrix, similarity - dedup._MARGIN)
    scores = dedup._cosines(matrix, first, second)
    links = [(s, i, j) for i, j, s in zip(first.tolist(), second.tolist(), scores.tolist()) if s >= similarity]
    eager = list(eager_average_link(matrix, links, cohesion))
    assert len(eager) > 10
    assert list(average.average_link(matrix, links, cohesion, similarity)) == eager  # undated: every pair is close
    assert list(average.average_link(matrix, links, cohesion)) == eager


def test_weeks_of_none_one_and_identical_articles():
    same = [make_article(text="Netflix used generative AI in a series. The scene was finished ten times faster.",
                         location=f"{n}.txt") for n in range(3)]
    state = None
    for week in ([], same[:1], same[:2], same, same[1:], []):
        found = features.features_of(week, SETTINGS)[0]
        stories, state, _ = again.group_again(week, SETTINGS, found, state)
        assert stories == dedup.group(week, SETTINGS, found)
    assert len(dedup.group(same, SETTINGS)) == 1


def test_known_articles_keep_their_profile_keys_and_are_trimmed_only_when_needed(weeks):
    """An article the last run had keeps its profile's key, signature code and size (the boilerplate it
    holds did not change): they are what trimming it again would give."""
    from digest.stories import copies, recopy

    first, second = (sorted(w, key=lambda a: a.id) for w in weeks[:2])
    found = features.features_of(first, SETTINGS)[0]
    _, state, _ = again.group_again(first, SETTINGS, found, None, features.work_keys(first, SETTINGS))
    kept, _ = again.unpack(state)
    found = features.features_of(second, SETTINGS)[0]
    keys = features.work_keys(second, SETTINGS)
    raw, boilerplate = copies.raw_profiles(second, SETTINGS, found)
    profiles, profile_keys, codes, sizes, lazy = recopy._profiles(raw, boilerplate, [recopy.article_key(a, keys[a.id])
                                                                              for a in second], kept)
    assert len(boilerplate) and len(lazy) > len(second) * 0.9 and all(profiles[n] is raw[n] for n in lazy)
    again_ = [copies.trimmed(p, boilerplate) for p in raw]
    assert profile_keys == [recopy.profile_key(p) for p in again_]
    assert sizes.tolist() == [len(p.shingles) for p in again_]
    assert codes.tolist() == [recopy.OWN if p is r else recopy.SIGNED if len(p.shingles) else recopy.EMPTY
                              for p, r in zip(again_, raw)]
    assert recopy.SIGNED in codes.tolist()  # the wire copies' footer is boilerplate


@pytest.mark.parametrize("keyed", [False, True])
def test_an_article_changed_under_its_id_is_weighed_again(weeks, keyed):
    """An article whose text changed (here only its words' counts: no new word) is a new row: its vector
    is weighed from its new words under the kept idf, not kept from the last run."""
    week = sorted(weeks[0], key=lambda a: a.id)
    found = features.features_of(week, SETTINGS)[0]
    _, state, _ = again.group_again(week, SETTINGS, found, None, features.work_keys(week, SETTINGS) if keyed else None)
    origins, _ = dedup.find_origins(week, SETTINGS, found)
    n = next(n for n, o in enumerate(origins) if len(o.articles) == 1 and len(o.lead.blocks) > 1)
    lead = origins[n].lead
    changed = replace(lead, blocks=(*lead.blocks, lead.blocks[0]))
    week = [changed if a.id == lead.id else a for a in week]
    found = features.features_of(week, SETTINGS)[0]
    keys = features.work_keys(week, SETTINGS) if keyed else None
    _, following, work = again.group_again(week, SETTINGS, found, state, keys)
    assert not work.all_pairs
    before, after = again.unpack(state)[1], again.unpack(following)[1]
    assert dedup.find_origins(week, SETTINGS, found)[0][n].lead.id == lead.id and set(found[lead.id].terms) <= set(before.words)
    columns = np.array([after.words.index(w) for w in found[lead.id].terms], dtype=np.int64)
    expected = dedup.weighed_parts([found[lead.id].terms], [found[lead.id].counts], columns, after.idf, len(after.words))[0]
    assert np.allclose(after.matrix().take([n]).toarray(), expected.toarray(), rtol=0, atol=1e-12)
    assert not np.allclose(before.matrix().take([n]).toarray(), expected.toarray(), rtol=0, atol=1e-6)


def test_an_article_moved_in_time_is_linked_again(weeks):
    """An article whose date moved (same id and text) is a new row: its kept links to articles now
    too far away in time are gone."""
    week = [replace(a, published=NOW) for a in sorted(weeks[0], key=lambda a: a.id)]
    found = features.features_of(week, SETTINGS)[0]
    _, state, _ = again.group_again(week, SETTINGS, found, None, features.work_keys(week, SETTINGS))
    links = again.unpack(state)[1].links
    origins, _ = dedup.find_origins(week, SETTINGS, found)
    first = max((n for n, o in enumerate(origins) if len(o.articles) == 1), key=lambda n: int((links == n).sum()))
    lead = origins[first].lead
    moved = [replace(a, published=NOW + timedelta(days=SETTINGS.story_days + 1)) if a.id == lead.id else a for a in week]
    _, following, work = again.group_again(moved, SETTINGS, found, state, features.work_keys(moved, SETTINGS))
    n = next(n for n, o in enumerate(dedup.find_origins(moved, SETTINGS, found)[0]) if o.lead.id == lead.id)
    assert not work.all_pairs and (links == first).sum() > 3
    assert not (again.unpack(following)[1].links == n).any()


def test_the_kept_copy_verdicts_hold_only_this_weeks_copies(seed_articles):
    """The state keeps the (rule, score, detail) of the copies its pairs hold, not every copy ever found:
    run after run (a new week each time) it does not grow."""
    state = None
    for start in (0, 1000, 2000):
        week = grown_week(seed_articles, 60, start)
        found = features.features_of(week, SETTINGS)[0]
        stories, state, _ = again.group_again(week, SETTINGS, found, state, features.work_keys(week, SETTINGS))
        kept = again.unpack(state)[0]
        assert sorted(set(kept.verdict[kept.verdict > 0].tolist())) == list(range(1, len(kept.found) + 1))
        assert len(kept.found) > 5 and all(rule.startswith("copy:") for rule, _, _ in kept.found)
        assert stories == dedup.group(week, SETTINGS, found)  # a new week: all computed, the copies exactly group's


def test_a_reruns_products_by_numpy_and_by_scipy_are_the_same(weeks, monkeypatch):
    """A re-run's products are numpy's (``rows.py``, no scipy import) for a week of fewer than
    ``dedup._SPARSE_FROM`` values, scipy's for a larger one: the same stories and state, byte for byte."""
    found = [features.features_of(week, SETTINGS)[0] for week in weeks[:2]]
    _, state, _ = again.group_again(weeks[0], SETTINGS, found[0], None)
    assert not dedup.sparse_pays(again.unpack(state)[1].matrix())
    with monkeypatch.context() as numpy_only:
        numpy_only.setattr(dedup, "_sparse", _refused)
        numpy_made = again.group_again(weeks[1], SETTINGS, found[1], state)
    monkeypatch.setattr(dedup, "_SPARSE_FROM", 0)
    for module, name in ((dedup, "products_above"), (dedup, "dots")):
        monkeypatch.setattr(module, name, _refused)  # scipy only: each path really ran (group sums: ``regroup.Sums``)
    scipy_made = again.group_again(weeks[1], SETTINGS, found[1], state)
    assert not numpy_made[2].all_pairs and numpy_made[0] == scipy_made[0] and numpy_made[1] == scipy_made[1]
    assert sum(len(s.origins) > 1 for s in numpy_made[0]) > 10


def test_a_rerun_sums_only_the_groups_it_reads_and_each_as_all_groups_at_once(weeks, monkeypatch):
    """``regroup.Sums``: a re-run with a few new rows sums the rows of the groups average-link reads,
    not every group; each sum is the one ``rows.group_sums`` gives summing all groups at once, bit for bit."""
    found = [features.features_of(week, SETTINGS)[0] for week in weeks[1:]]
    _, state, _ = again.group_again(weeks[1], SETTINGS, found[0], None)
    made = []
    monkeypatch.setattr(regroup, "Sums", lambda *args: made.append((args, Sums(*args))) or made[-1][1])
    _, _, work = again.group_again(weeks[2], SETTINGS, found[1], state)
    (matrix, label), used = made[0]
    groups = np.unique(label)
    assert not work.all_pairs and len(groups) > 30 and 0 < used.computed < len(groups)  # the benchmark's 1,010: 16 of 245 summed
    every = rows.group_sums(matrix, np.searchsorted(groups, label), len(groups))
    fresh = Sums(matrix, label)
    for k, group in enumerate(groups.tolist()):
        columns, values = fresh[group]
        assert columns.tolist() == every.row(k)[0].tolist() and values.tobytes() == every.row(k)[1].tobytes()
    assert fresh.computed == len(groups) and fresh.sizes() == dict(zip(groups.tolist(), np.bincount(label)[groups].tolist()))


Sums = regroup.Sums


def test_a_rerun_finds_again_only_the_boilerplate_of_outlets_with_a_new_article(weeks, seed_articles, monkeypatch):
    """Each outlet's boilerplate is kept with its articles' keys: a re-run whose new articles are all
    one outlet's sorts that outlet's shingles again, not the others' (Wire's footer, Test Outlet's);
    the week's boilerplate is the one found from scratch."""
    week = weeks[1]
    _, state, _ = again.group_again(week, SETTINGS, features.features_of(week, SETTINGS)[0], None,
                                    features.work_keys(week, SETTINGS))
    solo = [replace(a, outlet="Solo Times") for a in grown_week(seed_articles, 6, 700)[:6]]
    later = [*week, *solo]
    found = features.features_of(later, SETTINGS)[0]
    sorted_outlets = []
    real = copies.outlet_boilerplate
    monkeypatch.setattr(copies, "outlet_boilerplate", lambda members, least: sorted_outlets.append(members[0].outlet) or
                        real(members, least))
    stories, following, work = again.group_again(later, SETTINGS, found, state, features.work_keys(later, SETTINGS))
    assert sorted_outlets == ["solo times"] and not work.all_pairs
    expected = copies.raw_profiles(sorted(later, key=lambda a: a.id), SETTINGS, found)[1]
    assert len(expected) and again.unpack(following)[0].boilerplate.tolist() == expected.tolist()
    assert len(again.unpack(following)[0].plates) == 3  # Wire, Test Outlet, Solo Times: each five articles or more


def _refused(*args, **kwargs):
    raise AssertionError("the other way of computing the products was used")


def test_fresh_rows_collide_with_every_row_sharing_a_band_and_equal_rows_with_each_other():
    """``recopy._fresh_collisions`` (all fresh rows of a band at once) against pair-by-pair: each
    fresh row with every other row holding its two values in some band, and equal rows."""
    generator = np.random.default_rng(18)
    for _ in range(40):
        n = int(generator.integers(2, 120))
        table = generator.integers(0, 3, size=(n, 6)).astype(np.uint64)
        fresh = np.flatnonzero(generator.random(n) < 0.3)
        first, second = recopy._fresh_collisions(table, fresh, 3)
        expected = {(i, j) for i in fresh.tolist() for j in range(n) if i != j and any(
            (table[i, 2 * b:2 * b + 2] == table[j, 2 * b:2 * b + 2]).all() for b in range(3))}
        expected |= {(i, j) for i in range(n) for j in range(i + 1, n) if (table[i] == table[j]).all()}
        assert set(zip(first.tolist(), second.tolist())) == expected
        assert len(first) == len(second) and (first != second).all()


def test_merged_rows_are_the_rows_taken_from_kept_then_fresh():
    """``regroup._merged`` copies runs of consecutive rows: the same arrays as ``Rows.take`` of the kept
    rows and then the fresh ones, in any order, with rows left out, empty rows and no rows at all."""
    rng = np.random.default_rng(3)

    def some_rows(n):
        lengths = rng.integers(0, 4, n)
        return rows.Rows(rng.integers(1, 9, lengths.sum()), rng.integers(0, 20, lengths.sum()), rows.indptr_of(lengths), 20)

    for _ in range(300):
        kept, fresh = some_rows(rng.integers(0, 8)), some_rows(rng.integers(0, 5))
        order = rng.permutation(kept.shape[0] + fresh.shape[0])[:rng.integers(0, kept.shape[0] + fresh.shape[0] + 1)]
        order = np.sort(order) if rng.random() < 0.5 else order
        both = rows.Rows(np.concatenate([kept.data, fresh.data]), np.concatenate([kept.indices, fresh.indices]),
                    np.concatenate([kept.indptr, kept.indptr[-1] + fresh.indptr[1:]]), 20)
        expected, merged = both.take(order), regroup._merged(kept, fresh, order.astype(np.int64))
        assert all(np.array_equal(getattr(expected, name), getattr(merged, name)) for name in ("data", "indices", "indptr"))
