"""The composition: collect -> build -> render -> write. Nothing else lives here.

``build_digest`` is pure (articles in, Digest out): ``find_stories`` (relevance, dedup, follow-ups:
the per-article work, whatever the week's size) then ``compose_issue`` (the editor's selection of
``summary.max_stories``, and themes, lead and facts for those alone). ``run_issue`` does the I/O
around it: read the sources, keep per-article work between runs (``digest/work.py``) and the
featured stories' facts, themes and lead (``digest/issue_work.py``), render (featuring fewer
stories while the HTML would be clipped), write the issue folder (HTML, plain
text, .eml, a readable copy of every source without a public URL, more.html, editor notes) and
record it in the store. Each stage is timed and shown by ``digest/progress.py``.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from digest.stories import again, dedup, features, followups
from digest.stories.select import select
from digest.text.hygiene import clean_article
from digest.weeks import iso_week, issue_number, week_window
from digest.sources import judging
from digest.email import render
from digest.config import Config
from digest import corrections as corrections_file
from digest import heap
from digest.corrections import WeekCorrections
from digest.mail.deliver import compose, write_eml
from digest.errors import DigestError, StrictModeError
from digest.files import write_atomic
from digest.models import Article, Digest, Email, Problem, Relevance, SourceReport, Story
from digest.sources import feeds_with, flatten, gather, gather_paths, is_feed, own
from digest.progress import Progress, Stage, stage, timed
from digest.store import Store
from digest.work import WorkCache
from digest.issue_work import IssueWork
from digest.tally import Tally, tally
from digest.notes import editor_notes
from digest.email.archive import write_more_page, write_source_pages
from digest.checkpoint import checkpoint
from digest.email.publish import ISSUE_JSON, issue_json

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)


def in_window(articles: Sequence[Article], now: datetime, days: int) -> list[Article]:
    """This issue's articles: published in the ``days`` before ``now``; undated ones count as this week."""
    start = now - timedelta(days=days)
    return [a for a in articles if a.published is None or start <= a.published <= now]


@dataclass(frozen=True)
class Week:
    """What the expensive stages found: every article judged, the on-topic ones in stories."""

    articles: tuple[Article, ...]  # on topic (and the context articles)
    judged: Mapping[str, Relevance]
    stories: tuple[Story, ...]  # after the editor's exclusions
    repeats: tuple[str, ...]
    read: tuple[Article, ...]  # every article given, before the editor's exclusions
    grouped: tuple[Story, ...]  # the stories before the editor's exclusions
    excluded: Mapping[str, str] = field(default_factory=dict)  # article id -> "location: why" the editor's corrections left it out


def find_stories(articles: Sequence[Article], config: Config, featured: Mapping[str, tuple[str, int]] | None = None,
                 context: Set[str] = frozenset(), progress: Progress | None = None, cache: WorkCache | None = None,
                 fix: WeekCorrections | None = None) -> Week:
    """Articles -> the on-topic ones (see relevance.py) in stories, already-sent ones left out.
    ``cache`` keeps each article's assessment between runs (digest/work.py); ``fix`` holds the
    editor's corrections for the week (excluded articles and stories, featured off-topic ones)."""
    fix = fix or WeekCorrections()
    known = cache.is_clean if cache else lambda article: False  # a folder file unchanged since it was found clean
    read = [a if known(a) else clean_article(a) for a in articles]  # the one boundary for text hygiene (text/hygiene.py)
    topic = config.topic.model_copy(update={"include": [*config.topic.include, *fix.featured_ids()]})
    fresh = [a for a in read if a.id not in context]
    with stage(progress, "relevance", len(fresh)) as judging_stage:
        judged = _judge(fresh, topic, cache, judging_stage)
    articles = [a for a in read if a.id in context or judged[a.id].featured]
    with stage(progress, "dedup", len(articles)) as dedup_stage:
        grouped = _group(articles, config.dedup, cache, dedup_stage)
    stories, repeats = followups.follow_ups(grouped, featured or {}, context)
    kept, with_article = dedup.without(stories, fix.excluded())  # grouped first, so its copies go with it
    kept, in_story = fix.keep_stories(kept)
    where = {a.id: a.location for a in read}
    excluded = {i: f"{where[i]}: excluded by the editor" if i == by else
                f"{where[i]}: a copy of {where[by]}, which the editor excluded" for i, by in with_article.items()}
    return Week(tuple(articles), judged, kept, tuple(repeats), tuple(read), tuple(stories), {**excluded, **in_story})


