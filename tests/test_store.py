"""The SQLite store: articles seen, issues produced, and what each issue featured."""

import dataclasses
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from digest.models import Digest, Email, Origin, Story
from digest.store import SCHEMA_VERSION, Store
from tests.conftest import make_article

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)


def _email(html: str, text: str = "text") -> Email:
    return Email("Subject", "", html, text)


def test_articles_are_remembered_once(tmp_path):
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    with Store(tmp_path / "s.sqlite") as store:
        assert store.keep_articles([a, b], NOW) == 2
        assert store.keep_articles([a], NOW.replace(day=27)) == 0
        assert store.article_count() == 2
        assert store.first_seen([a.id]) == {a.id: NOW}  # a later sighting never moves first_seen
    db = sqlite3.connect(tmp_path / "s.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_issue_and_featured_articles(tmp_path):
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    story = Story("s1", "A story", (Origin("o1", (a,)), Origin("o2", (b,))))
    digest = Digest("T", "2025-W29", NOW, (story,), (), (), (a, b))
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([a, b], NOW)
        store.record_issue(digest, tmp_path, _email("<html></html>"))
        store.record_issue(dataclasses.replace(digest, stories=(Story("s1", "A story", (Origin("o1", (a,)),)),)),
                           tmp_path, _email("<html>2</html>"))  # rebuilding a week replaces its record
        assert [i["week"] for i in store.issues()] == ["2025-W29"]
        assert store.featured("2025-W29") == [a.id]


def _count_row_writes(store: Store) -> Callable[[], list[str]]:
    """The ids of article rows this connection writes from now on (temporary triggers, this connection's only)."""
    store._db.execute("CREATE TEMP TABLE written (id TEXT)")
    for event in ("INSERT", "UPDATE"):
        store._db.execute(f"CREATE TEMP TRIGGER written_{event} AFTER {event} ON article_data "
                          "BEGIN INSERT INTO written VALUES (NEW.id); END")
    return lambda: [row[0] for row in store._db.execute("SELECT id FROM written ORDER BY rowid")]


def test_only_new_and_changed_articles_are_written(tmp_path):
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    changed = dataclasses.replace(b, title="Two, updated")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([a, b], NOW)
        written = _count_row_writes(store)
        assert store.keep_articles([a, b], NOW.replace(day=27)) == 0 and written() == []
        assert store.keep_articles([a, changed], NOW.replace(day=27)) == 0 and written() == [b.id]
        assert store.keep_articles([a, changed], NOW.replace(day=27)) == 0 and written() == [b.id]
        assert store.first_seen([b.id]) == {b.id: NOW}
        stored = store._db.execute("SELECT data FROM article_data WHERE id = ?", (b.id,)).fetchone()[0]
    # byte for byte what earlier versions wrote (dataclasses.asdict), so their rows count as unchanged
    assert stored == json.dumps(dataclasses.asdict(changed), sort_keys=True, ensure_ascii=False)


def test_articles_the_caller_holds_are_not_read_again(tmp_path):
    a, b = (make_article(location=n, text=n, published=NOW.replace(day=18)) for n in "ab")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([a, b], NOW)
        assert store.stored_articles(NOW.replace(day=14), NOW, known={a.id}) == [b]


def test_store_survives_reopening(tmp_path):
    path = tmp_path / "nested" / "s.sqlite"
    with Store(path) as store:
        store.keep_articles([make_article()], NOW)
    with Store(path) as store:
        assert store.article_count() == 1


def test_articles_are_kept_in_full_and_found_by_week(tmp_path):
    dated = make_article(location="a", text="One.\nTwo.", published=NOW.replace(day=17), url="https://x.example/a",
                         source="feed", dropped=("Share this",), inferred=("title",), author="Ann")
    undated = make_article(location="b", text="Three.", source="folder")
    old = make_article(location="c", text="Four.", published=NOW.replace(month=6), source="feed")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([dated, undated, old], NOW)
        week = (NOW.replace(day=14, hour=0), NOW.replace(day=20, hour=23))
        assert store.stored_articles(*week) == [dated]  # equal after the round trip, field by field
        assert {a.id for a in store.stored_articles(*week, undated=True)} == {dated.id, undated.id}
        assert store.stored_articles(*week, sources=["folder"]) == []
        undated_old = make_article(location="d", text="Five.", source="folder")
        store.keep_articles([undated_old], NOW.replace(month=6))
        assert {a.id for a in store.stored_articles(*week, undated=True)} == {dated.id, undated.id}


def test_a_week_is_found_in_the_index_not_by_reading_every_row(tmp_path):
    """The store keeps every week: finding one reads its index entries only."""
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([make_article(location="a", text="One.")], NOW)
        statements: list[str] = []
        store._db.set_trace_callback(statements.append)  # what stored_articles runs, values written in
        store.stored_articles(NOW.replace(day=14), NOW, undated=True)
        store._db.set_trace_callback(None)
        (query,) = [s for s in statements if "article_data" in s and "published" in s]
        plan = " ".join(row[-1] for row in store._db.execute("EXPLAIN QUERY PLAN " + query))
    assert plan.count("COVERING INDEX article_data_week") == 2  # both sides of its OR, no scan


def test_http_cache_pages_and_source_runs(tmp_path):
    from digest.models import Response

    with Store(tmp_path / "s.sqlite") as store:
        assert store.cached("https://x.example/feed") is None
        store.remember("https://x.example/feed", Response("https://x.example/feed2", 200, b"<rss/>", "text/xml", '"e1"', ""))
        assert store.cached("https://x.example/feed") == Response("https://x.example/feed2", 200, b"<rss/>", "text/xml", '"e1"', "")
        store.remember_page("https://x.example/a", {"text": "T", "meta": {}}, NOW)
        assert store.page("https://x.example/a") == {"text": "T", "meta": {}} and store.page_count() == 1
        run = {"name": "feed", "kind": "feed", "location": "https://x.example/feed", "last_fetch": NOW.isoformat(),
               "status": "ok", "items": 1, "inferred": "", "problems": 0}
        store.record_source_run(run)
        store.keep_articles([make_article(source="feed")], NOW)
        assert store.source_runs() == [{**run, "stored": 1}]
        assert store.import_feeds([("https://a.example/f", "A"), ("https://a.example/f", "A")], "opml:x") == 1
        assert store.imported_feeds() == [("https://a.example/f", "A")]


def test_first_featured_names_the_earliest_issue_and_its_number(tmp_path):
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([a, b], NOW)
        store.keep_articles([a, b], NOW)
        for week, articles in (("2025-W28", (a,)), ("2025-W29", (a, b))):
            story = Story("s", "S", tuple(Origin(x.id, (x,)) for x in articles))
            store.record_issue(Digest("T", week, NOW, (story,), (), (), articles), tmp_path, _email(""))
        assert store.first_featured([a.id, b.id], "2025-W30") == {a.id: ("2025-W28", 1), b.id: ("2025-W29", 2)}
        assert store.first_featured([a.id, b.id], "2025-W29") == {a.id: ("2025-W28", 1)}
        assert [x.id for x in store.featured_articles("2025-W29", "2025-W30")] == sorted([a.id, b.id])
        many = [f"other-{n}" for n in range(300_000)]  # more ids than one SQLite statement may bind (250,000 on Debian)
        assert store.first_featured([*many, b.id], "2025-W30") == {b.id: ("2025-W29", 2)}
        assert store.first_seen([*many, a.id]) == {a.id: NOW}


def test_a_schema_1_store_is_migrated_without_losing_what_issues_featured(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # the two tables schema 1 had and schema 2 drops or rebuilds
        db.executescript(
            "CREATE TABLE articles (id TEXT PRIMARY KEY, location TEXT NOT NULL, url TEXT, outlet TEXT NOT NULL,"
            " title TEXT NOT NULL, published TEXT, content_sha256 TEXT NOT NULL, first_seen TEXT NOT NULL,"
            " last_seen TEXT NOT NULL);"
            "CREATE TABLE issues (week TEXT PRIMARY KEY, created TEXT NOT NULL, folder TEXT NOT NULL,"
            " html_sha256 TEXT NOT NULL, stories INTEGER NOT NULL, facts INTEGER NOT NULL);"
            "CREATE TABLE issue_articles (week TEXT NOT NULL REFERENCES issues(week) ON DELETE CASCADE,"
            " article_id TEXT NOT NULL REFERENCES articles(id), story_id TEXT NOT NULL,"
            " PRIMARY KEY (week, article_id));"
            "INSERT INTO issues VALUES ('2025-W29', 'x', 'out', 'sha', 1, 0);"
            "INSERT INTO issue_articles VALUES ('2025-W29', 'a1', 's1');"
            "PRAGMA user_version = 1;")
    with Store(path) as store:
        assert store.featured("2025-W29") == ["a1"]
        a = make_article(location="a", text="One.")
        store.keep_articles([a], NOW)
        story = Story("s1", "A story", (Origin("o1", (a,)),))
        store.record_issue(Digest("T", "2025-W30", NOW, (story,), (), (), (a,)), tmp_path, _email("<html></html>"))
        assert store.featured("2025-W30") == [a.id]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'articles'").fetchall()


def test_an_approval_holds_for_the_same_issue_and_is_void_once_it_changes(tmp_path):
    a = make_article(location="a", text="One.")
    digest = Digest("T", "2025-W29", NOW, (Story("s1", "A story", (Origin("o1", (a,)),)),), (), (), (a,))
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([a], NOW)
        assert store.approval("2025-W29") is None
        store.record_issue(digest, tmp_path, _email("<p>1</p>"))
        store.approve("2025-W29", _email("<p>1</p>").fingerprint, NOW, "ed")
        assert store.approval("2025-W29") == {"week": "2025-W29", "fingerprint": _email("<p>1</p>").fingerprint,
                                                   "approved": NOW.isoformat(), "editor": "ed", "valid": True}
        store.record_issue(digest, tmp_path, _email("<p>1</p>"))  # rebuilt, byte-identical: still approved
        assert store.approval("2025-W29")["valid"]
        store.record_issue(digest, tmp_path, _email("<p>1</p>", text="changed"))  # any change voids it
        assert store.approval("2025-W29")["valid"] is False
        assert store.withdraw_approval("2025-W29") and store.approval("2025-W29") is None


def test_the_record_holds_the_hash_of_each_file_and_of_what_subscribers_get(tmp_path):
    import hashlib
    a = make_article(location="a", text="One.")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([a], NOW)
        store.record_issue(Digest("T", "2025-W29", NOW, (Story("s", "S", (Origin("o", (a,)),)),), (), (), (a,)),
                           tmp_path, _email("<p>x</p>", "x"))
        record = store.issue("2025-W29")
    assert record["html_sha256"] == hashlib.sha256(b"<p>x</p>").hexdigest()
    assert record["text_sha256"] == hashlib.sha256(b"x").hexdigest()
    assert record["fingerprint"] == _email("<p>x</p>", "x").fingerprint != _email("<p>x</p>", "y").fingerprint
    assert record["subject"] == "Subject"


def test_a_schema_2_store_gains_the_new_columns_and_keeps_its_issues(tmp_path):
    path = tmp_path / "v2.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE issues (week TEXT PRIMARY KEY, created TEXT NOT NULL, folder TEXT NOT NULL,"
            " html_sha256 TEXT NOT NULL, stories INTEGER NOT NULL, facts INTEGER NOT NULL);"
            "INSERT INTO issues VALUES ('2025-W29', 'x', 'out', 'sha', 1, 0);"
            "PRAGMA user_version = 2;")
    with Store(path) as store:
        assert store.issue("2025-W29") == {"week": "2025-W29", "created": "x", "folder": "out", "html_sha256": "sha",
                                                "stories": 1, "facts": 0, "text_sha256": "", "subject": "",
                                                "fingerprint": ""}
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3


def test_opening_a_current_store_writes_nothing(tmp_path):
    """Every run opens the store more than once: opening one of the current schema changes no
    byte of it (SQLite's change counter in the header moves with any write)."""
    path = tmp_path / "digest.sqlite"
    with Store(path) as store:
        store.keep_articles([make_article()], NOW)
    before = path.read_bytes()
    with Store(path) as store:
        assert store.first_seen([make_article().id])
    assert path.read_bytes() == before and not (tmp_path / "digest.sqlite-journal").exists()


def test_blocks_read_back_equal_blocks_made_the_usual_way():
    """models.block_of (the store's and the folder cache's fast maker) gives a Block like any other:
    equal, same hash, frozen."""
    import dataclasses

    import pytest

    from digest.models import Block, block_of

    made = block_of("heading", "AI at the box office")
    assert made == Block("heading", "AI at the box office") and hash(made) == hash(Block("heading", "AI at the box office"))
    assert type(made) is Block and dataclasses.astuple(made) == ("heading", "AI at the box office")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.text = "changed"


@pytest.mark.parametrize("others", [0, 10])
def test_a_row_changed_by_anything_else_is_compared_in_full_and_written_again(tmp_path, others):
    """keep_articles trusts a row's kept hash only while nothing else touched the row: an older
    digest's write or a hand edit forgets it (a trigger), and a store without hashes (written
    before they were kept) is compared in full once, writing no unchanged row. The kept hashes
    are read whole (``others`` 0) or looked up by id (10 other articles kept: two ids are under a
    third of the table)."""
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([make_article(location=f"other{n}", text="Other.") for n in range(others)], NOW)
        store.keep_articles([a, b], NOW)
        statements = []
        store._db.set_trace_callback(statements.append)
        store.keep_articles([a, b], NOW)
        looked_up = [s for s in statements if s.startswith("SELECT id, hash FROM article_hashes")]
        assert len(looked_up) == 1 and ("WHERE id IN" in looked_up[0]) == bool(others)
        store._db.set_trace_callback(None)
        store._db.execute("UPDATE article_data SET data = replace(data, 'Two.', 'Edited.') WHERE id = ?", (b.id,))
        store._db.execute("DELETE FROM article_hashes WHERE id = ?", (a.id,))  # as before hashes were kept
        store._db.commit()
        written = _count_row_writes(store)
        assert store.keep_articles([a, b], NOW) == 0 and written() == [b.id]
        assert store._db.execute("SELECT COUNT(*) FROM article_hashes").fetchone()[0] == 2 + others
        assert store.keep_articles([a, b], NOW) == 0 and written() == [b.id]
        assert "Edited." not in store._db.execute("SELECT data FROM article_data WHERE id = ?", (b.id,)).fetchone()[0]
        store._db.execute("DELETE FROM article_data WHERE id = ?", (a.id,))
        store._db.commit()
        assert store.keep_articles([a, b], NOW) == 1 and written() == [b.id, a.id]
        store._db.execute("INSERT OR REPLACE INTO article_data SELECT id, source, published, first_seen, "
                          "replace(data, 'One.', 'Replaced.') FROM article_data WHERE id = ?", (a.id,))
        store._db.commit()  # REPLACE deletes the old row without firing a delete trigger
        assert store.keep_articles([a, b], NOW) == 0 and written() == [b.id, a.id, a.id, a.id]
        assert "Replaced." not in store._db.execute("SELECT data FROM article_data WHERE id = ?", (a.id,)).fetchone()[0]


def test_every_field_of_an_article_is_in_its_hash():
    """Two articles that differ in any one field have different hashes (so neither row is skipped)."""
    from digest.models import Block
    from digest.store import article_hash

    base = make_article(location="a", text="One.\nTwo.", published=NOW)
    changes = dict(id="x", location="b", title="Other", outlet="Other", url="https://e.example/a",
                   published=NOW.replace(day=21), author="Ann", source="feed", dropped=("Share this",),
                   inferred=("title",), pinned=True, blocks=(Block("paragraph", "One.Two."),))
    hashes = {name: article_hash(dataclasses.replace(base, **{name: value})) for name, value in changes.items()}
    assert set(changes) == {f.name for f in dataclasses.fields(base)}
    assert len(set(hashes.values()) | {article_hash(base)}) == len(changes) + 1
    assert article_hash(dataclasses.replace(base, published=None)) != article_hash(base) == article_hash(dataclasses.replace(base))


def test_a_rerun_of_unchanged_articles_reads_no_article_row(tmp_path):
    """An article whose kept hash matches its row's is taken as that row: keep_articles reads only
    the hashes (the rows' bodies are read for the changed one alone)."""
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([a, b], NOW)
        statements = []
        store._db.set_trace_callback(statements.append)
        assert store.keep_articles([a, b], NOW) == 0
        assert statements and not [s for s in statements if "FROM article_data" in s]
        statements.clear()
        assert store.keep_articles([a, dataclasses.replace(b, title="Two, updated")], NOW) == 0
        reads = [s for s in statements if "FROM article_data" in s]
        assert len(reads) == 1 and b.id in reads[0] and a.id not in reads[0]


def test_one_transaction_keeps_a_runs_articles_and_issue_together_or_not_at_all(tmp_path):
    """A run's end (articles, source runs, the issue record) is one transaction: one COMMIT, and
    an error inside keeps none of it."""
    path = tmp_path / "digest.sqlite"
    run = {"name": "saved", "kind": "folder", "location": "saved", "last_fetch": "2025-07-20T08:00:00+00:00",
           "status": "ok", "items": 1, "inferred": 0, "problems": 0}
    with Store(path) as store:
        commits: list[str] = []
        store._db.set_trace_callback(lambda statement: commits.append(statement) if statement == "COMMIT" else None)
        with store.one_transaction():
            store.keep_articles([make_article(id="kept", location="saved/kept.txt")], datetime(2025, 7, 20, tzinfo=timezone.utc))
            store.record_source_run(run)
        assert commits == ["COMMIT"]
        try:
            with store.one_transaction():
                store.keep_articles([make_article(id="lost", location="saved/lost.txt")], datetime(2025, 7, 20, tzinfo=timezone.utc))
                store.record_source_run({**run, "name": "lost"})
                raise RuntimeError("the issue could not be recorded")
        except RuntimeError:
            pass
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM article_data").fetchone()[0] == 1
        assert [name for (name,) in db.execute("SELECT name FROM source_runs")] == ["saved"]


def test_articles_read_back_from_their_rows_equal_articles_made_the_usual_way(tmp_path):
    """The store loads a row holding every field without ``Article.__init__`` (``store._article_of``),
    and so does the work cache its ``article_record`` (``store.article_of_record``): the Article
    equals the one kept, hashes alike and stays frozen; a row without a field that has a default
    (an older digest's) still loads, with that default; a record of another shape is refused."""
    import marshal

    import pytest

    from digest.store import _article_of, _load, article_of_record, article_record

    kept = make_article(location="a", text="One.\nTwo.", published=NOW.replace(day=17), url="https://x.example/a",
                        source="feed", dropped=("Share this",), inferred=("title",), author="Ann")
    with Store(tmp_path / "s.sqlite") as store:
        store.keep_articles([kept], NOW)
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        data = db.execute("SELECT data FROM article_data WHERE id = ?", (kept.id,)).fetchone()[0]
    for loaded in (_load(data), article_of_record(marshal.loads(marshal.dumps(article_record(kept))))):
        assert loaded == kept and hash(loaded) == hash(kept) and dataclasses.astuple(loaded) == dataclasses.astuple(kept)
        with pytest.raises(dataclasses.FrozenInstanceError):
            loaded.title = "changed"
    with pytest.raises(ValueError):
        article_of_record(article_record(kept)[:-1])
    data = json.loads(data)
    del data["pinned"]
    assert _load(json.dumps(data)) == kept
    with pytest.raises(KeyError):
        _article_of({"id": "x"})  # a partial row is never made this way: Article(**data) says what is missing
    from digest.models import Article, Block

    for made in (Article, Block):  # store._article_of and models.block_of set the slots, skipping __init__:
        assert not hasattr(made, "__post_init__") and all(f.init for f in dataclasses.fields(made))  # none to skip
