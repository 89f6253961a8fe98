"""Reading a folder fast and once: plain front matter without the YAML parser (the same values),
digest's own output and store never walked into, and unchanged files taken from the work cache."""

from __future__ import annotations

from dataclasses import replace
import sqlite3
from datetime import datetime, timezone

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.sources import read_folder
from digest.sources.folder import _plain_front_matter
from digest.store import Store
from digest.work import WorkCache

NOW = datetime(2025, 7, 20, 8, 0, tzinfo=timezone.utc)
ARTICLE = "---\ntitle: \"{title}\"\noutlet: \"Outlet {n}\"\n---\n\nStudios used AI to dub the film {n} into nine languages.\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["title", "outlet", "url", "published", "author", "tags", "yes"]),
                          st.text(max_size=12), st.sampled_from(['"', "'", ""])), min_size=1, max_size=4))
def test_plain_front_matter_reads_what_the_yaml_parser_reads_or_leaves_it_to_the_parser(lines):
    text = "\n".join(f"{key}: {quote}{value}{quote}" for key, value, quote in lines)
    plain = _plain_front_matter(text)
    if plain is not None:
        assert plain == yaml.safe_load(text)


def test_a_plain_front_matter_is_read_without_the_parser_and_others_still_with_it():
    assert _plain_front_matter('title: "A \'quoted\' title"\noutlet: "Example"') == {
        "title": "A 'quoted' title", "outlet": "Example"}
    assert _plain_front_matter('title: "line\\nbreak"') is None  # an escape: the parser reads it
    assert _plain_front_matter("include: true") is None


def test_the_output_folder_and_store_inside_a_source_folder_are_not_walked_into(tmp_path):
    (tmp_path / "a.md").write_text(ARTICLE.format(title="One", n=1), encoding="utf-8")
    out = tmp_path / "out" / "2025-W29"
    out.mkdir(parents=True)
    (out / "digest.txt").write_text("Last week's issue, which must not be read as an article.\n", encoding="utf-8")
    articles, problems = read_folder(tmp_path, own=[("output folder", tmp_path / "out"),
                                                    ("store", tmp_path / "digest.sqlite")])
    (tmp_path / "digest.sqlite").write_bytes(b"SQLite format 3\x00")
    assert [a.title for a in articles] == ["One"]
    assert [p.what for p in problems] == ["skipped: digest's own output folder, never read as a source"]
    _, problems = read_folder(tmp_path, own=[("store", tmp_path / "digest.sqlite")])
    assert "skipped: digest's own store, never read as a source" in [p.what for p in problems]
    assert not any(p.where.endswith("digest.txt") for p in problems)


def test_unchanged_files_come_from_the_cache_and_a_changed_one_is_read_again(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.md").write_text(ARTICLE.format(title=f"Story {n}", n=n), encoding="utf-8")
    first, _ = read_folder(folder)
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache:
        assert read_folder(folder, cache=cache)[0] == first
        _keep(tmp_path / "store.sqlite", first, cache)
    (folder / "1.md").write_text(ARTICLE.format(title="Story 1, corrected", n=1), encoding="utf-8")
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache:
        again, _ = read_folder(folder, cache=cache)
        assert cache.hits["article"] == 2  # the two unchanged files were not parsed again
    assert [a.title for a in again] == ["Story 0", "Story 1, corrected", "Story 2"]
    assert again[0] == first[0] and again[2] == first[2]


def _keep(path, articles, cache=None):
    """What a run does after its issue: the store keeps every article (the cache names their rows)."""
    with Store(path) as store:
        store.keep_articles(articles, NOW, cache.hashed if cache else None)


def test_a_kept_file_is_its_own_article_whatever_the_store_row_and_a_damaged_value_is_read_again(tmp_path):
    """The cache keeps the Article itself: a run killed before the store kept it, or a row edited
    since, still takes the unchanged file from the cache, and the store's next keep writes the
    file's Article over the edited row. A value that is not one (another Python's ``marshal``,
    a damaged row) reads as absent: the file is read again and kept anew."""
    folder, path = tmp_path / "articles", tmp_path / "store.sqlite"
    folder.mkdir()
    for n in range(2):
        (folder / f"{n}.md").write_text(ARTICLE.format(title=f"Story {n}", n=n), encoding="utf-8")
    first, _ = read_folder(folder)
    with Store(path), WorkCache(path, NOW) as cache:
        assert read_folder(folder, cache=cache)[0] == first and cache.count("article") == 2
    with WorkCache(path, NOW) as cache:  # the store never kept them: the cache has them all the same
        again = read_folder(folder, cache=cache)[0]
        assert again == first and cache.hits["article"] == 2
        _keep(path, again, cache)
    with Store(path) as store, store._db:
        store._db.execute("UPDATE article_data SET data = replace(data, 'Story 1', 'Edited') WHERE id = ?", (first[1].id,))
    with WorkCache(path, NOW) as cache:
        again = read_folder(folder, cache=cache)[0]
        assert again == first and cache.hits["article"] == 2
        _keep(path, again, cache)  # the edited row has lost its hash (the trigger): written again
    with Store(path) as store:
        assert store.stored_articles(NOW.replace(year=1900), NOW, undated=True) == sorted(first, key=lambda a: a.id)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE article_work SET value = substr(value, 1, 40) WHERE kind = 'article' AND rowid = "
                   "(SELECT MIN(rowid) FROM article_work WHERE kind = 'article')")  # cut short, as a torn value
        db.execute("UPDATE article_work SET value = X'0102' WHERE kind = 'article' AND rowid = "
                   "(SELECT MAX(rowid) FROM article_work WHERE kind = 'article')")  # no marshal value at all
    with WorkCache(path, NOW) as cache:
        assert read_folder(folder, cache=cache)[0] == first and cache.hits["article"] == 0
    with WorkCache(path, NOW) as cache:  # kept anew by the run that read them
        assert read_folder(folder, cache=cache)[0] == first and cache.hits["article"] == 2


