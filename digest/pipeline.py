"""The composition: collect -> build -> render -> write. Nothing else lives here.

``build_digest`` is pure (articles in, Digest out). ``run_issue`` does the I/O around it: read the
sources, write the issue folder (HTML, plain text, .eml, a readable copy of every source without a
public URL, editor notes) and record it in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from digest import consensus, dedup, render, themes
from digest.config import Config
from digest.deliver import compose, write_eml
from digest.errors import StrictModeError
from digest.models import Article, Digest, Email, Problem
from digest.sources import collect, collect_paths
from digest.store import Store
from digest.archive import write_source_pages

logger = logging.getLogger(__name__)


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def in_window(articles: Sequence[Article], now: datetime, days: int) -> list[Article]:
    """This issue's articles: published in the ``days`` before ``now``; undated ones count as this week."""
    start = now - timedelta(days=days)
    return [a for a in articles if a.published is None or start <= a.published <= now]


def build_digest(articles: Sequence[Article], config: Config, now: datetime,
                 problems: Sequence[Problem] = ()) -> Digest:
    """Articles -> Digest: stories, theme summaries and the consensus box."""
    week = iso_week(now)
    stories = dedup.group(articles, config.dedup)
    sections = themes.build_sections(stories, config.theme_list, config.summary)
    published = {a.id: a.published for a in articles}
    facts = tuple(f for story in stories for f in consensus.find_facts(story, config.consensus, published))
    kept = tuple(a for story in stories for a in story.articles)
    return Digest(
        title=config.email.title,
        week=week,
        created=now,
        stories=stories,
        sections=sections,
        facts=facts,
        articles=kept,
        problems=tuple(problems),
        links={a.id: a.url or f"{config.email.archive_url}/{week}/sources/{a.id}.html" for a in kept},
    )


@dataclass(frozen=True)
class RunResult:
    digest: Digest
    email: Email
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    articles_read: int = 0


def run_issue(config: Config, now: datetime, sources: Sequence[str] = (), out: Path | None = None,
              strict: bool = False, client: httpx.Client | None = None) -> RunResult:
    """Read the sources, build this week's issue and write it to ``out/<week>/``."""
    with client or _client() as http:
        articles, problems = collect_paths(list(sources), http) if sources else collect(config.sources, http)
    if strict and problems:
        raise StrictModeError("\n".join(str(p) for p in problems))
    current = in_window(articles, now, config.window_days)
    digest = build_digest(current, config, now, problems)
    email = render.render(digest, config.email)
    folder = (out or config.output) / digest.week
    files = _write(folder, digest, email, config, now)
    with Store(config.store) as store:
        store.record_articles(articles, now)
        store.record_issue(digest, folder, email.html)
    return RunResult(digest, email, folder, files, len(articles))


def _client() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(20.0, connect=10.0), follow_redirects=True, max_redirects=5)


def _write(folder: Path, digest: Digest, email: Email, config: Config, now: datetime) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"html": folder / "digest.html", "text": folder / "digest.txt", "eml": folder / "digest.eml",
             "notes": folder / "notes.txt"}
    files["html"].write_text(email.html, encoding="utf-8")
    files["text"].write_text(email.text, encoding="utf-8")
    write_eml(compose(email, config.email, now), files["eml"])
    files["notes"].write_text(_notes(digest), encoding="utf-8")
    write_source_pages(folder / "sources", [a for a in digest.articles if not a.url], config.email)
    return files


def _notes(digest: Digest) -> str:
    """The editor's notes: problems met, lines dropped as boilerplate, guessed metadata, merges."""
    lines = [f"Editor notes for {digest.title}, {digest.week}", ""]
    lines += ["Problems:"] + ([f"- {p}" for p in digest.problems] or ["- none"])
    lines += ["", "Dropped lines (not part of the article):"]
    lines += [f"- {a.location}: {d!r}" for a in digest.articles for d in a.dropped] or ["- none"]
    lines += ["", "Inferred metadata:"]
    lines += [f"- {a.location}: {', '.join(a.inferred)}" for a in digest.articles if a.inferred] or ["- none"]
    lines += ["", "Why each summary sentence is in its theme:"]
    for section in digest.sections:
        lines.append(f"- {section.theme.name}")
        lines += [f"    {reason}: {s.text[:70]}…" for s, reason in zip(section.sentences, section.reasons)]
    lines += ["", "Stories and why articles were grouped:"]
    for story in digest.stories:
        lines.append(f"- {story.title} ({len(story.articles)} articles, {len(story.origins)} independent sources)")
        where = {a.id: a.location for a in story.articles}
        lines += [f"    {m.rule} {m.score}: {where[m.left]} ~ {where[m.right]} ({m.detail})" for m in story.merges]
    return "\n".join(lines) + "\n"
