"""Sources: the seed folder, metadata, bad files, layout. Feeds are in test_feeds.py."""

import os
import shutil
from datetime import datetime, timezone

from digest.sources import folder_report, read_file, read_folder
from digest.sources.blocks import parse
from digest.sources.html import fragment_text
from tests.conftest import SEEDS


def test_seed_folder_gives_five_articles_without_the_slogan(seed_articles):
    assert len(seed_articles) == 5
    assert len({a.id for a in seed_articles}) == 5
    review = next(a for a in seed_articles if a.location.endswith("000_c7e0382a186865a9.txt"))
    assert review.title.startswith("Review: Netflix’s Leap into Generative AI")
    assert review.dropped == ("PAKISTAN ZINDABAD",)
    for article in seed_articles:
        assert "ZINDABAD" not in article.title + article.text


def test_seed_structure_is_kept(seed_articles):
    by_name = {a.location.rsplit("/", 1)[-1][:3]: a for a in seed_articles}
    table = [b.text for b in by_name["004"].blocks if b.kind == "table_row"]
    assert "Quarterly Revenue | $11.5 billion" in table
    assert not any("---" in row for row in table)
    bullets = [b.text for b in by_name["001"].blocks if b.kind == "bullet"]
    assert "$11.08 billion in revenue, a 16% year-over-year increase" in bullets
    headings = [b.text for b in by_name["001"].blocks if b.kind == "heading"]
    assert "AI Makes Its On-Screen Debut" in headings
    # a sentence that introduces a quote ends with ":" but is prose, not a heading
    assert any(b.kind == "paragraph" and b.text.startswith("As CEO Ted Sarandos put it") for b in by_name["004"].blocks)


def test_untitled_seed_gets_an_inferred_title(seed_articles):
    article = next(a for a in seed_articles if a.location.endswith("002_5ce018fc86a7ed8b.txt"))
    assert "title" in article.inferred and article.title
    assert all("outlet" in a.inferred for a in seed_articles)
    assert len({a.outlet for a in seed_articles}) == 5  # unknown outlets never collapse into one


def test_front_matter_and_sidecar_metadata(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Studios sign AI pact\noutlet: Variety\nurl: https://variety.com/pact\n"
        "published: 2025-07-18\n---\n# Studios sign AI pact\n\nThe studios signed a pact on AI use.\n",
        encoding="utf-8")
    (tmp_path / "b.txt").write_text("Plain body text that is long enough to be an article.\n", encoding="utf-8")
    (tmp_path / "b.txt.meta.yaml").write_text("outlet: Deadline\ntitle: From the sidecar\n", encoding="utf-8")
    articles, problems = read_folder(tmp_path)
    assert problems == []
    a, b = articles
    assert (a.title, a.outlet, a.url) == ("Studios sign AI pact", "Variety", "https://variety.com/pact")
    assert a.published == datetime(2025, 7, 18, tzinfo=timezone.utc)
    assert [blk.text for blk in a.blocks] == ["The studios signed a pact on AI use."]
    assert (b.title, b.outlet) == ("From the sidecar", "Deadline")


def test_html_file_uses_page_metadata(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>x</title><meta property='og:site_name' content='Variety'>"
        "<link rel='canonical' href='https://variety.com/a'></head><body><nav>Home</nav><article>"
        "<h1>Netflix uses AI in a series</h1><p>Netflix has officially begun using generative AI in its "
        "original shows and films, marking a new chapter in production for the whole industry.</p>"
        "<ul><li>Revenue was $11 billion in the quarter, according to the company.</li></ul>"
        "<script>alert('x')</script></article></body></html>", encoding="utf-8")
    article = read_file(tmp_path / "page.html")
    assert (article.title, article.outlet, article.url) == ("Netflix uses AI in a series", "Variety", "https://variety.com/a")
    assert "alert" not in article.text and "Home" not in article.text
    assert ("bullet", "Revenue was $11 billion in the quarter, according to the company.") in [(b.kind, b.text) for b in article.blocks]