def test_the_store_keeps_folder_articles_with_the_hashes_the_cache_made(tmp_path, monkeypatch):
    """``Store.keep_articles`` takes the hashes ``WorkCache.put_articles`` made (``cache.hashed``)
    instead of hashing those Articles again; an equal Article that is another object is hashed."""
    from digest import store as store_module

    folder, path = tmp_path / "articles", tmp_path / "store.sqlite"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.md").write_text(ARTICLE.format(title=f"Story {n}", n=n), encoding="utf-8")
    with WorkCache(path, NOW) as cache:
        articles = read_folder(folder, cache=cache)[0]
    hashed = []
    real = store_module.article_hash
    monkeypatch.setattr(store_module, "article_hash", lambda article: hashed.append(article.id) or real(article))
    copy = replace(articles[0])
    with Store(path) as store:
        assert store.keep_articles([copy, *articles[1:]], NOW, cache.hashed) == 3
        kept = dict(store._db.execute("SELECT id, hash FROM article_hashes"))
    assert hashed == [copy.id] and kept == {a.id: real(a) for a in articles}


def test_a_file_rewritten_with_its_size_and_mtime_or_replaced_by_another_is_read_again(tmp_path):
    """The kept Article is keyed by size, mtime, inode and change time: a rewrite that keeps the
    size and sets the mtime back (rsync -t, a restore) and a same-size file moved over it with the
    same mtime are both read again."""
    import os
    import time

    folder = tmp_path / "articles"
    folder.mkdir()
    target = folder / "1.md"
    target.write_text(ARTICLE.format(title="Story A", n=1), encoding="utf-8")
    stat = target.stat()
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache:
        assert [a.title for a in read_folder(folder, cache=cache)[0]] == ["Story A"]
    time.sleep(0.01)  # the change time moves with the clock
    target.write_text(ARTICLE.format(title="Story B", n=1), encoding="utf-8")  # same size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache:
        assert [a.title for a in read_folder(folder, cache=cache)[0]] == ["Story B"] and cache.hits["article"] == 0
    other = tmp_path / "other.md"
    other.write_text(ARTICLE.format(title="Story C", n=1), encoding="utf-8")
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(other, target)
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache:
        articles = read_folder(folder, cache=cache)[0]
        assert [a.title for a in articles] == ["Story C"] and cache.hits["article"] == 0
        _keep(tmp_path / "store.sqlite", articles, cache)
    with WorkCache(tmp_path / "store.sqlite", NOW) as cache:
        assert [a.title for a in read_folder(folder, cache=cache)[0]] == ["Story C"] and cache.hits["article"] == 1