def _group(articles: Sequence[Article], settings, cache: WorkCache | None, step: Stage) -> tuple[Story, ...]:
    """dedup.group with each article's shingles, signature and word counts kept between runs, and the
    week's grouping state (stories/again.py: copy verdicts, idf, links, groups) so a re-run works only what is new."""
    keys = features.work_keys(articles, settings, cache.text_hash if cache else lambda article: None)
    found = _kept_work("dedup", articles, keys.values(), features.POOL_MIN, cache, step,
                       lambda part, known: features.features_of(part, settings, known, keys=keys))
    if cache is None:
        return dedup.group(articles, settings, found)
    key = again.state_key(settings)
    before = cache.get(again.KIND, [key]).get(key)
    stories, state, work = again.group_again(articles, settings, found, before, keys)
    if state != before:  # a week with nothing new keeps its state (~8 MB at 10,000) unwritten
        cache.put(again.KIND, {key: state})
    logger.info("dedup: %s", work.summary())
    return stories


def _judge(articles: Sequence[Article], topic, cache: WorkCache | None, step: Stage) -> dict[str, Relevance]:
    """Each article's relevance, kept ones read from ``cache``."""
    stamp = judging.fingerprint(topic)
    hashed = cache.content_hash if cache else lambda article: None  # not the lambda's ``known`` (kept values)
    keys = {a.id: judging.work_key(a, stamp, hashed(a)) for a in articles}
    return _kept_work("relevance", articles, keys.values(), judging.POOL_MIN, cache, step,
                      lambda part, known: judging.judge_many(part, topic, known, keys=keys)[:2])


def _kept_work(kind: str, articles: Sequence[Article], keys, smallest: int, cache: WorkCache | None, step: Stage,
               work: Callable[[Sequence[Article], Mapping], tuple[dict, dict]]) -> dict:
    """``work`` (part, kept values by key) -> (results by article id, new values by key) on every
    article, the values of ``kind`` under ``keys`` read from ``cache`` and the new ones kept there;
    ``step`` ticks after each part (parts of at least ``smallest``, so each still goes to the
    worker processes)."""
    known = cache.get(kind, keys) if cache else {}
    done, new = {}, {}
    for part in step.parts(articles, smallest):
        part_done, part_new = work(part, ChainMap(new, known) if new else known)
        done.update(part_done)
        new.update(part_new)
        step.tick(len(part))
    if cache and new:
        cache.put(kind, new)
    return done


def published_dates(week: Week) -> dict[str, datetime | None]:
    """Article id -> date, as the consensus box reads them (a feed item's date may be inferred)."""
    return {a.id: a.published for a in week.articles}