def test_bad_files_become_problems_and_good_ones_are_read(tmp_path):
    (tmp_path / "good.txt").write_text("A real article sentence about Netflix and AI.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "headings.md").write_text("# Only a heading\n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    locked = tmp_path / "locked.txt"
    locked.write_text("A locked article sentence about AI.", encoding="utf-8")
    locked.chmod(0)
    try:
        articles, problems = read_folder(tmp_path)
    finally:
        locked.chmod(0o644)
    assert [a.location.rsplit("/", 1)[-1] for a in articles] == ["good.txt"] + (["locked.txt"] if os.geteuid() == 0 else [])
    messages = {p.where.rsplit("/", 1)[-1]: p.what for p in problems}
    assert messages["empty.txt"] == "empty file"
    assert messages["binary.txt"] == "binary file, not an article"
    assert messages["headings.md"] == "no article text found"
    assert messages["photo.jpg"].startswith("skipped: unsupported file type .jpg")
    if os.geteuid() != 0:  # root reads any file, so only a normal user can see this problem
        assert messages["locked.txt"] == "cannot read file: permission denied"


def test_windows_1252_file_is_read(tmp_path):
    (tmp_path / "old.txt").write_bytes("Netflix’s revenue rose in the quarter, the company said.".encode("cp1252"))
    article = read_file(tmp_path / "old.txt")
    assert "Netflix’s revenue" in article.text


def test_hard_wrapped_markdown_paragraphs_are_joined():
    text = ("Title line\n\nThis paragraph was wrapped by an editor at about seventy\n"
            "characters so it spans several lines in the file but is one\nparagraph.\n\n- a bullet\n- another\n")
    layout = parse(text)
    assert layout.title == "Title line"
    assert [b.kind for b in layout.blocks] == ["paragraph", "bullet", "bullet"]
    assert layout.blocks[0].text.endswith("is one paragraph.")


def test_share_lines_are_dropped_anywhere():
    layout = parse("A title\nBody sentence one is here.\nShare this article on X\nRead more: elsewhere\n")
    assert layout.dropped == ("Share this article on X", "Read more: elsewhere")


def test_fragment_text_removes_active_content():
    text = fragment_text('<p>Hi <a href="javascript:alert(1)">there</a>.</p><script>evil()</script>'
                         '<table><tr><th>Metric</th><th>Result</th></tr></table>')
    assert text == "Hi there.\n| Metric | Result |"


CORPUS = SEEDS.parent / "tests" / "fixtures" / "collect"


def test_folder_of_every_kind_with_metadata_and_boilerplate_dropped():
    report = folder_report(CORPUS / "folder", "saved")
    assert report.problems == () and report.status == "ok"
    by_name = {a.location.rsplit("/", 1)[-1]: a for a in report.articles}
    md, side, page, mail, undated = (by_name[n] for n in sorted(by_name))
    assert (md.outlet, md.url, md.author) == ("Signal Daily", "https://signal.example/ai-captions", "Lee Chan")
    assert md.dropped == ("Share this article on Facebook", "Read more: how captions are made")
    assert (side.outlet, side.published) == ("Park Report", datetime(2025, 7, 15, tzinfo=timezone.utc))
    assert side.dropped == ("ENTERTAINMENT NOW", "Subscribe to our newsletter for more stories like this")
    assert (page.outlet, page.url) == ("Culture Desk", "https://culture.example/ai-cinema-exhibit")
    assert page.published is None  # no date in the markup, and none guessed from "the strikes of 2023"
    assert (mail.title, mail.outlet) == ("Dubbing union reaches a deal on AI voices", "Studio Insider")
    assert mail.published == datetime(2025, 7, 17, 12, 30, tzinfo=timezone.utc)
    assert undated.inferred == ("outlet", "published") and undated.published is None
    assert report.inferred == "guessed outlet for 1, published for 2 of 5"
    for article in report.articles:
        assert not any(line in article.text for line in ("Share this", "Subscribe", "Read more", "ENTERTAINMENT NOW"))


def test_every_bad_file_is_one_problem_and_the_good_file_is_read(tmp_path):
    folder = tmp_path / "saved"
    shutil.copytree(CORPUS / "bad-folder", folder)
    (folder / "huge.md").write_text("# A book, not an article\n\n" + "A line of a very long book.\n" * 120_000,
                                    encoding="utf-8")
    (folder / "gone.md").symlink_to(tmp_path / "deleted.md")  # unreadable even for root
    locked = folder / "locked.txt"
    locked.write_text("A locked article sentence about AI.", encoding="utf-8")
    locked.chmod(0)
    try:
        report = folder_report(folder, "saved")
    finally:
        locked.chmod(0o644)
    assert [a.title for a in report.articles] == ["Voice cloning start-up raises funding from studios"] + (
        ["A locked article sentence about AI."] if os.geteuid() == 0 else [])
    problems = {p.where.rsplit("/", 1)[-1]: str(p).split(": ", 1)[1] for p in report.problems}
    assert problems.pop("picture.txt") == "binary file, not an article (only text, Markdown and HTML are read)"
    assert problems.pop("zero.md") == "empty file (remove it or add the article text)"
    assert problems.pop("huge.md").startswith("file is 3281 KB, over the 2 MB limit (split it")
    assert problems.pop("gone.md") == "cannot read file: a link to a file that does not exist (restore the file or remove the link)"
    if os.geteuid() != 0:  # root reads any file, so only a normal user can see this one
        assert problems.pop("locked.txt") == "cannot read file: permission denied (check the file's permissions)"
    assert problems == {}
