"""The composition: collect -> build -> render -> write. Nothing else lives here.

``build_digest`` is pure (articles in, Digest out). ``run_issue`` does the I/O around it: read the
sources, write the issue folder (HTML, plain text, .eml, a readable copy of every source without a
public URL, editor notes) and record it in the store.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from digest.facts import consensus
from digest.stories import dedup, followups
from digest.weeks import iso_week, issue_number, week_window
from digest.sources import relevance
from digest.email import render
from digest.summary import themes
from digest.summary.lead import lead_story
from digest.config import Config
from digest import corrections as corrections_file
from digest.corrections import WeekCorrections
from digest.mail.deliver import compose, write_eml
from digest.errors import DigestError, StrictModeError
from digest.files import write_atomic
from digest.models import Article, Digest, Email, Problem, SourceReport
from digest.sources import feeds_with, flatten, gather, gather_paths
from digest.sources.fetch import Fetcher, make_client
from digest.sources.pages import PageReader
from digest.store import Store
from digest.tally import Tally, tally
from digest.email.archive import write_source_pages

logger = logging.getLogger(__name__)


def in_window(articles: Sequence[Article], now: datetime, days: int) -> list[Article]:
    """This issue's articles: published in the ``days`` before ``now``; undated ones count as this week."""
    start = now - timedelta(days=days)
    return [a for a in articles if a.published is None or start <= a.published <= now]


def build_digest(articles: Sequence[Article], config: Config, now: datetime,
                 problems: Sequence[Problem] = (), featured: Mapping[str, tuple[str, int]] | None = None,
                 context: Set[str] = frozenset(), corrections: WeekCorrections | None = None) -> Digest:
    """Articles -> Digest: the on-topic ones (see relevance.py) in stories, theme summaries, consensus box.

    ``featured`` (article id -> (week, issue number) of an earlier issue that featured it) leaves
    out stories already sent and marks follow-ups; ``context`` are the ids of earlier issues'
    articles given only for that (``followups.follow_ups``); they were judged on topic when featured.
    ``corrections`` are the editor's for this week (``digest.corrections``), applied between the
    stages; one that matches nothing becomes a problem."""
    week, fix = iso_week(now), corrections or WeekCorrections()
    every, articles = articles, fix.keep_articles(articles)
    topic = config.topic.model_copy(update={"include": [*config.topic.include, *fix.featured_ids()]})
    judged = relevance.judge_all([a for a in articles if a.id not in context], topic)
    articles = [a for a in articles if a.id in context or judged[a.id].featured]
    grouped, repeats = followups.follow_ups(dedup.group(articles, config.dedup), featured or {}, context)
    stories = fix.keep_stories(grouped)
    sections = themes.build_sections(stories, config.theme_list, config.summary, fix.moves(stories, config.theme_list))
    published = {a.id: a.published for a in articles}
    found = tuple(f for story in stories for f in consensus.find_facts(story, config.consensus, published))
    facts = fix.keep_facts(found)
    kept = tuple(a for story in stories for a in story.articles)
    problems = (*problems, *fix.unmatched(f"{config.corrections.name} {week}", every, grouped, found, config.theme_list))
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
        relevance=tuple(sorted(judged.values(), key=lambda r: (r.score, r.location, r.article_id))),
        repeats=repeats,
        lead=lead_story(stories, sections, config.summary, fix.lead_story(stories)),
        number=issue_number(week, config.email.first_issue),
        subject=fix.subject,
    )


@dataclass(frozen=True)
class RunResult:
    digest: Digest
    email: Email
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    articles_read: int = 0
    reports: tuple[SourceReport, ...] = ()
    tally: Tally | None = None  # where every article read went (featured, off topic, outside the week ...)


def run_issue(config: Config, now: datetime, sources: Sequence[str] = (), out: Path | None = None,
              strict: bool = False, client: httpx.Client | None = None, week: str | None = None) -> RunResult:
    """Read the sources, build this week's issue and write it to ``out/<week>/``.

    With ``week`` ("2025-W30") nothing is fetched: the issue is rebuilt from the store's articles
    of that week (undated ones count in the week they were first seen). The editor's corrections
    for the week (``config.corrections``) are honoured; a malformed corrections file stops the run."""
    book = corrections_file.load(config.corrections)
    with Store(config.store) as store:
        if week:
            now, articles, problems, reports = *_stored_week(store, week), [], []
        else:
            reports = _date_feed_items(_gather(config, sources, store, client, now), store, now)
            articles, problems = flatten(reports)
        if strict and problems:
            raise StrictModeError("\n".join(str(p) for p in problems))
        current = articles if week else _this_week(articles, reports, store, now, config.window_days)
        context = _recently_sent(store, current, now)
        featured = {article_id: (sent, issue_number(sent, config.email.first_issue)) for article_id, (sent, _)
                    in store.first_featured([a.id for a in (*current, *context)], iso_week(now)).items()}
        digest = build_digest([*current, *context], config, now, problems, featured, {a.id for a in context},
                              book.week(iso_week(now)))
        email = render.render(digest, config.email)
        counts = tally(articles, current, digest, reports)
        folder = (out or config.output) / digest.week
        files = _write(folder, digest, email, config, now, counts)
        if not sources:  # an ad-hoc --source run never replaces the week's real issue record
            _remember(store, articles, reports, now)
            store.record_issue(digest, folder, email)
    return RunResult(digest, email, folder, files, len(articles), tuple(reports), counts)