def compose_issue(week: Week, config: Config, now: datetime, problems: Sequence[Problem] = (), count: int | None = None,
                  progress: Progress | None = None, fix: WeekCorrections | None = None,
                  work: IssueWork | None = None) -> Digest:
    """The issue: the ``count`` (default ``summary.max_stories``) most important stories featured
    (themes, lead, consensus box only for them), the others listed in ``Digest.more``; the editor's
    corrections (``fix``) move stories between themes, drop consensus lines, pin the lead and set
    the subject, and one that matches nothing becomes a problem. ``work`` (``digest/issue_work.py``)
    computes each story's facts and each selection's sections once and keeps them between runs."""
    fix = fix or WeekCorrections()
    work = work or IssueWork(config, published_dates(week))
    stories, more = select(week.stories, count or config.summary.max_stories, fix.lead_story(week.stories))
    moves = fix.moves(stories, config.theme_list)
    sections, lead = timed(progress, "themes", len(stories), lambda: work.sections(stories, moves,
                                                                                    fix.lead_story(stories)))
    with stage(progress, "consensus", len(stories)) as facts_stage:
        found = work.facts(stories, facts_stage.tick)
    facts = fix.keep_facts(found)
    kept = tuple(a for story in stories for a in story.articles)
    iso = iso_week(now)
    problems = (*problems, *fix.unmatched(f"{config.corrections.name} {iso}", week.read, week.grouped, found,
                                          config.theme_list))
    return Digest(
        title=config.email.title,
        week=iso,
        created=now,
        stories=stories,
        sections=sections,
        facts=facts,
        articles=kept,
        problems=tuple(problems),
        links={a.id: a.url or f"{config.email.archive_url}/{iso}/sources/{a.id}.html" for a in kept},
        relevance=tuple(sorted(week.judged.values(), key=lambda r: (r.score, r.location, r.article_id))),
        repeats=week.repeats,
        lead=lead,
        number=issue_number(iso, config.email.first_issue),
        more=more,
        subject=fix.subject,
        excluded=dict(week.excluded),
    )


def build_digest(articles: Sequence[Article], config: Config, now: datetime,
                 problems: Sequence[Problem] = (), featured: Mapping[str, tuple[str, int]] | None = None,
                 context: Set[str] = frozenset(), progress: Progress | None = None,
                 corrections: WeekCorrections | None = None) -> Digest:
    """Articles -> Digest: ``find_stories`` then ``compose_issue``, honouring the editor's ``corrections``.

    ``featured`` (article id -> (week, issue number) of an earlier issue that featured it) leaves
    out stories already sent and marks follow-ups; ``context`` are the ids of earlier issues'
    articles given only for that (``followups.follow_ups``); they were judged on topic when featured."""
    week = find_stories(articles, config, featured, context, progress, None, corrections)
    return compose_issue(week, config, now, problems, None, progress, corrections)


