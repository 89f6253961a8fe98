"""render() and compose() against EMAIL.md's tier-A checks (tests/email_checks.py).

Digests are built here with the model's own constructors; test_email_browser.py reuses
``typical_digest()``.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

import email_checks as checks
from digest.config import EmailSettings
from digest.deliver import compose, write_eml
from digest.errors import RenderError
from digest.models import (
    Article, Block, Digest, Evidence, Fact, FactValue, Origin, Sentence, Story, Theme, ThemeSection, stable_id,
)
from digest.render import DEFAULT_TEMPLATES, render, render_mjml

SETTINGS = EmailSettings()
NOW = datetime(2025, 7, 28, 7, 30, tzinfo=timezone.utc)


def article(key: str, outlet: str, title: str, sentences: list[str], **overrides) -> Article:
    values = dict(
        id=stable_id("article", key), location=f"https://{key}.example/story", title=title, outlet=outlet,
        blocks=(Block("paragraph", " ".join(s.rstrip(".") + "." for s in sentences)),), url=f"https://{key}.example/story",
    )
    values.update(overrides)
    return Article(**values)


def cite(a: Article, index: int = 0) -> Sentence:
    text = a.blocks[0].text.split(". ")[index].rstrip(".") + "."
    return Sentence(text=text, article_id=a.id, block=0, index=index)


def make_digest(stories: list[list[list[Article]]], sections: list[ThemeSection], facts=(), **overrides) -> Digest:
    """stories: for each story, its origins; for each origin, its articles (the lead first)."""
    built = tuple(
        Story(id=stable_id("story", str(i)), title=group[0][0].title,
              origins=tuple(Origin(id=stable_id("origin", o[0].id), articles=tuple(o)) for o in group))
        for i, group in enumerate(stories)
    )
    articles = tuple(a for s in built for a in s.articles)
    values = dict(
        title="AI in Entertainment Weekly", week="2025-W30", created=NOW, stories=built, sections=tuple(sections),
        facts=tuple(facts), articles=articles, links={a.id: f"{a.url}?utm_source=digest" for a in articles},
    )
    values.update(overrides)
    return Digest(**values)


def origin_id(a: Article) -> str:
    return stable_id("origin", a.id)


def typical_digest(**overrides) -> Digest:
    v = article("variety", "Variety", "Netflix used generative AI for a collapse scene",
                ["Netflix used generative AI to finish a building collapse in El Eternauta",
                 "Ted Sarandos said the shot was done ten times faster than with usual tools",
                 "The company reported $11.08 billion in revenue"])
    v_copy = article("yahoo", "Yahoo Entertainment", v.title, [v.blocks[0].text])
    d = article("deadline", "Deadline", "Netflix's first GenAI shot",
                ["Sarandos confirmed the first use of GenAI footage in El Atonata",
                 "Revenue reached $11.08 billion for the quarter"])
    r = article("reuters", "Reuters", "Netflix leans on AI as revenue rises",
                ["Netflix said revenue rose to $11.1 billion", "The AI shot cost a fraction of the usual budget"])
    t = article("thr", "The Hollywood Reporter", "Video game actors approve AI deal",
                ["Video game performers ratified a contract with consent rules for digital replicas",
                 "The deal ends an eleven month strike"])
    i = article("ign", "IGN", "Game strike is over",
                ["The strike by video game actors is officially over", "Studios must disclose AI use"])
    b = article("billboard", "Billboard", "Universal signs AI licensing deal",
                ["Universal Music Group signed a licensing deal with an AI music startup",
                 "Artists can opt in to have their voices used"])
    sections = [
        ThemeSection(Theme("film-tv", "Film & TV"), (cite(v), cite(d), cite(r, 1)), why_it_matters=cite(v, 1)),
        ThemeSection(Theme("games", "Games & Labor"), (cite(t), cite(i, 1)), why_it_matters=cite(t, 1)),
        ThemeSection(Theme("music", "Music"), (cite(b), cite(b, 1))),
        ThemeSection(Theme("policy", "Policy & Legal"), ()),
    ]
    ids = [origin_id(a) for a in (v, d, r)]
    facts = [
        Fact("consensus", "Netflix used generative AI for a building collapse shot", tuple(ids), 3,
             evidence=(Evidence(v.id, ids[0], v.blocks[0].text),)),
        Fact("disputed", "Netflix quarterly revenue", tuple(ids), 3, values=(
            FactValue("$11.08 billion", tuple(ids[:2])), FactValue("$11.1 billion", (ids[2],), note="rounded")),
             note="period not stated — may differ"),
        Fact("variant", "El Eternauta", tuple(ids[:2]), 3, values=(
            FactValue("El Eternauta", (ids[0],)), FactValue("El Atonata", (ids[1],)))),
    ]
    return replace(make_digest([[[v, v_copy], [d], [r]], [[t], [i]], [[b]]], sections, facts), **overrides)


def worst_digest() -> Digest:
    """A heavy issue: 60 articles (20 stories, 40 origins), 8 themes at the default 4 sentences plus
    "why it matters", 8 three-way disputes, 120-character titles and 200-character tracking URLs."""
    title = ("Generative video models reshape visual effects budgets across film, television, "
             "streaming and games as studios test them")[:112]
    sentence = "Studios said generative video tools cut the cost of effects shots and previsualization work by half"
    groups = []
    for s in range(20):
        leads = [article(f"s{s}o{o}", f"Outlet {o} Media Group", f"{title} {s}-{o}", [f"{sentence} {s} {n}" for n in range(3)],
                         url=f"https://www.s{s}o{o}.example/news/2025/07/{'generative-video-effects-' * 3}s{s}o{o}")
                 for o in range(2)]
        copy = article(f"s{s}c", "Syndicated Wire Service", leads[0].title, [leads[0].blocks[0].text])
        groups.append([[leads[0], copy], [leads[1]]])
    digest = make_digest(groups, [])
    links = {a.id: f"{a.url}?utm_source=newsletter&utm_medium=email&utm_campaign=ai-weekly-2025-w30"
             for a in digest.articles}
    leads = [o.lead for story in digest.stories for o in story.origins]
    sections = [ThemeSection(Theme(f"t{t}", f"Theme {t}: Film, Television and Streaming"),
                             tuple(cite(a, 1) for a in leads[t * 5: t * 5 + 4]), why_it_matters=cite(leads[t * 5 + 4], 2))
                for t in range(8)]
    ids = tuple(o.id for o in digest.stories[0].origins) + (digest.stories[1].origins[0].id,)
    facts = [Fact("disputed", f"{sentence} ({n})", ids, 3, note="period not stated",
                  values=tuple(FactValue(f"${v}.5 billion in revenue for the quarter", (i,), note="rounded")
                               for v, i in enumerate(ids))) for n in range(8)]
    return replace(digest, links=links, sections=tuple(sections), facts=tuple(facts))


def problems(email, settings: EmailSettings = SETTINGS) -> list[str]:
    html, text = email.html, email.text
    return [
        *checks.check_size(html), *checks.check_encoding(html, text), *checks.check_styles(html),
        *checks.check_layout(html), *checks.check_head(html, settings.language), *checks.check_headings(html),
        *checks.check_links(html), *checks.check_preheader(html), *checks.check_subject(email.subject, html),
        *checks.check_text_part(html, text, settings.postal_address, settings.unsubscribe_url),
    ]


def soup(email):
    return BeautifulSoup(email.html, "html.parser")


ISSUES = {
    "typical": typical_digest,
    "worst": worst_digest,
    "no facts": lambda: typical_digest(facts=()),
    "empty": lambda: make_digest([], []),
}


@pytest.mark.parametrize("name", ISSUES)
def test_issue_passes_every_static_check(name):
    email = render(ISSUES[name](), SETTINGS)
    assert problems(email) == []
    counts = soup(email).h1.find_next_siblings("p")[1].get_text()  # P1: it is the header's summary line
    assert re.fullmatch(r"\d+ articles? · \d+ independent sources? · \d+ stor(y|ies)", counts)
    assert email.preheader.startswith(counts)
    assert checks.parse(email.html).body.find("div").get_text() == email.preheader


def test_sizes_stay_under_the_clipping_threshold():  # S1, S4
    typical, worst = (len(render(d(), SETTINGS).html.encode()) for d in (typical_digest, worst_digest))
    assert typical < 30_000 and worst < checks.CLIP_BYTES
    huge = replace(worst_digest(), links={a.id: a.url + "?t=" + "x" * 1500 for a in worst_digest().articles})
    with pytest.raises(RenderError, match="clips"):
        render(huge, SETTINGS)


BAD_HTML = """<!doctype html><html lang="und"><head><title></title><link rel="stylesheet" href="https://f.example/c">
<style>@import url(x.css); a{color:red}</style><!-- note --></head><body style="background:#fff"><p>Hi</p>
<div style="display:none">hidden trick</div><div role="article" lang="und"><h1>One</h1><h1>Two</h1><h4></h4>
<table width="800"><tr><td><img src="x.png"></td></tr></table><table role="presentation"><tr><th>Fact</th></tr></table>
<a href="https://a.example/1">click here</a><a href="javascript:x()" style="color:#00f">click here</a>
<a href="https://b.example/" style="color:#00f">evil.example</a><mj-foo>x</mj-foo><script>alert(1)</script>\x92</div></body></html>"""
BAD_MESSAGE = b"From: a@x.example, b@y.example\nSubject: hi\nDate: someday\nContent-Transfer-Encoding: 8bit\n\nbody\n"


@pytest.mark.parametrize("check", [
    lambda: checks.check_size("x" * checks.CLIP_BYTES),
    lambda: checks.check_encoding(BAD_HTML, "ok"),
    lambda: checks.check_styles(BAD_HTML),
    lambda: checks.check_layout(BAD_HTML),
    lambda: checks.check_head(BAD_HTML, "en"),
    lambda: checks.check_headings(BAD_HTML),
    lambda: checks.check_links(BAD_HTML),
    lambda: checks.check_preheader(BAD_HTML),
    lambda: checks.check_subject("Re: hi", BAD_HTML),
    lambda: checks.check_text_part(BAD_HTML, "<b>x</b> &amp;", "1 Main St", "https://u.example/"),
    lambda: checks.check_message(BAD_MESSAGE),
])
def test_each_check_catches_a_bad_email(check):
    assert check()


def test_title_is_escaped_in_mjml_html_and_raw_in_text():  # T1
    digest = typical_digest(title="<b>&\"'")
    assert "&lt;b&gt;&amp;" in render_mjml(digest, SETTINGS)
    email = render(digest, SETTINGS)
    assert "<b>&" not in email.html and soup(email).h1.get_text() == "<b>&\"'"
    assert email.text.startswith("<b>&\"'\n") and email.subject == "<b>&\"': Film & TV, Games & Labor, Music"


FRAGMENTS = ["<script>alert(1)</script>", "a < b", "x<y", "&amp;", "&", '"', "'", "😀🎬", "مرحبا بالعالم", "שלום",
             "Ünïcödé", "w" * 120, "</mj-text>", "<p>", "<!-- c -->", "\u0092", "\x00", "{{ issue }}", " "]
nasty = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), min_size=1, max_size=4).map("".join)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=nasty, outlet=nasty, sentence=nasty, theme=nasty, path=nasty)
def test_untrusted_text_renders_safely(title, outlet, sentence, theme, path):  # T2, S2, L8
    a = article("fuzz", outlet, title, ["x"])
    section = ThemeSection(Theme("t", theme), (Sentence(sentence, a.id, 0, 0),))
    digest = make_digest([[[a]]], [section], title=title, links={a.id: f"https://fuzz.example/{path}"})
    email = render(digest, SETTINGS)
    assert "<script" not in email.html.lower() and not re.search(r"</?mj-", email.html)
    assert checks.check_encoding(email.html, email.text) == [] and checks.check_headings(email.html) == []
    said = " ".join(checks.CONTROL.sub("", sentence).split())
    assert said in checks.visible_text(soup(email)) and said in " ".join(email.text.split())


@pytest.mark.parametrize("week, label", [
    ("2025-W30", "Week 30, 2025 (21–27 July 2025)"), ("2025-W31", "Week 31, 2025 (28 July – 3 August 2025)"),
    ("2025-W54", "2025-W54"), ("issue 7", "issue 7")])
def test_week_label(week, label):
    assert render(typical_digest(week=week), SETTINGS).text.splitlines()[1].startswith(f"{label} · ")


def words_digest(count: int) -> Digest:
    a = article("w", "Variety", "Words", ["x"])
    section = ThemeSection(Theme("t", "Film"), (Sentence(" ".join(["word"] * count), a.id, 0, 0),))
    return make_digest([[[a]]], [section])


def test_read_time_is_words_over_238_rounded_up():  # C1
    assert "· 1 min read" in render(words_digest(238), SETTINGS).text
    assert "· 2 min read" in render(words_digest(239), SETTINGS).text
    email = render(typical_digest(), SETTINGS)
    shown = int(re.search(r"(\d+) min read", checks.visible_text(soup(email)))[1])
    assert abs(shown - math.ceil(len(checks.visible_text(soup(email)).split()) / 238)) <= 1


def test_sections_in_order_with_cited_sentences():
    digest, email = typical_digest(), render(typical_digest(), SETTINGS)
    assert [h.get_text() for h in soup(email).find_all("h2")] == [
        "Film & TV", "Games & Labor", "Music", "What the sources agree on", "Sources"]  # empty "Policy" skipped
    paragraphs = soup(email).find_all("p")
    for section in digest.sections:
        for sentence in (*section.sentences, section.why_it_matters):
            if sentence is None:
                continue
            assert sentence.text in digest.article(sentence.article_id).text  # C5: verbatim
            p = next(p for p in paragraphs if sentence.text in p.get_text())
            outlet = digest.article(sentence.article_id).outlet
            assert p.a["href"] == digest.links[sentence.article_id] and p.a.get_text().startswith(f"{outlet}: ")
    assert "Why it matters: Ted Sarandos" in checks.visible_text(soup(email))
    assert "7 articles · 6 independent sources · 3 stories" in email.text


def test_consensus_box_names_sources_and_disputes():
    email = render(typical_digest(), SETTINGS)
    table = soup(email).find("th").find_parent("table")
    assert [th.get_text() for th in table.find_all("th")] == ["Fact", "Sources"]
    rows = [" ".join(tr.get_text(" ").split()) for tr in table.find_all("tr")[1:]]
    assert "3 of 3 sources : Variety, Deadline, Reuters" in rows[0]
    assert "$11.08 billion : Variety, Deadline" in rows[1] and "$11.1 billion : Reuters (rounded)" in rows[1]
    assert "period not stated — may differ" in rows[1] and "also written : El Atonata" in rows[2]
    assert "$11.1 billion: Reuters (rounded)" in email.text
    empty = render(typical_digest(facts=()), SETTINGS)
    assert soup(empty).find("th") is None and "Nothing to compare this week" in empty.text
    assert "Nothing to compare this week" in checks.visible_text(soup(empty))


def test_unknown_outlets_are_numbered_sources_not_file_names():
    # a saved file names no outlet; the folder source falls back to the file name, marked inferred
    files = [article(f"f{n}", f"00{n}_c7e0.txt", f"Saved article {n}", ["Netflix used AI", "More text"],
                     inferred=("outlet",)) for n in range(3)]
    ids = [origin_id(a) for a in files]
    fact = Fact("consensus", "Netflix used AI", (ids[0], ids[2]), 3)
    digest = make_digest([[[a] for a in files]], [ThemeSection(Theme("t", "Film"), (cite(files[0]),))], [fact])
    email = render(digest, SETTINGS)
    assert "_c7e0.txt" not in email.html + email.text
    numbered = [li.a.get_text() for li in soup(email).find("h2", string="Sources").find_next("ol").find_all("li")]
    assert numbered == [a.title for a in files]
    assert "2 of 3 sources: source 1, source 3" in email.text


def test_sources_list_every_article_with_copies_under_their_origin():
    digest, email = typical_digest(), render(typical_digest(), SETTINGS)
    hrefs = [a["href"] for a in soup(email).find_all("a")]
    assert all(digest.links[a.id] in hrefs for a in digest.articles)
    copy = soup(email).find("a", string=re.compile("^Yahoo Entertainment: "))
    assert copy.find_parent("li").find_parent("li").a.get_text().startswith("Variety: ")
    footer = {a.get_text(): a["href"] for a in soup(email).find_all("a")[-2:]}
    assert footer == {"Unsubscribe": SETTINGS.unsubscribe_url,
                      "View this issue online": "https://news.example.com/archive/2025-W30/"}


def test_link_texts_are_unique_per_url_and_only_http():  # A6
    one = article("one", "Variety", "Same headline", ["x"])
    two = article("two", "Variety", "Same headline", ["y"])
    bad = article("bad", "Shady", "Click me", ["z"], url=None)
    ghosts = (Sentence("Cited but unlisted.", "ghost1", 0, 0), Sentence("Also unlisted.", "ghost2", 0, 0))
    digest = make_digest([[[one], [two], [bad]]], [ThemeSection(Theme("t", "Film"), (cite(one), cite(two), *ghosts))])
    links = {**digest.links, bad.id: "javascript:alert(1)", "ghost1": "https://g1.example/", "ghost2": "https://g2.example/"}
    email = render(replace(digest, links=links), SETTINGS)
    assert checks.check_links(email.html) == []
    texts = {a.get_text() for a in soup(email).find_all("a") if "Same headline" in a.get_text()}
    assert len(texts) == 2 and "javascript" not in email.html and "Shady: Click me" in email.text


def test_user_templates_override_and_failures_are_render_errors(tmp_path):
    (tmp_path / "digest.txt.j2").write_text("custom {{ issue.title }}")
    assert render(typical_digest(), SETTINGS, [tmp_path]).text == "custom AI in Entertainment Weekly"
    cases = {"{{ issue.nope }}": "nope", "<mjml><mj-body><mj-foo>x</mj-foo></mj-body></mjml>": "mj-foo",
             "<mjml><mj-body><mj-section><mj-column><mj-text><p>x</mj-text></mj-column></mj-section></mj-body></mjml>":
             "could not be compiled", "{% for %}": "digest.mjml.j2"}
    for source, message in cases.items():
        (tmp_path / "digest.mjml.j2").write_text(source)
        with pytest.raises(RenderError, match=message):
            render(typical_digest(), SETTINGS, [tmp_path])


def test_language_comes_from_settings():  # A1
    html = render(typical_digest(), replace_settings(language="de")).html
    assert checks.check_head(html, "de") == [] and checks.check_head(html, "en")


def test_template_avoids_interactive_and_inline_styles():  # L3, L9
    source = (DEFAULT_TEMPLATES / "digest.mjml.j2").read_text()
    assert not re.search(r"mj-(accordion|carousel|navbar)|inline=\"inline\"", source)
    assert 'font-size="16px"' in source and "<mj-all" in source


def test_message_passes_mime_and_unsubscribe_checks(tmp_path):  # M1-M8, U1, U2, U7
    email = render(typical_digest(), SETTINGS)
    message = compose(email, SETTINGS, NOW, recipient="reader@example.org")
    assert checks.check_message(message.as_bytes()) == []
    assert message["To"] == "reader@example.org" and message["List-Id"] == "AI in Entertainment Weekly <list.news.example.com>"
    raw = write_eml(message, tmp_path / "issue.eml").read_bytes()
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert checks.check_message(raw) == [] and raw == message.as_bytes()
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == email.text
    assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n").rstrip("\n") == email.html
    ids = {compose(email, SETTINGS, NOW)["Message-ID"] for _ in range(20)}
    assert len(ids) == 20 and all(i.endswith("@news.example.com>") for i in ids)
    international = compose(email, replace_settings(from_name="Überblick Wöchentlich"), NOW).as_bytes()
    assert checks.check_message(international) == [] and b"=?utf-8?" in international
    with pytest.raises(ValueError, match="timezone"):
        compose(email, SETTINGS, NOW.replace(tzinfo=None))


def replace_settings(**changes) -> EmailSettings:
    return SETTINGS.model_copy(update=changes)


def test_a_disputed_value_given_twice_is_one_line_with_both_sources():
    digest = typical_digest()
    ids = [o.id for o in digest.stories[0].origins]
    fact = Fact("disputed", "Growth (year-over-year)", tuple(ids), 3, values=(
        FactValue("16%", (ids[0],)), FactValue("16%", (ids[1],), note="period not stated"),
        FactValue("17%", (ids[2],), note="period not stated — may differ")), note="period not stated — may differ")
    email = render(replace(digest, facts=(fact,)), SETTINGS)
    assert "- 16%: Variety; Deadline (period not stated)" in email.text
    assert "- 17%: Reuters\n" in email.text
    assert email.text.count("16%") == 1
