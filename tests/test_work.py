"""Per-article work: assessed once (in worker processes for a big week), kept, and redone only when it changes."""

from __future__ import annotations

import hashlib
import json
import marshal
import shutil
import sqlite3
from dataclasses import replace
from datetime import datetime, timezone

from digest import pipeline, work
from digest.config import ConceptGroup, Sense, TopicSettings, load
from digest.models import Block
from digest.pipeline import find_stories, run_issue
from digest.sources import judging
from digest.sources.relevance import judge_all
from digest.store import Store
from digest.stories import dedup, features
from digest.work import WorkCache
from tests.conftest import ROOT, make_article

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)


def week_of(seed_articles, count: int):
    """``count`` different articles made of the seeds' paragraphs, on topic and off."""
    paragraphs = [b.text for a in seed_articles for b in a.blocks if b.kind == "paragraph"]
    made = []
    for n in range(count):
        chosen = [paragraphs[(n * 7 + k * 3) % len(paragraphs)] for k in range(n % 4 + 1)]
        if n % 5 == 0:
            chosen = ["The football league game ended late.", "Fans sang songs after the match."]
        made.append(make_article(text="\n".join(chosen), location=f"week/{n}.txt", title=f"Story {n}"))
    return made


def test_worker_processes_give_exactly_what_one_process_gives(seed_articles):
    articles = week_of(seed_articles, judging.POOL_MIN + 10)
    topic = load(ROOT / "config.yaml").topic
    pooled, new, keys = judging.judge_many(articles, topic, processes=2)
    assert pooled == judge_all(articles, topic)
    assert len(new) == len(set(keys.values())) and {r.featured for r in pooled.values()} == {True, False}


def test_kept_assessments_are_used_and_only_new_articles_are_assessed(seed_articles):
    articles = week_of(seed_articles, 30)
    topic = load(ROOT / "config.yaml").topic
    first, kept, keys = judging.judge_many(articles, topic, processes=1)
    changed = replace(articles[3], blocks=(*articles[3].blocks, Block("paragraph", "A new paragraph on AI dubbing.")))
    again, new, _ = judging.judge_many([*articles[:3], changed, *articles[4:]], topic, kept, processes=1)
    assert list(new) == [judging.work_key(changed, judging.fingerprint(topic))]
    assert {k: again[k] for k in first if k != changed.id} == {k: v for k, v in first.items() if k != changed.id}
    other = topic.model_copy(update={"exclusions": ["sponsored content", "dubbing"]})
    assert judging.work_key(articles[0], judging.fingerprint(other)) != keys[articles[0].id]


def test_the_topic_fingerprint_hashes_the_settings_as_pydantic_dumps_them():
    """``fingerprint`` reads the settings without pydantic's serializer; it must hash exactly what
    ``model_dump`` gives, the keys a store already holds, or every kept assessment is redone."""
    topic = load(ROOT / "config.yaml").topic
    changed = topic.model_copy(update={"senses": [Sense(term="film", not_with=["golf"])], "exclusions": [],
                                       "groups": [ConceptGroup(name="AI", terms=["AI"]), *topic.groups[1:]]})
    for settings in (topic, TopicSettings(threshold=0.9, include=["a.txt"]), changed):
        dumped = settings.model_dump(mode="json", include={"groups", "senses", "exclusions"})
        expected = hashlib.sha256(json.dumps([judging._VERSION, dumped], sort_keys=True).encode()).hexdigest()[:16]
        assert judging.fingerprint(settings) == expected
    assert judging.fingerprint(changed) != judging.fingerprint(topic)


def test_a_second_run_reads_the_store_and_gives_the_same_issue(tmp_path, monkeypatch):
    config = load(ROOT / "config.yaml").model_copy(update={"store": tmp_path / "s.sqlite", "output": tmp_path / "o"})
    first = run_issue(config, NOW)
    with WorkCache(config.store, NOW) as cache:
        assert cache.count("relevance") == cache.count("dedup") == 5

    def recomputed(*args, **kwargs):
        raise AssertionError("the second run recomputed per-article work it had kept")

    assess_all = judging._assess_all
    monkeypatch.setattr(judging, "_assess_all", lambda todo, *rest: recomputed() if todo else assess_all(todo, *rest))
    monkeypatch.setattr(features, "compute", recomputed)
    again = run_issue(config.model_copy(update={"output": tmp_path / "o2"}), NOW)
    assert again.digest.relevance == first.digest.relevance and again.email.html == first.email.html



