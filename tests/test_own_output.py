"""Issue 17 case 10: an output folder (and a store) inside a source folder are never read as
sources: the second run reads the same articles as the first and says what it skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

from digest.cli import main
from tests.conftest import SEEDS


def _two_runs(tmp_path, capsys, output, store, extra) -> tuple[list, object]:
    """Seeds copied to tmp_path/saved, run on two days; (their captured output, the source folder)."""
    source = tmp_path / "saved"
    shutil.copytree(SEEDS, source)
    config = tmp_path / "config.yaml"
    config.write_text(f"sources:\n  folders:\n    - path: {source}\noutput: {output(source)}\n"
                      f"store: {store(source)}\n", encoding="utf-8")
    runs = []
    for day in ("2025-07-20", "2025-07-21"):
        assert main(["run", "--config", str(config), *extra(source), "--now", f"{day}T08:00:00+00:00"]) == 0
        runs.append(capsys.readouterr())
    return runs, source


def test_the_run_never_reads_its_own_output_or_store(tmp_path, capsys):
    runs, source = _two_runs(tmp_path, capsys, lambda s: s / "out", lambda s: s / "digest.sqlite", lambda s: ())
    assert runs[0].out.split(" · ")[0] == runs[1].out.split(" · ")[0] == "Read 5 articles"
    issue = source / "out" / "2025-W30"  # the second run's issue, with the first one's files beside it
    notes = (issue / "notes.txt").read_text(encoding="utf-8")
    assert f"{issue.parent}: skipped: digest's own output folder, never read as a source" in notes
    assert f"{source / 'digest.sqlite'}: skipped: digest's own store" in notes
    assert "Editor notes" not in (issue / "digest.html").read_text(encoding="utf-8")
    assert "Editor notes" not in (issue / "digest.txt").read_text(encoding="utf-8")


def test_an_out_folder_given_on_the_command_line_is_not_read_either(tmp_path, capsys):
    """``run --out`` inside a source folder: the folder walk knows only the config's output
    folder, so here ``own.leave_out`` is what keeps the last issue out."""
    runs, source = _two_runs(tmp_path, capsys, lambda s: tmp_path / "issues", lambda s: tmp_path / "digest.sqlite",
                             lambda s: ("--out", str(s / "here")))
    assert runs[0].out.split(" · ")[0] == runs[1].out.split(" · ")[0] == "Read 5 articles"
    notes = (source / "here" / "2025-W30" / "notes.txt").read_text(encoding="utf-8")
    assert f"{source / 'here'}: skipped: digest's own output folder, never read as a source" in notes


def test_leave_out_follows_links_as_resolve_does(tmp_path, monkeypatch):
    """A file linked into the output folder, a folder linked to it, the store's companions and a
    relative path are all left out; the same file name beside them stays."""
    from digest.models import Article, Problem, SourceReport
    from digest.sources.own import leave_out

    source, out, store = tmp_path / "saved", tmp_path / "out", tmp_path / "saved" / "digest.sqlite"
    (out / "2025-W30").mkdir(parents=True)
    source.mkdir()
    for path in (out / "2025-W30" / "notes.txt", source / "notes.txt", store, source / "digest.sqlite-journal"):
        path.write_text("x", encoding="utf-8")
    (source / "linked.txt").symlink_to(out / "2025-W30" / "notes.txt")
    (source / "issues").symlink_to(out)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out-old").mkdir()
    (source / "deeper").mkdir()
    for path in (tmp_path / "out-old" / "notes.txt", source / "deeper" / "digest.sqlite-notes"):
        path.write_text("x", encoding="utf-8")  # beside the output folder, and the store's name in another folder
    places = [source / "notes.txt", source / "linked.txt", source / "issues" / "2025-W30" / "notes.txt",
              source / "digest.sqlite-journal", "saved/../out/2025-W30/notes.txt", "saved/notes.txt",
              tmp_path / "out-old" / "notes.txt", source / "deeper" / "digest.sqlite-notes"]
    articles = tuple(Article(id=str(n), location=str(p), title="t", outlet="o", blocks=()) for n, p in enumerate(places))
    report = SourceReport("saved", "folder", str(source), articles, (Problem(str(store), "unreadable"),), "ok")
    kept = leave_out([report], [Path("out")], store)[0]
    assert [a.location for a in kept.articles] == [str(source / "notes.txt"), "saved/notes.txt", str(places[-2]),
                                                   str(places[-1])]
    assert [p.what for p in kept.problems] == ["skipped: digest's own output folder, never read as a source",
                                               "skipped: digest's own store, never read as a source"]


def test_each_path_is_told_as_resolving_it_alone_tells(tmp_path, monkeypatch):
    """``own._Own`` tells a file that is no link by its folder, worked out once: for every kind of
    path (relative, with "..", doubled separators, a link to a file or a folder, a file whose path
    is an output folder's, nested output folders, the store's companions) it says what resolving
    that path alone says."""
    from digest.sources.own import _Own

    source, out = tmp_path / "saved", tmp_path / "saved" / "out"
    (out / "inner").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    for path in (source / "a.txt", out / "b.txt", out / "inner" / "c.txt", source / "digest.sqlite",
                 source / "digest.sqlite-wal", tmp_path / "elsewhere" / "d.txt"):
        path.write_text("x", encoding="utf-8")
    (source / "to-out.txt").symlink_to(out / "b.txt")
    (source / "issues").symlink_to(out)
    (tmp_path / "elsewhere" / "back").symlink_to(source)
    monkeypatch.chdir(tmp_path)
    for outputs in ([out], [out / "inner", out], [out, out / "inner"], [source / "file-out"], [tmp_path]):
        own = _Own([(p, str(p)) for p in (p.resolve() for p in outputs)], (source / "digest.sqlite").resolve())
        paths = [source / "a.txt", source / "to-out.txt", source / "issues" / "b.txt", out / "inner" / "c.txt",
                 source / "digest.sqlite", source / "digest.sqlite-wal", source / "file-out", out / "inner",
                 tmp_path / "elsewhere" / "back" / "digest.sqlite", tmp_path / "elsewhere" / "d.txt"]
        texts = [str(p) for p in paths] + ["saved/a.txt", "saved/out/b.txt", "saved//out//b.txt", "saved/../saved/out/b.txt",
                                           "elsewhere/back/out/inner/c.txt", "a.txt", "saved/out/..", "saved/out/", "/", "/x"]
        told = [own(text) for text in texts]
        assert told == [own._slow(text) for text in texts]
        assert any(told) and not all(told)
