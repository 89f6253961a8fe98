"""The SQLite store: articles seen, issues produced, and what each issue featured."""

import dataclasses
import sqlite3
from datetime import datetime, timezone

from digest.models import Digest, Origin, Story
from digest.store import SCHEMA_VERSION, Store
from tests.conftest import make_article

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)


def test_articles_are_remembered_once(tmp_path):
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    with Store(tmp_path / "s.sqlite") as store:
        assert store.record_articles([a, b], NOW) == 2
        assert store.record_articles([a], NOW.replace(day=27)) == 0
        assert store.article_count() == 2
    db = sqlite3.connect(tmp_path / "s.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    first, last = db.execute("SELECT first_seen, last_seen FROM articles WHERE id = ?", (a.id,)).fetchone()
    assert (first, last) == (NOW.isoformat(), NOW.replace(day=27).isoformat())


def test_issue_and_featured_articles(tmp_path):
    a, b = make_article(location="a", text="One."), make_article(location="b", text="Two.")
    story = Story("s1", "A story", (Origin("o1", (a,)), Origin("o2", (b,))))
    digest = Digest("T", "2025-W29", NOW, (story,), (), (), (a, b))
    with Store(tmp_path / "s.sqlite") as store:
        store.record_articles([a, b], NOW)
        store.record_issue(digest, tmp_path, "<html></html>")
        store.record_issue(dataclasses.replace(digest, stories=(Story("s1", "A story", (Origin("o1", (a,)),)),)),
                           tmp_path, "<html>2</html>")  # rebuilding a week replaces its record
        assert [i["week"] for i in store.issues()] == ["2025-W29"]
        assert store.featured("2025-W29") == [a.id]


def test_store_survives_reopening(tmp_path):
    path = tmp_path / "nested" / "s.sqlite"
    with Store(path) as store:
        store.record_articles([make_article()], NOW)
    with Store(path) as store:
        assert store.article_count() == 1