def test_a_rerun_with_nothing_new_leaves_the_weeks_dedup_state_unwritten(tmp_path):
    """The week's dedup state (~8 MB at 10,000 articles) is written only when it changed."""
    import shutil
    import sqlite3

    from digest.stories import again
    from tests.conftest import SEEDS

    shutil.copytree(SEEDS, tmp_path / "saved")
    config = load(ROOT / "config.yaml").model_copy(update={"store": tmp_path / "s.sqlite", "output": tmp_path / "o"})

    def state_row():
        with sqlite3.connect(config.store) as db:
            return db.execute("SELECT rowid, value FROM article_work WHERE kind = ?", (again.KIND,)).fetchall()

    run_issue(config, NOW, sources=[str(tmp_path / "saved")])
    first = state_row()
    run_issue(config, NOW, sources=[str(tmp_path / "saved")])
    assert state_row() == first and len(first) == 1  # the same row, not written again
    (tmp_path / "saved" / "new.txt").write_text("Studios test AI dubbing for films.\n\nA streaming service "
                                                "uses generative AI to dub series into ten languages.", encoding="utf-8")
    run_issue(config, NOW, sources=[str(tmp_path / "saved")])
    assert state_row()[0][0] != first[0][0] and state_row()[0][1] != first[0][1]

def test_kept_dedup_work_gives_the_same_stories_and_only_new_articles_are_computed(seed_articles):
    settings = load(ROOT / "config.yaml").dedup
    footer = "Sign up for the Daily Reel newsletter to get every story on AI in film first."
    articles = [replace(a, outlet="Daily Reel", blocks=(*a.blocks, Block("paragraph", footer))) if n % 3 == 0 else a
                for n, a in enumerate([*seed_articles, *week_of(seed_articles, 30)])]  # 12 share a boilerplate line
    articles.append(replace(seed_articles[1], id="copy", location="copy.txt", outlet="Wire"))  # one key for two ids
    _, kept = features.features_of(articles, settings)
    assert len(kept) == len(articles) - 1
    changed = replace(articles[7], blocks=(*articles[7].blocks, Block("paragraph", "A new paragraph on AI dubbing.")))
    week = [*articles[:7], changed, *articles[8:]]
    found, new = features.features_of(week, settings, kept)
    assert list(new) == [features.work_key(changed, features.settings_print(settings))]
    assert dedup.group(week, settings, found) == dedup.group(week, settings)
    other = settings.model_copy(update={"story_lead_words": 60})
    assert features.work_key(changed, features.settings_print(other)) not in kept


def test_a_second_week_read_reads_the_kept_dedup_work_and_finds_the_same_stories(seed_articles, tmp_path):
    config = load(ROOT / "config.yaml").model_copy(update={"store": tmp_path / "s.sqlite"})
    articles = [*seed_articles, *week_of(seed_articles, 40)]
    with WorkCache(config.store, NOW) as cache:
        first = find_stories(articles, config, cache=cache)
        assert cache.hits["dedup"] == 0 and cache.count("dedup") == len(first.articles)
    with WorkCache(config.store, NOW) as cache:
        again = find_stories(articles, config, cache=cache)
        assert cache.hits["dedup"] == cache.count("dedup") == len(again.articles)
    assert again.grouped == first.grouped and len(first.grouped) > 1


