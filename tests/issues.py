"""Digests built with the model's own constructors, for the render, view, browser and send tests.

``typical_digest()`` has every part of the layout: a lead story (with a syndicated copy), themes
with their stories, the consensus box with a dispute and a spelling variant, and a quick link.
``worst_case()`` is the size fixture: 25 stories with long titles and long tracking URLs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from digest.config import EmailSettings
from digest.models import (
    Article, Block, Digest, Evidence, Fact, FactValue, Lead, Origin, Sentence, Story, Theme, ThemeSection, stable_id,
)

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


def story_id(index: int) -> str:
    return stable_id("story", str(index))


def make_digest(stories: list[list[list[Article]]], sections: list[ThemeSection], facts=(), **overrides) -> Digest:
    """stories: for each story, its origins; for each origin, its articles (the lead first)."""
    built = tuple(
        Story(id=story_id(i), title=group[0][0].title,
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
                 "Revenue reached $11.08 billion for the quarter",
                 "A small production team delivered the series with AI tools once reserved for big studios"])
    r = article("reuters", "Reuters", "Netflix leans on AI as revenue rises",
                ["Netflix said revenue rose to $11.1 billion", "The AI shot cost a fraction of the usual budget",
                 "The move signals a shift in how streamers budget for visual effects"])
    t = article("thr", "The Hollywood Reporter", "Video game actors approve AI deal",
                ["Video game performers ratified a contract with consent rules for digital replicas",
                 "The deal ends an eleven month strike"])
    i = article("ign", "IGN", "Game strike is over",
                ["The strike by video game actors is officially over", "Studios must disclose AI use"])
    b = article("billboard", "Billboard", "Universal signs AI licensing deal",
                ["Universal Music Group signed a licensing deal with an AI music startup",
                 "Artists can opt in to have their voices used"])
    q = article("verge", "The Verge", "Spotify tests its AI DJ in more markets",
                ["Spotify is testing its AI DJ in twelve more markets"])
    sections = [
        ThemeSection(Theme("film-tv", "Film & TV"), (cite(v), cite(d), cite(r, 1)), why_it_matters=cite(v, 1),
                     story_ids=(story_id(0),)),
        ThemeSection(Theme("games", "Games & Labor"), (cite(t), cite(i, 1)), why_it_matters=cite(t, 1),
                     story_ids=(story_id(1),)),
        ThemeSection(Theme("music", "Music"), (cite(b), cite(b, 1)), story_ids=(story_id(2),)),
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
    lead = Lead(story_id(0), (cite(d, 2),), why_it_matters=cite(r, 2))
    digest = make_digest([[[v, v_copy], [d], [r]], [[t], [i]], [[b]], [[q]]], sections, facts, lead=lead, number=2)
    return replace(digest, **overrides)


LONG_TITLE = ("Generative video models reshape visual effects budgets across film, television, streaming and games "
              "as studios test them")
LONG_SENTENCE = "Studios said generative video tools cut the cost of effects shots and previsualization work by half"


def worst_case(stories: int = 25, origins: int = 3) -> Digest:
    """The size fixture: ``stories`` stories of ``origins`` independent sources plus a syndicated copy,
    118-character titles, 230-character tracking URLs, 8 themes of 4 sentences and "why it matters"
    listing 3 stories each, the rest as quick links, and 8 three-way disputes."""
    groups = []
    for s in range(stories):
        leads = [article(f"s{s}o{o}", f"Outlet {o} Media Group", f"{LONG_TITLE} {s}-{o}",
                         [f"{LONG_SENTENCE} {s} {n}" for n in range(3)],
                         url=f"https://www.s{s}o{o}.example/news/2025/07/{'generative-video-effects-' * 3}s{s}o{o}")
                 for o in range(origins)]
        copy = article(f"s{s}c", "Syndicated Wire Service", leads[0].title, [leads[0].blocks[0].text])
        groups.append([[leads[0], copy], *([lead] for lead in leads[1:])])
    digest = make_digest(groups, [])
    links = {a.id: f"{a.url}?utm_source=newsletter&utm_medium=email&utm_campaign=ai-weekly-2025-w30"
             for a in digest.articles}
    firsts = [story.origins[0].lead for story in digest.stories]
    sections = [ThemeSection(Theme(f"t{t}", f"Theme {t}: Film, Television and Streaming"),
                             tuple(cite(story.origins[n % origins].lead, 1) for n, story in enumerate(digest.stories[t * 3 + 1: t * 3 + 4])),
                             why_it_matters=cite(firsts[min(t * 3 + 1, stories - 1)], 2),
                             story_ids=tuple(s.id for s in digest.stories[t * 3 + 1: t * 3 + 4]))
                for t in range(8)]
    ids = tuple(o.id for o in digest.stories[0].origins)
    facts = [Fact("disputed", f"{LONG_SENTENCE} ({n})", ids, len(ids), note="period not stated",
                  values=tuple(FactValue(f"${v}.5 billion in revenue for the quarter", (i,), note="rounded")
                               for v, i in enumerate(ids))) for n in range(8)]
    lead = Lead(digest.stories[0].id, (cite(firsts[0], 0), cite(firsts[0], 1)), why_it_matters=cite(firsts[0], 2))
    return replace(digest, links=links, sections=tuple(sections), facts=tuple(facts), lead=lead, number=52)