def _gather(config: Config, sources: Sequence[str], store: Store, client: httpx.Client | None,
            now: datetime) -> list[SourceReport]:
    settings = config.fetch
    with nullcontext(client) if client else make_client(settings) as http:  # a caller's client stays open
        fetcher = Fetcher(http, settings, cache=store)
        pages = PageReader(fetcher, store, lambda: now) if settings.teaser_words else None
        options = dict(pages=pages, concurrency=settings.concurrency, teaser_words=settings.teaser_words)
        if sources:
            return gather_paths(sources, fetcher, **options)
        return gather(feeds_with(config.sources, store.imported_feeds()), fetcher, **options)


def _date_feed_items(reports: Sequence[SourceReport], store: Store, now: datetime) -> list[SourceReport]:
    """An undated feed item is dated when first seen (and "published" stays in its ``inferred``),
    so it belongs to one week; only folder articles count as this week whenever they are read."""
    undated = [a.id for r in reports if r.kind == "feed" for a in r.articles if a.published is None]
    seen = store.first_seen(undated) if undated else {}

    def dated(article: Article) -> Article:
        return replace(article, published=seen.get(article.id, now)) if article.published is None else article

    return [replace(r, articles=tuple(map(dated, r.articles))) if r.kind == "feed" else r for r in reports]


def _stored_week(store: Store, week: str) -> tuple[datetime, list[Article]]:
    start, end = week_window(week)
    return end, store.stored_articles(start, end, undated=True)


def _this_week(articles: Sequence[Article], reports: Sequence[SourceReport], store: Store, now: datetime,
               days: int) -> list[Article]:
    """This run's articles in the window, plus the window's stored articles from the same sources
    that this run did not return (a feed that failed, an item that fell off a feed)."""
    stored = store.stored_articles(now - timedelta(days=days), now, {r.name for r in reports})
    fresh = {a.id for a in articles}
    return in_window([*articles, *(a for a in stored if a.id not in fresh)], now, days)


def _recently_sent(store: Store, current: Sequence[Article], now: datetime) -> list[Article]:
    """Articles of the last four weeks' issues, so a new article can join (and follow up) the story
    it continues; dedup joins stories only within ``story_days`` anyway, so older ones never would."""
    ids = {a.id for a in current}
    sent = store.featured_articles(iso_week(now - timedelta(days=28)), iso_week(now))
    return [a for a in sent if a.id not in ids]


def _remember(store: Store, articles: Sequence[Article], reports: Sequence[SourceReport], now: datetime) -> None:
    store.keep_articles(articles, now)
    for r in reports:
        store.record_source_run({"name": r.name, "kind": r.kind, "location": r.location, "last_fetch": now.isoformat(),
                                 "status": r.status, "items": len(r.articles), "inferred": r.inferred,
                                 "problems": len(r.problems)})


def _write(folder: Path, digest: Digest, email: Email, config: Config, now: datetime,
           counts: Tally | None = None) -> dict[str, Path]:
    """Write the issue's files, each atomically (a reader sees the old file or the new one); the
    store's record, written after them, holds their hashes, so ``send`` can tell a torn set."""
    files = {"html": folder / "digest.html", "text": folder / "digest.txt", "eml": folder / "digest.eml",
             "notes": folder / "notes.txt"}
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DigestError(f"{folder}: cannot create the issue folder: {error.strerror or error} "
                          "(check --out or output: in config.yaml)") from None
    try:
        write_atomic(files["html"], email.html)
        write_atomic(files["text"], email.text)
        write_eml(compose(email, config.email, now), files["eml"])
        write_atomic(files["notes"], _notes(digest, counts))
        write_source_pages(folder / "sources", [a for a in digest.articles if not a.url], config.email)
    except OSError as error:
        raise DigestError(f"{folder}: cannot write the issue: {error.strerror or error} (no file there is half "
                          "written and `send` refuses a mixed set; free space or check --out / output: in "
                          "config.yaml, then run again)") from None
    return files


def _notes(digest: Digest, counts: Tally | None = None) -> str:
    """The editor's notes: where the articles went, problems, off-topic articles, dropped lines,
    guessed metadata, merges."""
    lines = [f"Editor notes for {digest.title}, {digest.week}", ""]
    lines += [f"Articles: {counts.line()}", ""] if counts else []
    lines += ["Problems:"] + ([f"- {p}" for p in digest.problems] or ["- none"])
    lines += ["", "Left out as off topic (feature one with topic.include or 'include: true' in its front matter):"]
    lines += [f"- {r.location}: {r.title}: {r.reason}" for r in digest.left_out] or ["- none"]
    lines += ["", "Included by the editor whatever their topic score:"]
    lines += [f"- {r.location}: {r.reason}" for r in digest.relevance if r.included] or ["- none"]
    lines += ["", "Already sent (left out):"] + ([f"- {r}" for r in digest.repeats] or ["- none"])
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
        follow_up = f"; follow-up, {story.follow_up}" if story.follow_up else ""
        lines.append(f"- {story.title} ({len(story.articles)} articles, {len(story.origins)} independent sources{follow_up})")
        where = {a.id: a.location for a in story.articles}
        lines += [f"    {m.rule} {m.score}: {where[m.left]} ~ {where[m.right]} ({m.detail})" for m in story.merges]
    return "\n".join(lines) + "\n"