def test_one_cache_serves_folders_read_in_threads(tmp_path):
    """gather_paths reads folders ``concurrency`` at a time, all with the run's one WorkCache."""
    from digest.sources import gather_paths

    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "story.txt").write_text(f"Story {name}\n\nA studio used AI for the film {name}.\n",
                                                   encoding="utf-8")
    folders = [str(tmp_path / name) for name in ("a", "b", "c")]
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache, Store(tmp_path / "store.sqlite") as store:
        first = gather_paths(folders, None, concurrency=3, cache=cache)
        store.keep_articles([a for r in first for a in r.articles], NOW, cache.hashed)  # as a run does
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache:
        again = gather_paths(folders, None, concurrency=3, cache=cache)
        assert cache.hits["article"] == 3  # every file read from the cache, whichever thread asked
    assert [r.status for r in first] == ["ok"] * 3
    assert [r.articles for r in again] == [r.articles for r in first]


def test_relevance_keys_tell_apart_contents_whose_texts_run_together():
    """work_key hashes the parts with their lengths: moving text between the title and a block,
    or between blocks, or changing a block's kind, makes another key; the same content the same key."""
    base = make_article(text="AI dubs films.\nStudios agree.", title="A title")
    variants = [
        replace(base, title="A titl", blocks=(Block("paragraph", "eAI dubs films."), base.blocks[1])),
        replace(base, blocks=(Block("paragraph", "AI dubs films.Studios agree."),)),
        replace(base, blocks=(Block("paragraph", "AI dubs films.S"), Block("paragraph", "tudios agree."))),
        replace(base, blocks=(Block("heading", base.blocks[0].text), base.blocks[1])),
        replace(base, title="1:A title"),
    ]
    keys = [judging.work_key(a, "print") for a in (base, *variants)]
    assert len(set(keys)) == len(keys)
    assert judging.work_key(replace(base, id="other", outlet="Other"), "print") == keys[0]
    assert judging.work_key(base, "other print") != keys[0]


def test_a_row_read_is_marked_again_only_when_its_mark_is_old_and_unread_rows_still_go(tmp_path):
    """Moving a row's ``used`` mark rewrites the row (value included): a row marked within
    MARK_DAYS keeps its mark, an older one is marked now, one unread for KEEP_DAYS is forgotten."""
    import sqlite3
    from datetime import timedelta

    from digest.work import KEEP_DAYS, MARK_DAYS

    path = tmp_path / "s.sqlite"
    for key, age in (("fresh", MARK_DAYS - 1), ("stale", MARK_DAYS + 1), ("gone", KEEP_DAYS + 1)):
        with WorkCache(path, NOW - timedelta(days=age)) as cache:
            cache.put("relevance", {key: [0.5, "why"]})
    with WorkCache(path, NOW) as cache:
        assert cache.get("relevance", ["fresh", "stale"]) == {"fresh": [0.5, "why"], "stale": [0.5, "why"]}
    with sqlite3.connect(path) as db:
        used = dict(db.execute("SELECT key, used FROM article_work WHERE kind = 'relevance'"))  # not the bundle's
        plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN DELETE FROM article_work WHERE used < ?", ("x",)))
    assert used == {"fresh": (NOW - timedelta(days=MARK_DAYS - 1)).isoformat(), "stale": NOW.isoformat()}
    assert "article_work_used" in plan  # forgetting rows reads the index, not every row's value


def test_a_rerun_cleans_only_the_folder_articles_not_found_clean_before(tmp_path, monkeypatch):
    """A folder file kept since a run found it clean (``clean_article`` left it as it was, when it
    was kept) is not searched for characters to clean again, that run or later; one that held some
    is cleaned every run, and a change of the cleaning rules (their hash) cleans them all again."""
    shutil.copytree(ROOT / "seeds", tmp_path / "saved")
    dirty = tmp_path / "saved" / "zz_dirty.txt"
    dirty.write_text("title: Netflix dubs a series with AI\u200b\n\n" + (ROOT / "seeds" / "000_c7e0382a186865a9.txt")
                     .read_text(encoding="utf-8").split("\n\n", 1)[1].replace("AI", "A\u200bI", 1), encoding="utf-8")
    (tmp_path / "config.yaml").write_text("sources:\n  folders:\n    - path: saved\noutput: out\nstore: s.sqlite\n",
                                          encoding="utf-8")
    config = load(tmp_path / "config.yaml")
    cleaned = []
    clean = pipeline.clean_article
    monkeypatch.setattr(pipeline, "clean_article", lambda article: cleaned.append(article.location) or clean(article))
    first = run_issue(config, NOW)
    assert cleaned == [str(dirty)] and first.articles_read > 5  # the others found clean as they were kept
    cleaned.clear()
    again = run_issue(config, NOW)
    assert cleaned == [str(dirty)] and again.email.html == first.email.html and "\u200b" not in again.email.text
    work.hygiene_print.cache_clear()
    monkeypatch.setattr(work, "hygiene_print", lambda: "other rules")
    cleaned.clear()
    run_issue(config, NOW)
    assert len(cleaned) == first.articles_read


