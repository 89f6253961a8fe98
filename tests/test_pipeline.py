"""The whole pipeline on the seed articles, against golden files, plus bad input that must not stop a run.

Golden files are rewritten only on purpose: ``DIGEST_UPDATE_GOLDEN=1 python3 -m pytest tests/test_pipeline.py``.
"""

import os
import re
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser

import pytest

from digest.config import load
from digest.errors import StrictModeError
from digest.pipeline import run_issue
from tests.conftest import ROOT, SEEDS

NOW = datetime(2025, 7, 20, 8, 0, tzinfo=timezone.utc)
GOLDEN = ROOT / "tests" / "golden"


def config_in(tmp_path):
    return load(ROOT / "config.yaml").model_copy(update={"store": tmp_path / "store.sqlite", "output": tmp_path / "out"})


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("seed_run")
    return run_issue(config_in(tmp_path), NOW)


def test_seed_issue_is_one_story_of_five_independent_sources(seed_run):
    (story,) = seed_run.digest.stories
    assert len(story.origins) == 5
    assert all(len(origin.articles) == 1 for origin in story.origins)
    assert seed_run.articles_read == 5


def test_seed_issue_has_three_themes_each_with_its_own_summary(seed_run):
    sections = [s for s in seed_run.digest.sections if s.sentences]
    assert len(sections) >= 3
    texts = [s.text for section in sections for s in section.sentences]
    assert len(texts) == len(set(texts))  # a sentence appears in at most one theme


def test_seed_consensus_box(seed_run):
    facts = seed_run.digest.facts
    consensus = [f for f in facts if f.status == "consensus"]
    assert len(consensus) >= 3 and all(f.count >= 2 and f.total == 5 for f in consensus)
    revenue = next(f for f in facts if f.status == "disputed" and "revenue" in f.text.lower())
    values = {v.value: len(v.origin_ids) for v in revenue.values}
    assert "$11.5 billion" in values and any(v.startswith("$11.08") for v in values)
    (variant,) = [f for f in facts if f.status == "variant"]
    assert {v.value for v in variant.values} >= {"El Eternauta", "El Atonata", "The Eternaut"} - {variant.text}


def test_seed_email_files(seed_run):
    html = seed_run.files["html"].read_text(encoding="utf-8")
    text = seed_run.files["text"].read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) < 102 * 1024
    assert not re.search(r"</?mj-", html)
    for output in (html, text, seed_run.files["notes"].read_text(encoding="utf-8").split("Dropped lines")[0]):
        assert "ZINDABAD" not in output
    hrefs = set(re.findall(r'href="(https://[^"]+)"', html))
    assert hrefs and all(href.replace("&amp;", "&") in text for href in hrefs)
    assert "El Eternauta" in html and "El Atonata" in html and "The Eternaut" in html
    message = BytesParser(policy=policy.default).parsebytes(seed_run.files["eml"].read_bytes())
    assert message["Subject"] and message.get_content_type() == "multipart/alternative"
    for article in seed_run.digest.articles:  # every source without a URL has a readable copy to link to
        assert (seed_run.folder / "sources" / f"{article.id}.html").is_file()


@pytest.mark.parametrize("name", ["digest.html", "digest.txt"])
def test_seed_issue_matches_golden_file(seed_run, name):
    produced = (seed_run.folder / name).read_text(encoding="utf-8")
    golden = GOLDEN / f"seeds-2025-W29.{name.split('.')[1]}"
    if os.environ.get("DIGEST_UPDATE_GOLDEN") == "1":
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8"), (
        f"{name} differs from {golden}; if the change is intended, rerun with DIGEST_UPDATE_GOLDEN=1")


def test_a_second_run_is_byte_identical(seed_run, tmp_path):
    again = run_issue(config_in(tmp_path), NOW)
    assert again.email.html == seed_run.email.html
    assert again.email.text == seed_run.email.text


