"""Digest -> Email: the HTML part through Jinja2 + MJML, the plain-text part from the same data.

Everything a reader sees is computed here (counts, wording, read time, preheader, link texts);
the templates only loop and branch. Two Jinja2 environments share one loader: the MJML one
escapes (``autoescape=True``: feed text is untrusted and ``select_autoescape`` does not cover
``.mjml``), the text one must not, or ``&`` would reach text/plain as ``&amp;``.

Figures:
- read time = ceil(words / 238): Brysbaert 2019's silent-reading rate for English non-fiction.
  Words are counted over what a reader reads: summary and "why it matters" sentences and the
  consensus lines.
- Gmail clips HTML past about 102 KB and takes the footer (with the unsubscribe link) with it,
  so an issue at or over 102 * 1024 bytes is a RenderError; above 90,000 bytes we warn
  (EMAIL.md S1). Measured: a typical issue is 17 KB, the five seed articles 25 KB, and a heavy
  one (60 articles, 8 themes of 4 sentences, 8 disputes, 200-character tracking URLs) 71 KB.
  All themes share one mj-section: a section per theme cost ~1.4 KB each of MJML scaffolding.
- Link texts shorten titles to 100 characters: a few feeds put a whole paragraph in <title>,
  and every link's text is paid twice (summary and Sources list) against the clipping budget.
- The preheader is 35-140 characters (EMAIL.md P1): the counts line (always over 35) and as
  many theme names as fit.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlsplit

import jinja2
from mjml import mjml2html

from digest.config import EmailSettings
from digest.errors import RenderError
from digest.models import Article, Digest, Email, Fact, Sentence, ThemeSection

logger = logging.getLogger(__name__)

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HTML_TEMPLATE = "digest.mjml.j2"
TEXT_TEMPLATE = "digest.txt.j2"
WORDS_PER_MINUTE = 238
CLIP_BYTES = 102 * 1024
WARN_BYTES = 90_000
PREHEADER_MAX = 140
TITLE_CHARS = 100
UNSUBSCRIBE_TEXT = "Unsubscribe"
ONLINE_TEXT = "View this issue online"

# C0/C1 controls (tab, newline, carriage return kept) and U+FFFD make Gmail clip (EMAIL.md S2).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_MJML_TAG = re.compile(r"</?mj-")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_STATUS_LABEL = {"consensus": "Agreed", "disputed": "Disputed", "variant": "Spelling varies"}


# The templates' view of an issue: immutable, every string final (Link.url None = plain text).
Link = NamedTuple("Link", [("text", str), ("url", str | None)])
Cited = NamedTuple("Cited", [("text", str), ("source", Link)])
SectionView = NamedTuple("SectionView", [("name", str), ("sentences", tuple[Cited, ...]), ("why", Cited | None)])
Line = NamedTuple("Line", [("value", str), ("detail", str)])  # value is shown emphasised
FactRow = NamedTuple("FactRow", [("label", str), ("text", str), ("lines", tuple[Line, ...])])
SourceItem = NamedTuple("SourceItem", [("number", int), ("link", Link), ("copies", tuple[Link, ...])])
SourceGroup = NamedTuple("SourceGroup", [("title", str), ("items", tuple[SourceItem, ...])])


@dataclass(frozen=True, slots=True)
class IssueView:
    """What the templates see: every string final, every number already worded."""

    language: str
    subject: str
    preheader: str
    title: str
    week_label: str
    read_label: str
    counts_line: str
    contents_line: str
    sections: tuple[SectionView, ...]
    facts: tuple[FactRow, ...]
    sources: tuple[SourceGroup, ...]
    postal_address: str
    unsubscribe: Link
    online: Link


def render(digest: Digest, settings: EmailSettings, template_dirs: Sequence[Path] = ()) -> Email:
    """Render one issue; raise RenderError when a template or MJML fails or the HTML is too big."""
    view = build_view(digest, settings)
    loader = _loader(template_dirs)
    html = _compile(_render_template(loader, HTML_TEMPLATE, view, escape=True))
    text = _render_template(loader, TEXT_TEMPLATE, view, escape=False)
    return Email(subject=view.subject, preheader=view.preheader, html=html, text=text)


def render_mjml(digest: Digest, settings: EmailSettings, template_dirs: Sequence[Path] = ()) -> str:
    """The MJML source before compiling (what T1 inspects and ``mjml --validate`` can lint)."""
    return _render_template(_loader(template_dirs), HTML_TEMPLATE, build_view(digest, settings), escape=True)


def build_view(digest: Digest, settings: EmailSettings) -> IssueView:
    links = _LinkNames(digest)
    sections = tuple(s for s in (_section(sec, links) for sec in digest.sections) if s.sentences)
    sources = _sources(digest, links)
    names = _origin_names(digest, sources, links)
    facts = tuple(_fact_row(fact, names) for fact in digest.facts)
    title = _clean(digest.title).strip() or settings.title
    names = [s.name for s in sections]
    counts = _counts_line(digest)
    words = sum(len(c.text.split()) for s in sections for c in (*s.sentences, *filter(None, [s.why])))
    words += sum(len(" ".join([r.text, *(f"{ln.value} {ln.detail}" for ln in r.lines)]).split()) for r in facts)
    return IssueView(
        language=settings.language,
        subject=_one_line(f"{title}: {', '.join(names[:3])}" if names else title),
        preheader=_preheader(counts, names),
        title=title,
        week_label=_week_label(digest.week),
        read_label=f"{max(1, math.ceil(words / WORDS_PER_MINUTE))} min read",
        counts_line=counts,
        contents_line=f"In this issue: {', '.join(names)}" if names else "",
        sections=sections,
        facts=facts,
        sources=sources,
        postal_address=settings.postal_address,
        unsubscribe=Link(UNSUBSCRIBE_TEXT, settings.unsubscribe_url),
        online=Link(ONLINE_TEXT, f"{settings.archive_url}/{quote(_clean(digest.week).strip(), safe='')}/"),
    )


class _LinkNames:
    """One link per article, "Outlet: Title"; a text never names two different URLs (A6)."""

    def __init__(self, digest: Digest):
        self.articles = {a.id: a for a in (*digest.articles, *(a for s in digest.stories for a in s.articles))}
        self.urls = {key: _public_url(value) for key, value in digest.links.items()}
        self.taken = {UNSUBSCRIBE_TEXT: None, ONLINE_TEXT: None}
        self.links: dict[str, Link] = {}
        for article_id in sorted(self.articles, key=self._order):
            self.links[article_id] = self._name(self.articles[article_id])

    def _order(self, article_id: str) -> tuple:
        article = self.articles[article_id]
        return (article.outlet, article.title, self.urls.get(article_id) or "", article_id)

    def __call__(self, article_id: str) -> Link:
        if article_id not in self.links:  # cited, but the digest does not list the article
            self.links[article_id] = self._unique("Unknown source", self.urls.get(article_id))
        return self.links[article_id]

    def _name(self, article: Article) -> Link:
        outlet = "" if "outlet" in article.inferred else _clean(article.outlet).strip()
        title = _shorten(_clean(article.title).strip(), TITLE_CHARS)
        text = f"{outlet}: {title}" if outlet and title else outlet or title or "Untitled article"
        return self._unique(text, self.urls.get(article.id) or _public_url(article.url))

    def _unique(self, text: str, url: str | None) -> Link:
        candidates = [text, f"{text} ({urlsplit(url).hostname})" if url else text]
        candidates += [f"{text} ({n})" for n in range(2, len(self.taken) + 3)]
        for candidate in candidates:
            if self.taken.get(candidate, url) == url:
                self.taken[candidate] = url
                return Link(candidate, url)
        raise AssertionError("unreachable: numbered candidates outnumber taken texts")


def _section(section: ThemeSection, links: _LinkNames) -> SectionView:
    def cite(sentence: Sentence) -> Cited:
        return Cited(_clean(sentence.text), links(sentence.article_id))

    why = cite(section.why_it_matters) if section.why_it_matters else None
    name = _clean(section.theme.name).strip() or _clean(section.theme.slug).strip() or "Untitled theme"
    return SectionView(name, tuple(cite(s) for s in section.sentences), why)


def _fact_row(fact: Fact, outlets: dict[str, str]) -> FactRow:
    def named(origin_ids: Iterable[str]) -> str:
        return ", ".join(dict.fromkeys(outlets.get(o) or "unnamed source" for o in origin_ids))

    text = _clean(fact.text)
    if fact.status == "consensus":
        lines = [Line(f"{fact.count} of {_plural(fact.total, 'source')}", named(fact.origin_ids))]
    elif fact.status == "disputed":
        lines = _dispute_lines(fact, named)
    else:
        others = [_clean(v.value) for v in fact.values if _clean(v.value) != text]
        lines = [Line("also written", ", ".join(dict.fromkeys(others)))] if others else []
    if fact.note:
        lines.append(Line("", _clean(fact.note)))
    return FactRow(_STATUS_LABEL.get(fact.status, fact.status), text, tuple(lines))


def _dispute_lines(fact: Fact, named) -> list[Line]:
    """One line per distinct value: who gives it, each with its own note unless the whole fact says it."""
    details: dict[str, list[str]] = {}
    for value in fact.values:
        note = _clean(value.note)
        note = "" if note == _clean(fact.note) else note
        details.setdefault(_clean(value.value), []).append(named(value.origin_ids) + (f" ({note})" if note else ""))
    return [Line(value, "; ".join(parts)) for value, parts in details.items()]


def _origin_names(digest: Digest, sources: tuple[SourceGroup, ...], links: _LinkNames) -> dict[str, str]:
    """How the consensus box names an origin: its outlet, or "source N" (its number in Sources)
    when the outlet is unknown; a file name means nothing to a subscriber."""
    number = {item.link: item.number for group in sources for item in group.items}
    names = {}
    for story in digest.stories:
        for origin in story.origins:
            lead = origin.lead
            known = "outlet" not in lead.inferred and _clean(lead.outlet).strip()
            names[origin.id] = known or f"source {number.get(links(lead.id), '?')}"
    return names


def _sources(digest: Digest, links: _LinkNames) -> tuple[SourceGroup, ...]:
    groups, seen = [], set()
    counter = iter(range(1, 1_000_000))
    for story in digest.stories:
        items = tuple(
            SourceItem(next(counter), links(o.lead.id), tuple(links(a.id) for a in o.articles[1:]))
            for o in story.origins if o.articles
        )
        seen.update(a.id for a in story.articles)
        title = _clean(story.title).strip() or (items[0].link.text if items else "Untitled story")
        title += f" (follow-up: {_clean(story.follow_up)})" if story.follow_up else ""
        groups.append(SourceGroup(title, items))
    rest = tuple(SourceItem(next(counter), links(a.id), ()) for a in digest.articles if a.id not in seen)
    if rest:
        groups.append(SourceGroup("Other articles", rest))
    return tuple(groups)


def _counts_line(digest: Digest) -> str:
    origins = sum(len(story.origins) for story in digest.stories)
    parts = [
        _plural(len(digest.articles), "article"),
        _plural(origins, "independent source"),
        _plural(len(digest.stories), "story", "stories"),
    ]
    return " · ".join(parts)


def _preheader(counts: str, names: list[str]) -> str:
    for keep in range(len(names), 0, -1):
        candidate = _one_line(f"{counts}. In this issue: {', '.join(names[:keep])}")
        if len(candidate) <= PREHEADER_MAX:
            return candidate
    return counts


def _week_label(week: str) -> str:
    match = _WEEK.match(week)
    try:
        start = date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
    except ValueError:
        start = None
    if start is None:
        return _clean(week)
    end = start + timedelta(days=6)
    span = f"{start.day}–{end.day} {end:%B %Y}" if start.month == end.month else (
        f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    )
    return f"Week {int(match[2])}, {match[1]} ({span})"


def _loader(template_dirs: Sequence[Path]) -> jinja2.BaseLoader:
    """User folders first, so a file there overrides the default of the same name."""
    folders = [*template_dirs, DEFAULT_TEMPLATES]
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder)) for folder in folders])


def _render_template(loader: jinja2.BaseLoader, name: str, view: IssueView, escape: bool) -> str:
    env = jinja2.Environment(
        loader=loader,
        autoescape=escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    try:
        return env.get_template(name).render(issue=view)
    except jinja2.TemplateError as error:
        where = getattr(error, "filename", None) or name
        line = getattr(error, "lineno", None)
        raise RenderError(f"template {where}{f':{line}' if line else ''}: {error}") from error


def _compile(mjml: str) -> str:
    try:
        html = mjml2html(mjml, disable_comments=True, fonts={})
    except Exception as error:  # mjml-python raises bare ValueError with the parser's message
        raise RenderError(f"{HTML_TEMPLATE}: MJML could not be compiled: {error}") from error
    leftover = _MJML_TAG.search(html)
    if leftover:
        snippet = html[leftover.start() : leftover.start() + 40]
        raise RenderError(f"{HTML_TEMPLATE}: unknown MJML tag left in the output: {snippet!r} (check its spelling)")
    size = len(html.encode("utf-8"))
    if size >= CLIP_BYTES:
        raise RenderError(
            f"the HTML is {size:,} bytes; Gmail clips at about {CLIP_BYTES:,} and hides the footer "
            "(fewer themes or sentences per theme, or shorter source URLs, will fix it)"
        )
    if size > WARN_BYTES:
        logger.warning("rendered HTML is %d bytes, close to Gmail's clipping threshold", size)
    return html


def _public_url(url: str | None) -> str | None:
    """Only http(s) URLs become links: a feed cannot smuggle in javascript: or file: links."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    usable = parts.scheme in ("http", "https") and parts.hostname and not re.search(r"[\s\x00-\x1f\x7f-\x9f]", url)
    return url if usable else None


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut).rstrip() + "…"


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"