def _rows(path) -> int:
    with sqlite3.connect(path) as other:
        return other.execute("SELECT COUNT(*) FROM article_work").fetchone()[0]


def test_values_put_are_read_at_once_and_written_together_by_one_flush(tmp_path):
    """A re-run's few new values of each kind (folder files, relevance, dedup, the week's state)
    are one transaction, not one each; a context left with an error still keeps the work put."""
    path = tmp_path / "digest.sqlite"
    with WorkCache(path, NOW) as cache:
        cache.put("relevance", {"r": [0.5, "why"]})
        cache.put("dedup", {"d": b"\x00\x01"})
        assert cache.get("relevance", ["r", "d"]) == {"r": [0.5, "why"]} and cache.get("dedup", ["d"]) == {"d": b"\x00\x01"}
        assert _rows(path) == 0
        commits: list[str] = []
        cache._db.set_trace_callback(lambda statement: commits.append(statement) if statement == "COMMIT" else None)
        cache.flush()
        assert commits == ["COMMIT"] and _rows(path) == 2
        cache.put("dedup", {f"k{n}": b"" for n in range(work.CHUNK)})  # many at once are written at once
        assert _rows(path) == 2 + work.CHUNK
    try:
        with WorkCache(path, NOW) as cache:
            cache.put("relevance", {"late": [0.0, "kept"]})
            raise RuntimeError("a later step failed")
    except RuntimeError:
        pass
    with WorkCache(path, NOW) as cache:
        assert cache.get("relevance", ["late"]) == {"late": [0.0, "kept"]}


def test_a_failed_run_raises_its_own_error_when_its_work_cannot_be_written_either(tmp_path, caplog):
    """Leaving the cache after an error writes the work put; if that fails too, it is logged and the
    run's own error is the one raised, not the writing's; without an error before, the writing's is raised."""
    import pytest

    path = tmp_path / "digest.sqlite"
    with pytest.raises(RuntimeError, match="the run's own error"), WorkCache(path, NOW) as cache:
        cache.put("relevance", {"ok": [0.5, "kept"], "bad": {"a set", "JSON refuses"}})
        raise RuntimeError("the run's own error")
    assert "work cache: the work put was not kept (TypeError" in caplog.text and _rows(path) == 0
    with pytest.raises(TypeError), WorkCache(path, NOW) as cache:
        cache.put("relevance", {"bad": {"a set"}})


def test_a_rerun_takes_the_work_keys_hashes_of_kept_folder_articles_from_the_cache(tmp_path, monkeypatch):
    """A folder file kept clean keeps its relevance and dedup hashes (``content_hash``,
    ``text_hash``) with it: a re-run hashes none of them again and finds the same kept work (no new
    rows); one kept without them (not found clean) is hashed as before."""
    shutil.copytree(ROOT / "seeds", tmp_path / "saved")
    (tmp_path / "config.yaml").write_text("sources:\n  folders:\n    - path: saved\noutput: out\nstore: s.sqlite\n",
                                          encoding="utf-8")
    config = load(tmp_path / "config.yaml")
    first = run_issue(config, NOW)
    rows = _rows(tmp_path / "s.sqlite")
    hashed = []
    content_hash, text_hash = judging.content_hash, features.text_hash
    monkeypatch.setattr(judging, "content_hash", lambda head, blocks: hashed.append(head) or content_hash(head, blocks))
    monkeypatch.setattr(features, "text_hash", lambda title, text: hashed.append(title) or text_hash(title, text))
    again = run_issue(config, NOW)
    assert hashed == [] and again.email.html == first.email.html and _rows(tmp_path / "s.sqlite") == rows
    with sqlite3.connect(tmp_path / "s.sqlite") as db:  # each kept as one not found clean: no mark, no hashes
        values = db.execute("SELECT key, value FROM article_work WHERE kind = 'article'").fetchall()
        db.executemany("UPDATE article_work SET value = ? WHERE key = ?",
                       [(marshal.dumps((hashed, None, record)), key)
                        for key, (hashed, _, record) in ((key, marshal.loads(value)) for key, value in values)])
    older = run_issue(config, NOW)
    assert len(hashed) == 2 * first.articles_read and older.email.html == first.email.html
    assert _rows(tmp_path / "s.sqlite") == rows


