"""Reading the real web: saved and fetched pages with comments, other charsets, layout tables,
Chinese and Hebrew text (fixtures in tests/fixtures/pages, written like the pages they stand for)."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from digest.email.render import render
from digest.models import Sentence, Theme, ThemeSection
from digest.sources.folder import read_file, read_folder
from digest.sources.fetch import Fetcher
from digest.sources.pages import PageReader
from digest.text import scripts
from digest.text.scripts import count_words, direction, has_cjk
from digest.text.sentences import article_sentences, split
from issues import NOW, SETTINGS, article, make_digest

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def read(name: str):
    return read_file(PAGES / name, root=PAGES, source="pages")


def test_reader_comments_stay_out_and_no_markdown_is_added():
    page = read("blog-comments.html")
    text = page.text
    assert "death of voice acting" not in text and "Did the actors get a say" not in text  # the comments
    assert "Leave a Reply" not in text
    assert "fit a budget of under 40,000 euros" in text  # <em>under</em>, no *under*
    assert "tags such as <pause 300ms> for timing" in text  # text the page shows, kept; no backticks
    assert not any(mark in text for mark in ("*", "`", "\\", "```"))
    assert [b.text for b in page.blocks if b.kind == "table_row"] == [
        "Character | Lines | Actor approved", "Captain Oda | 812 | yes", "The Lighthouse | 355 | yes"]
    assert (page.title, page.outlet, page.url) == ("How we voiced our indie game with licensed AI voices",
                                                   "Lanternfish Devlog", "https://lanternfish.example/devlog/ai-voices")


def test_a_windows_1250_page_is_read_in_its_declared_charset():
    page = read("cp1250.html")
    assert page.title == "Sejm zagłosował nad ustawą o sztucznej inteligencji w filmie"
    assert "Związek Artystów Scen Polskich" in page.text and "żółta kartka" in page.text
    assert "³" not in page.text and "¹" not in page.text  # what reading it as Windows-1252 gave


class _Page(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=windows-1250")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def cp1250_server():
    """A real server sending the Polish page with its charset in the HTTP header only (no meta)."""
    raw = (PAGES / "cp1250.html").read_bytes()
    handler = type("Handler", (_Page,), {"body": raw.replace(b'charset=windows-1250"', b'"')})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sejm"
    httpd.shutdown()


def test_a_fetched_page_takes_its_charset_from_the_http_header(cp1250_server):
    with httpx.Client() as client:
        data = PageReader(Fetcher(client), None, lambda: NOW).read(cp1250_server)
    assert "Sejm zagłosował w piątek" in data["text"] and "³" not in data["text"]
    assert data["encoding"] == "cp1250 (HTTP header)"
    saved = [b.text for b in read("cp1250.html").blocks]
    assert [text for kind, text in data["blocks"] if kind == "paragraph"] == saved  # saved or fetched, one reading


def test_a_page_laid_out_in_tables_is_read_not_refused():
    page = read("table-layout.html")
    prose = [b.text for b in page.blocks if b.kind == "paragraph"]
    assert any(p.startswith("At our July meeting, members argued for two hours") for p in prose)
    assert any("23 members against the practice, 19 in favour" in p for p in prose)
    assert "© 2025 Riverside Film Society" in page.dropped


def test_a_chinese_page_is_prose_in_sentences_and_counted_in_characters():
    page = read("chinese.html")
    assert page.title == "国产动画电影首次大规模使用人工智能生成背景"
    assert [b.kind for b in page.blocks] == ["paragraph"] * 4
    sentences = [s.text for s in article_sentences(page)]
    assert len(sentences) == 9
    assert sentences[1] == "工作室负责人说，这一做法把背景绘制的时间从十四个月缩短到五个月！"
    assert sentences[-1] == "该片计划于明年春节档上映。"
    assert count_words("该片计划于明年春节档上映。") == 12 and count_words("two words") == 2


def test_has_cjk_tells_every_character_as_the_cjk_class_does():
    """``has_cjk`` compiles the CJK class only for a text with a character past U+3004 (a cheaper
    class looks for one first): every BMP code point, and astral ones, must still be told right."""
    cjk = re.compile(f"[{scripts._CJK}]")
    points = [*range(0x10000), *range(0x10000, 0x110000, 97)]
    assert [hex(c) for c in points if has_cjk(chr(c)) != bool(cjk.search(chr(c)))] == []
    assert has_cjk("Â£264m, “AI” 人") and not has_cjk("Â£264m, “AI” 😀") and not has_cjk("AI")


def test_chinese_text_in_a_text_file_is_not_taken_for_headings(tmp_path):
    text = "国产动画电影首次大规模使用人工智能生成背景\n\n" + "\n\n".join(
        b.text for b in read("chinese.html").blocks)
    (tmp_path / "zh.txt").write_text(text, encoding="utf-8")
    (article_read,), problems = read_folder(tmp_path)
    assert not problems and [b.kind for b in article_read.blocks] == ["paragraph"] * 3 + ["paragraph"]
    assert split("他说：“好。”然后离开了。") == ["他说：“好。”", "然后离开了。"]


def test_a_hebrew_page_reads_right_to_left_in_the_email():
    page = read("hebrew.html")
    assert direction(page.text) == "rtl" and page.outlet == "במה וקולנוע"
    hebrew = article("bama", page.outlet, page.title, [s.rstrip(".") for s in split(page.blocks[0].text)])
    said = Sentence(hebrew.blocks[0].text.split(". ")[0] + ".", hebrew.id, 0, 0)
    section = ThemeSection(Theme("stage", "Stage"), (said,), story_ids=())
    html = BeautifulSoup(render(make_digest([[[hebrew]]], [section]), SETTINGS).html, "html.parser")
    span = next(s for s in html.find_all("span", dir="rtl") if said.text in s.get_text())
    assert span.get_text() == said.text
    assert html.find("html")["dir"] == "ltr"  # an English issue: only the Hebrew is turned


def test_a_file_a_parser_chokes_on_is_a_problem_and_the_folder_is_still_read(tmp_path):
    (tmp_path / "good.html").write_bytes((PAGES / "blog-comments.html").read_bytes())
    (tmp_path / "broken.html").write_bytes(b"<html><head></head></html>\n<body>" + b"\xff\xfe" * 3 + b"</body>")
    articles, problems = read_folder(tmp_path)
    assert [a.location.endswith("good.html") for a in articles] == [True]
    assert [p.where.endswith("broken.html") for p in problems] == [True]


def test_digest_read_shows_blocks_kinds_and_dropped_lines_as_stable_json(capsys, cp1250_server):
    from tests.test_cli import command

    code, out, err = command(capsys, "read", str(PAGES / "table-layout.html"), cp1250_server, "--json")
    assert code == 0, err
    payload = json.loads(out)
    layout, fetched = payload["articles"]
    assert list(layout) == ["location", "title", "outlet", "url", "published", "author", "language", "direction",
                            "encoding", "guessed", "words", "blocks", "dropped"]
    assert (layout["title"], layout["language"], layout["encoding"]) == (
        "Film Society Newsletter: The synthetic extras debate", "en", "cp1252 (meta)")
    assert layout["guessed"] == ["outlet", "published"]
    assert {"kind": "paragraph", "text": "Our next meeting is on the second Thursday of August, when we will screen "
            "the drama and discuss it again.", "words": 20, "sentences": 1} in layout["blocks"]
    assert layout["dropped"] == [{"line": "© 2025 Riverside Film Society",
                                  "why": "boilerplate (share, subscribe, read more, advertisement or copyright line)"}]
    assert (fetched["location"], fetched["language"], fetched["encoding"]) == (cp1250_server, "pl", "cp1250 (HTTP header)")
    assert payload["problems"] == []
    assert command(capsys, "read", str(PAGES / "table-layout.html"), "--json")[1] == \
        json.dumps({"articles": [layout], "problems": []}, indent=2, ensure_ascii=False) + "\n"  # stable


def test_digest_read_says_what_it_could_not_read(capsys, tmp_path):
    from tests.test_cli import command

    (tmp_path / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    code, out, err = command(capsys, "read", str(tmp_path / "empty.html"))
    assert code == 1 and out == ""
    assert "empty.html: no article text found" in err


def test_a_hebrew_issue_is_laid_out_right_to_left():
    page = read("hebrew.html")
    hebrew = article("bama", page.outlet, page.title, [s.rstrip(".") for s in split(page.blocks[0].text)])
    english = article("variety", "Variety", "A studio tests AI voices", ["A studio tested AI voices for a film"])
    said = (Sentence(hebrew.blocks[0].text.split(". ")[0] + ".", hebrew.id, 0, 0),
            Sentence("A studio tested AI voices for a film.", english.id, 0, 0))
    section = ThemeSection(Theme("stage", "במה"), said, story_ids=())
    settings = SETTINGS.model_copy(update={"language": "he"})
    html = BeautifulSoup(render(make_digest([[[hebrew]], [[english]]], [section]), settings).html, "html.parser")
    assert html.find("html")["dir"] == "rtl" and html.find("html")["lang"] == "he"
    assert [s.get_text() for s in html.find_all("span", dir="ltr")] == ["A studio tested AI voices for a film."]
    assert not html.find_all("span", dir="rtl")  # Hebrew is the page's own direction


def test_a_chinese_article_has_a_summary_of_its_own_sentences():
    from digest.config import SummarySettings
    from digest.summary.summarize import summarize_articles
    from digest.text.sentences import words

    page = read("chinese.html")
    assert words("人工智能AI正在") == ["人", "工", "智", "能", "AI", "正", "在"]
    summary = [s.text for s in summarize_articles([page], SummarySettings(), 60)]
    assert summary and all(s.endswith(("。", "！")) and s in page.text for s in summary)
