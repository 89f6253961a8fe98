"""The issue's layout as a reader meets it, in both parts: header, lead story, themes with their
stories, the consensus box, quick links and the footer (EMAIL.md C1-C7, A6, U6, U9)."""

from __future__ import annotations

import re
from dataclasses import replace

from bs4 import BeautifulSoup

import email_checks as checks
from digest.models import Fact, Sentence, Theme, ThemeSection
from digest.email.render import render
from digest.email.view import build_view
from issues import SETTINGS, article, cite, make_digest, origin_id, story_id, typical_digest


def soup(email) -> BeautifulSoup:
    return BeautifulSoup(email.html, "html.parser")


def test_parts_come_in_one_order_in_html_and_text():  # C7
    email = render(typical_digest(), SETTINGS)
    heads = [h.get_text() for h in soup(email).find_all("h2")]
    assert heads == ["Netflix used generative AI for a collapse scene", "Film & TV", "Games & Labor", "Music",
                     "What the sources agree on", "Quick links"]  # the empty "Policy & Legal" is skipped
    shown = checks.visible_text(soup(email))
    marks = ["Issue 2 · 21–27 July 2025", "Lead story", "Why it matters: Ted", "What the sources agree on", "Quick links",
             "You are receiving", "Unsubscribe", "Past issues"]
    assert [shown.index(m) for m in marks] == sorted(shown.index(m) for m in marks)
    text_marks = ["Issue 2 · 21–27 July 2025", "LEAD STORY", "## Film & TV", "## What the sources agree on",
                  "## Quick links", "You are receiving", "Unsubscribe: ", "Past issues: "]
    assert [email.text.index(m) for m in text_marks] == sorted(email.text.index(m) for m in text_marks)


def test_header_has_issue_number_dates_and_read_time():  # C1
    header = soup(render(typical_digest(), SETTINGS)).h1.find_next("p").get_text()
    assert re.fullmatch(r"Issue 2 · 21–27 July 2025 · \d+ min read", header)


def test_lead_story_has_summary_why_and_its_sources():
    digest = typical_digest()
    lead = soup(render(digest, SETTINGS)).find("p", string="Lead story").find_parent("div")
    said = " ".join(lead.get_text(" ").split())
    assert digest.lead.sentences[0].text in said and f"Why it matters: {digest.lead.why_it_matters.text}" in said
    sources = lead.find_all("p")[-1]
    assert [a.get_text() for a in sources.find_all("a")] == ["Variety", "Deadline", "Reuters"]
    assert sources.get_text().endswith("— 3 independent sources (4 articles)")  # the Yahoo copy counts once


def test_themes_quote_their_sources_and_list_stories_but_not_the_lead():
    digest, email = typical_digest(), render(typical_digest(), SETTINGS)
    page = soup(email)
    for section in digest.sections[:3]:
        block = page.find("h2", string=section.theme.name).find_parent("div")
        for sentence in (*section.sentences, *filter(None, [section.why_it_matters])):
            assert sentence.text in digest.article(sentence.article_id).text  # C5: verbatim
            link = next(a for a in block.find_all("a") if a.previous_sibling and sentence.text in a.previous_sibling)
            outlet = digest.article(sentence.article_id).outlet
            assert (link.get_text(), link["href"]) == (outlet, digest.links[sentence.article_id])
            assert link["aria-label"].startswith(f"{outlet}: ")
    film = page.find("h2", string="Film & TV").find_parent("div")
    assert film.find("h3") is None  # its one story is the lead, told above
    games = page.find("h2", string="Games & Labor").find_parent("div")
    assert games.h3.get_text() == "Video game actors approve AI deal"
    assert games.h3.find_next("p").get_text() == "The Hollywood Reporter · IGN — 2 independent sources"


def test_quick_links_are_stories_told_nowhere_else():
    email = render(typical_digest(), SETTINGS)
    items = soup(email).find("h2", string="Quick links").find_next("ul").find_all("li")
    assert [li.get_text() for li in items] == ["Spotify tests its AI DJ in more markets (The Verge)"]
    assert items[0].a["href"] == "https://verge.example/story?utm_source=digest"
    assert "* Spotify tests its AI DJ in more markets (The Verge)\n  https://verge.example/story?utm_source=digest" in email.text
    assert "Quick links" not in render(typical_digest(stories=typical_digest().stories[:3]), SETTINGS).text