def render_fitting(week: Week, config: Config, now: datetime, problems: Sequence[Problem] = (),
                   progress: Progress | None = None, fix: WeekCorrections | None = None,
                   work: IssueWork | None = None) -> tuple[Digest, Email]:
    """Compose and render; while the HTML would pass Gmail's clip, feature a third fewer stories.
    Only an issue that cannot fit with one story (a template or style too big) is refused. Each
    story's facts are computed once (``work``): a smaller count only redoes the themes."""
    count = config.summary.max_stories
    work = work or IssueWork(config, published_dates(week))
    while True:
        digest = compose_issue(week, config, now, problems, count, progress, fix, work)
        try:
            return digest, timed(progress, "render", len(digest.stories), lambda: render.render(digest, config.email))
        except render.TooBig as error:
            if count <= 1 or len(digest.stories) <= 1:
                raise
            logger.warning("%s: featuring %d stories instead of %d", error, count * 2 // 3 or 1, count)
            count = count * 2 // 3 or 1


@dataclass(frozen=True)
class RunResult:
    digest: Digest
    email: Email
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    articles_read: int = 0
    reports: tuple[SourceReport, ...] = ()
    tally: Tally | None = None  # where every article read went (featured, off topic, outside the week ...)
    previous: dict | None = None  # the week's issue record before this run, if it was built already
    work: IssueWork | None = None  # the featured stories' work: what was computed, what was kept from a run before


def build_clock(store: Store, now: datetime, force: bool) -> tuple[datetime, dict | None]:
    """The clock of a run and the week's earlier record: a week already built is rebuilt with the
    clock of its first build (same window, same Date header), so a second run with nothing new gives
    the same bytes and keeps an approval; ``force`` rebuilds with ``now`` on purpose."""
    previous = store.issue(iso_week(now))
    if previous is None or force:
        return now, previous
    return datetime.fromisoformat(previous["created"]), previous


def run_issue(config: Config, now: datetime, sources: Sequence[str] = (), out: Path | None = None,
              strict: bool = False, client: httpx.Client | None = None, week: str | None = None,
              force: bool = False, progress: Progress | None = None) -> RunResult:
    """Read the sources, build this week's issue and write it to ``out/<week>/``.

    With ``week`` ("2025-W30") nothing is fetched: the issue is rebuilt from the store's articles
    of that week (undated ones count in the week they were first seen). A week built before keeps
    its first build's clock unless ``force`` (see ``build_clock``). The editor's corrections for the
    week (``config.corrections``) are honoured; a malformed corrections file stops the run."""
    book = corrections_file.load(config.corrections)
    with Store(config.store) as store, WorkCache(config.store, now) as cache, heap.run():  # one per run: one prune
        previous = store.issue(week) if week else None
        with stage(progress, "collect", 0) as collecting, heap.reading(then_keep=True):
            if week:
                now, articles, problems, reports = *_stored_week(store, week, config.schedule.timezone), [], []
            else:
                now, previous = build_clock(store, now, force) if not sources else (now, None)
                gathered = own.leave_out(_gather(config, sources, store, cache, client, now, out),
                                         [config.output, out or config.output], config.store)
                reports = _date_feed_items(gathered, store, now)
                articles, problems = flatten(reports)
            collecting.items = len(articles)  # known only now
        # the week's articles live to the end, kept as the reading ends: no collection walks them again (heap.py)
        checkpoint("collected")
        if strict and problems:
            raise StrictModeError("\n".join(str(p) for p in problems))
        current = articles if week else _this_week(articles, reports, store, now, config.window_days)
        context = _recently_sent(store, current, now)
        featured = {article_id: (sent, issue_number(sent, config.email.first_issue)) for article_id, (sent, _)
                    in store.first_featured([a.id for a in (*current, *context)], iso_week(now)).items()}
        fix = book.week(iso_week(now))
        found = find_stories([*current, *context], config, featured, {a.id for a in context}, progress, cache, fix)
        cache.flush()  # the folder files', relevance's and dedup's new work, in one transaction
        work = IssueWork(config, published_dates(found), cache)
        digest, email = render_fitting(found, config, now, problems, progress, fix, work)
        work.keep()
        counts = tally(articles, current, digest, reports)
        folder = (out or config.output) / digest.week
        files = timed(progress, "write", len(digest.articles), lambda: _write(folder, digest, email, config, now, counts))
        checkpoint("written")
        if not sources:  # an ad-hoc --source run never replaces the week's real issue record
            with store.one_transaction():
                _remember(store, articles, reports, now, cache.hashed)
                store.record_issue(digest, folder, email)
    return RunResult(digest, email, folder, files, len(articles), tuple(reports), counts, previous, work)


def _gather(config: Config, sources: Sequence[str], store: Store, cache: WorkCache, client: httpx.Client | None,
            now: datetime, out: Path | None = None) -> list[SourceReport]:
    """Every source's report. Only a run with a feed makes an HTTP client (and loads httpx and the
    feed parser): folders alone need none."""
    outputs = dict.fromkeys([config.output, out or config.output])  # --out too: never walked into (own.py)
    skip = [*(("output folder", folder) for folder in outputs), ("store", config.store)]
    options = dict(concurrency=config.fetch.concurrency, teaser_words=config.fetch.teaser_words,
                   own=skip, cache=cache)  # with the cache, unchanged folder files are not parsed again
    configured = None if sources else feeds_with(config.sources, store.imported_feeds())

    def read(fetcher, pages=None) -> list[SourceReport]:
        if sources:
            return gather_paths(sources, fetcher, pages=pages, **options)
        return gather(configured, fetcher, pages=pages, **options)

    if not (any(map(is_feed, sources)) if sources else configured.feeds):
        return read(None)
    from digest.sources.fetch import Fetcher, make_client
    from digest.sources.pages import PageReader

    with nullcontext(client) if client else make_client(config.fetch) as http:  # a caller's client stays open
        fetcher = Fetcher(http, config.fetch, cache=store)
        return read(fetcher, PageReader(fetcher, store, lambda: now) if config.fetch.teaser_words else None)


def _date_feed_items(reports: Sequence[SourceReport], store: Store, now: datetime) -> list[SourceReport]:
    """An undated feed item is dated when first seen (and "published" stays in its ``inferred``),
    so it belongs to one week; only folder articles count as this week whenever they are read."""
    undated = [a.id for r in reports if r.kind == "feed" for a in r.articles if a.published is None]
    seen = store.first_seen(undated) if undated else {}

    def dated(article: Article) -> Article:
        return replace(article, published=seen.get(article.id, now)) if article.published is None else article

    return [replace(r, articles=tuple(map(dated, r.articles))) if r.kind == "feed" else r for r in reports]


def _stored_week(store: Store, week: str, zone: str) -> tuple[datetime, list[Article]]:
    """The end of ``week`` on ``zone``'s calendar (the rebuild's clock) and its stored articles."""
    start, end = week_window(week, zone)
    return end, store.stored_articles(start, end, undated=True)


def _this_week(articles: Sequence[Article], reports: Sequence[SourceReport], store: Store, now: datetime,
               days: int) -> list[Article]:
    """This run's articles in the window, plus the window's stored articles from the same sources
    that this run did not return (a feed that failed, an item that fell off a feed)."""
    stored = store.stored_articles(now - timedelta(days=days), now, {r.name for r in reports}, known={a.id for a in articles})
    return in_window([*articles, *stored], now, days)


def _recently_sent(store: Store, current: Sequence[Article], now: datetime) -> list[Article]:
    """Articles of the last four weeks' issues, so a new article can join (and follow up) the story
    it continues; dedup joins stories only within ``story_days`` anyway, so older ones never would."""
    ids = {a.id for a in current}
    sent = store.featured_articles(iso_week(now - timedelta(days=28)), iso_week(now))
    return [a for a in sent if a.id not in ids]


def _remember(store: Store, articles: Sequence[Article], reports: Sequence[SourceReport], now: datetime,
              hashed: Mapping[int, tuple[Article, str]]) -> None:
    store.keep_articles(articles, now, hashed)  # folder articles' hashes were made by the work cache
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
        checkpoint("files")
        write_atomic(files["text"], email.text)
        write_eml(_preview_message(email, config, now, digest.week), files["eml"])
        write_atomic(files["notes"], editor_notes(digest, counts))
        write_atomic(folder / ISSUE_JSON, issue_json(digest, email))
        write_source_pages(folder / "sources", [a for a in digest.articles if not a.url], config.email)
        if write_more_page(folder / "more.html", digest, config.email):
            files["more"] = folder / "more.html"
    except OSError as error:
        raise DigestError(f"{folder}: cannot write the issue: {error.strerror or error} (no file there is half "
                          "written and `send` refuses a mixed set; free space or check --out / output: in "
                          "config.yaml, then run again)") from None
    return files


def _preview_message(email: Email, config: Config, now: datetime, week: str):
    """The issue as an .eml for previews, the same bytes for the same issue: its Message-ID and MIME
    boundary come from the issue's fingerprint instead of the clock and a random number."""
    domain = config.email.from_address.rpartition("@")[2]
    message = compose(email, config.email, now, message_id=f"<{week}.{email.fingerprint[:24]}@{domain}>")
    message.set_boundary(f"===============digest{email.fingerprint[:32]}==")
    return message