def test_bad_files_are_reported_and_the_run_completes(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"GIF89a\x00\x01\x00")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = run_issue(config_in(tmp_path), NOW, sources=[str(folder)])
    assert len(result.digest.stories[0].origins) == 5
    problems = {p.where.rsplit("/", 1)[-1]: p.what for p in result.digest.problems}
    assert problems == {"empty.txt": "empty file", "image.txt": "binary file, not an article",
                        "notes.pdf": "skipped: unsupported file type .pdf"}
    notes = result.files["notes"].read_text(encoding="utf-8")
    assert all(name in notes for name in problems)
    with pytest.raises(StrictModeError, match="empty file"):
        run_issue(config_in(tmp_path), NOW, sources=[str(folder)], strict=True)


def test_articles_outside_the_week_are_left_out(tmp_path):
    folder = tmp_path / "dated"
    folder.mkdir()
    for i, seed in enumerate(sorted(SEEDS.iterdir())):
        date = "2025-07-18" if i < 3 else "2025-06-01"
        (folder / seed.name).write_text(f"---\npublished: {date}\n---\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_issue(config_in(tmp_path), NOW, sources=[str(folder)])
    assert result.articles_read == 5
    assert len(result.digest.articles) == 3


def test_seed_issue_passes_the_email_checks_and_opens_with_its_lead(seed_run):
    import email_checks as checks

    html, text, settings = seed_run.email.html, seed_run.email.text, load(ROOT / "config.yaml").email
    assert checks.check_links(html) + checks.check_headings(html) + checks.check_preheader(html) + checks.check_layout(
        html) + checks.check_text_part(html, text, settings.postal_address, settings.unsubscribe_url) == []
    lead = seed_run.digest.lead
    assert lead.story_id == seed_run.digest.stories[0].id and seed_run.email.preheader.startswith(lead.sentences[0].text[:60])
    assert seed_run.digest.number == 1 and "Issue 1 · 14–20 July 2025 · " in text


def test_a_client_passed_in_is_left_open_for_its_owner(tmp_path):
    import httpx

    with httpx.Client() as client:
        run_issue(config_in(tmp_path), NOW, client=client)
        assert not client.is_closed


def test_an_ad_hoc_source_run_never_replaces_the_weeks_issue_record(tmp_path):
    from digest.store import Store

    config = config_in(tmp_path)
    run_issue(config, NOW)
    run_issue(config, NOW, sources=[str(tmp_path / "missing")], out=tmp_path / "scratch")
    with Store(config.store) as store:
        (issue,) = store.issues()
        assert issue["folder"] == str(tmp_path / "out" / "2025-W29") and issue["stories"] == 1
        assert len(store.featured("2025-W29")) == 5


def test_unwritable_output_and_store_are_one_line_errors(tmp_path):
    from digest.errors import DigestError

    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DigestError, match="cannot create the issue folder"):
        run_issue(config_in(tmp_path), NOW, out=blocker)
    with pytest.raises(DigestError, match="cannot open the store"):
        run_issue(config_in(tmp_path).model_copy(update={"store": blocker / "store.sqlite"}), NOW)


def test_a_store_from_a_newer_digest_is_refused(tmp_path):
    import sqlite3

    from digest.errors import DigestError
    from digest.store import SCHEMA_VERSION, Store

    path = tmp_path / "new.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DigestError, match="written by a newer digest"):
        Store(path)


def test_a_run_reads_without_collections_keeps_its_articles_frozen_and_gives_them_back(tmp_path, monkeypatch):
    """heap.py: no automatic collection while the sources are read, what was read frozen for the
    rest of the run (no collection walks it), and all of it the collector's again afterwards."""
    import gc

    from digest import heap, pipeline

    seen: dict[str, object] = {}
    gather = pipeline._gather
    monkeypatch.setattr(pipeline, "_gather", lambda *a, **k: (seen.setdefault("reading", gc.isenabled()), gather(*a, **k))[1])
    monkeypatch.setattr(pipeline, "checkpoint", lambda point: seen.setdefault(point, gc.get_freeze_count()))
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    assert run_issue(config_in(tmp_path), NOW).digest.stories
    assert seen["reading"] is False and seen["collected"] > 1000 and seen["written"] > 1000
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # a caller's own frozen objects stay frozen, and a run adds none to them
    try:
        kept = gc.get_freeze_count()
        with heap.run():
            heap.keep()
            assert gc.get_freeze_count() == kept > 0
        assert gc.get_freeze_count() == kept
    finally:
        gc.unfreeze()
    with heap.run():
        heap.keep()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