def test_footer_explains_and_links_unsubscribe_preferences_and_archive():  # U6, U9
    email = render(typical_digest(), SETTINGS)
    links = {a.get_text(): a["href"] for a in soup(email).find_all("a")[-4:]}
    assert links == {"Unsubscribe": SETTINGS.unsubscribe_url, "Manage preferences": SETTINGS.preferences_url,
                     "View this issue online": "https://news.example.com/archive/2025-W30/",
                     "Past issues": "https://news.example.com/archive/"}
    shown = checks.visible_text(soup(email))
    assert "You are receiving AI in Entertainment Weekly because you subscribed" in shown
    assert SETTINGS.postal_address in shown and SETTINGS.postal_address in email.text
    assert all(f"{text}: {url}" in email.text for text, url in links.items())


def test_unknown_outlets_are_numbered_sources_not_file_names():
    # a saved file names no outlet; the folder source falls back to the file name, marked inferred
    files = [article(f"f{n}", f"00{n}_c7e0.txt", f"Saved article {n}", ["Netflix used AI", "More text"],
                     inferred=("outlet",)) for n in range(3)]
    ids = [origin_id(a) for a in files]
    fact = Fact("consensus", "Netflix used AI", (ids[0], ids[2]), 3)
    digest = make_digest([[[a] for a in files]], [ThemeSection(Theme("t", "Film"), (cite(files[0]),), story_ids=(story_id(0),))],
                         [fact])
    email = render(digest, SETTINGS)
    assert "_c7e0.txt" not in email.html + email.text
    assert "2 of 3 sources: sources 1, 3" in email.text
    named = {a.get_text(): a["aria-label"] for a in soup(email).find_all("a", attrs={"aria-label": True})}
    assert named == {f"source {n + 1}": f"source {n + 1}: Saved article {n}" for n in range(3)}


def test_same_outlet_twice_gets_distinct_names_and_only_http_links():  # A6
    one = article("one", "Variety", "Same headline", ["x"])
    two = article("two", "Variety", "Same headline", ["y"])
    bad = article("bad", "Shady", "Click me", ["z"], url=None)
    ghosts = (Sentence("Cited but unlisted.", "ghost1", 0, 0), Sentence("Also unlisted.", "ghost2", 0, 0))
    digest = make_digest([[[one], [two], [bad]]], [ThemeSection(Theme("t", "Film"), (cite(one), cite(two), *ghosts),
                                                                story_ids=(story_id(0),))])
    links = {**digest.links, bad.id: "javascript:alert(1)", "ghost1": "https://g1.example/", "ghost2": "https://g2.example/"}
    email = render(replace(digest, links=links), SETTINGS)
    assert checks.check_links(email.html) == []
    names = {a["aria-label"] for a in soup(email).find_all("a") if a.get_text() == "Variety"}
    assert names == {"Variety: Same headline", "Variety: Same headline (two.example)"}
    assert "javascript" not in email.html and "Shady: Click me" in email.text


def test_every_link_is_in_the_wrapped_text_part():  # M2
    email = render(typical_digest(), SETTINGS)
    hrefs = {a["href"] for a in soup(email).find_all("a")}
    assert hrefs <= set(re.findall(r"https://\S+", email.text)) and len(hrefs) == 11  # 7 articles (not the copy) and 4 footer links
    long_lines = [line for line in email.text.splitlines() if len(line) > 78]
    assert all(re.fullmatch(r"\s*https://\S+", line) for line in long_lines)


def test_view_words_are_final_strings():
    view = build_view(typical_digest(), SETTINGS)
    assert view.lead.story.count == "3 independent sources (4 articles)"
    assert [s.name for s in view.sections] == ["Film & TV", "Games & Labor", "Music"]
    assert view.counts_line == "8 articles · 7 independent sources · 4 stories"


def test_named_and_unnamed_sources_are_listed_compactly():
    from digest.email.view import _names

    assert _names(["source 1", "Variety", "source 3"]) == "Variety, sources 1, 3"
    assert _names(["source 2"]) == "source 2"
    assert _names(["Variety", "Deadline"]) == "Variety, Deadline"