def test_an_article_is_kept_only_when_it_comes_back_from_json_and_marshal_the_same():
    from digest.models import Block
    from digest.sources import kept
    from tests.conftest import make_article

    article = replace(make_article(), dropped=("Share this",), inferred=("outlet",), author="A. Writer")
    import marshal

    from digest.store import _dump, _load, article_of_record, article_record

    assert kept.plain(article) and _load(_dump(article)) == article
    assert article_of_record(marshal.loads(marshal.dumps(article_record(article)))) == article

    class Text(str):
        pass

    odd = [replace(article, title=Text("A title")), replace(article, dropped=(Text("Share"),)),  # marshal: a str
           replace(article, dropped=["Share this"]), replace(article, pinned=1), replace(article, title=None),
           replace(article, blocks=(*article.blocks, ("paragraph", "text"))), replace(article, url=3),
           replace(article, blocks=(Block("paragraph", 3),)), replace(article, published="2025-07-17")]
    assert [kept.plain(a) for a in odd] == [False] * len(odd)


def test_a_file_id_names_its_path_under_the_folder_as_relative_to_does():
    from pathlib import Path

    from digest.sources.folder import _relative

    pairs = [("a/b/c.md", "a"), ("a/b/c.md", "a/b"), ("/x/y.md", "/"), ("/x/y.md", "/x"), ("y.md", "."),
             ("a/b", "a/b/"), ("/srv/news/2025/07/x.md", "/srv/news")]
    assert [_relative(Path(p), Path(r)) for p, r in pairs] == [Path(p).relative_to(r).as_posix() for p, r in pairs]


def test_a_missing_source_folder_is_a_problem_not_a_crash(tmp_path):
    from digest.sources import folder_report

    report = folder_report(tmp_path / "gone", "gone")
    assert report.articles == () and report.status == "failed: no readable article"
    assert [(p.where, p.what) for p in report.problems] == [
        (str(tmp_path / "gone"), "cannot read folder: No such file or directory")]


def test_the_walk_gives_every_article_file_in_path_order_and_leaves_out_its_own(tmp_path):
    """Path order (each path's parts compared in turn) comes from walking each folder's entries
    in name order ("a" < "a-b" < "a.b" < "a0" as names, whatever is inside them); hidden files,
    sidecars, links to folders, digest's output folder (also through a link) and store
    companions are handled as before, and a folder that cannot be listed is a problem."""
    import os

    from digest.sources.folder import _walk

    root = tmp_path / "src"
    files = ["a/x.md", "a/b/y.md", "a-b/z.md", "a.b/w.md", "a0.md", "b.md", "b.md.meta.yaml", ".hidden.md",
             "deep/1/2/3/v.md", "out/2025-W30/digest.txt", "digest.sqlite", "digest.sqlite-wal", "c.txt",
             "c.meta.json", "a/digest.sqlite"]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    (root / "to-deep").symlink_to(root / "deep")
    (root / "to-out").symlink_to(root / "out")
    (root / "to-b.md").symlink_to(root / "b.md")
    (root / "shut").mkdir()
    os.chmod(root / "shut", 0)
    try:
        found, notes = _walk(root, True, [("output folder", root / "out"), ("store", root / "digest.sqlite")])
        flat, _ = _walk(root, False, [])
    finally:
        os.chmod(root / "shut", 0o755)
    relative = [os.path.relpath(p, root) for p in found]
    assert relative == ["a/b/y.md", "a/digest.sqlite", "a/x.md", "a-b/z.md", "a.b/w.md", "a0.md", "b.md", "c.txt",
                        "deep/1/2/3/v.md", "to-b.md", "to-deep"]
    assert list(found) == sorted(found, key=lambda p: p.split(os.sep))
    assert found[str(root / "b.md")] == [str(root / "b.md.meta.yaml")] and found[str(root / "c.txt")] == [str(root / "c.meta.json")]
    assert [os.path.relpath(p, root) for p in flat] == ["a0.md", "b.md", "c.txt", "digest.sqlite", "digest.sqlite-wal",
                                                        "to-b.md", "to-deep", "to-out"]
    what = [(os.path.relpath(p.where, tmp_path), p.what.split(":")[0]) for p in notes]
    if os.geteuid() == 0:  # root lists any folder
        what.append(("src/shut", "cannot read folder"))
    assert what == [("src/out", "skipped"), ("src/digest.sqlite", "skipped"), ("src/shut", "cannot read folder")]