def test_a_rerun_reads_the_assessments_it_used_last_from_one_row(tmp_path):
    """The relevance values a run read or put are kept in one row too (``work.BUNDLED``): the next
    run finds them there (as JSON gives them back, as their rows do) and looks up the others
    alone; the row is written again only when the values used change, and one that is not a
    bundle is as good as none."""
    path = tmp_path / "s.sqlite"
    everything = {"a": [0.5, "why"], "b": [0.0, "no AI concept"], "c": [0.7, "late"]}
    with WorkCache(path, NOW) as cache:
        assert cache.get("relevance", ["a", "b"]) == {}
        cache.put("relevance", {"a": (0.5, "why"), "b": (0.0, "no AI concept")})
    with WorkCache(path, NOW) as cache:  # a run of c alone: its bundle holds c alone
        assert cache.get("relevance", ["c"]) == {}
        cache.put("relevance", {"c": (0.7, "late")})
    for n in range(2):
        statements = []
        with WorkCache(path, NOW) as cache:
            cache._db.set_trace_callback(statements.append)
            assert cache.get("relevance", ["a", "b", "c"]) == everything
        looked_up = [s for s in statements if "kind = 'relevance'" in s]
        written = [s for s in statements if s.startswith("INSERT") and "'bundle:relevance'" in s]
        if n == 0:  # a and b from their rows, c from the bundle, and then the three make the bundle
            assert len(looked_up) == 1 and "'a','b'" in looked_up[0] and "'c'" not in looked_up[0] and len(written) == 1
        else:
            assert not looked_up and not written
    with sqlite3.connect(path) as db:
        db.execute("UPDATE article_work SET value = '\"abc\"' WHERE key = 'bundle:relevance'")  # JSON, not a mapping
    with WorkCache(path, NOW) as cache:
        assert cache.get("relevance", ["a", "c", "d"]) == {"a": [0.5, "why"], "c": [0.7, "late"]}
        assert cache.hits["relevance"] == 2


def test_the_bundle_is_written_again_when_a_tenth_of_the_values_used_are_not_in_it_or_it_holds_twice_as_many(tmp_path):
    """A re-run's few new assessments are looked up alone rather than the whole bundle written
    again each run; a run using a tenth more, or less than half of it, writes it again."""
    path = tmp_path / "s.sqlite"

    def bundle() -> list[str]:
        with sqlite3.connect(path) as db:
            return sorted(json.loads(db.execute("SELECT value FROM article_work WHERE key = 'bundle:relevance'").fetchone()[0]))

    def run(keys: list[str]) -> list[str]:
        statements: list[str] = []
        with WorkCache(path, NOW) as cache:
            cache._db.set_trace_callback(statements.append)
            found = cache.get("relevance", keys)
            cache.put("relevance", {key: [0.1, key] for key in keys if key not in found})
        return [s for s in statements if "kind = 'relevance'" in s]

    first = [f"k{n:02}" for n in range(20)]
    run(first)
    assert bundle() == first
    run([*first, "k20"])  # 1 of 21 not in it: looked up alone next time
    assert bundle() == first
    looked_up = run([*first, "k20"])
    assert len(looked_up) == 1 and "'k20'" in looked_up[0] and "'k00'" not in looked_up[0]
    run([*first, "k20", "k21", "k22"])  # 3 of 23
    assert bundle() == [*first, "k20", "k21", "k22"]
    run(first[:5])
    assert bundle() == first[:5]
