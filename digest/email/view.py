"""Digest -> IssueView: every word and number the templates show, computed once for both parts.

The layout, top to bottom (EMAIL.md C7): header (issue number, dates, read time), the lead story,
one section per theme, the consensus box, quick links, the footer. Templates only loop and branch.

- **Links**: a story's sources are named by outlet, as link text ("Variety · Deadline"), the way
  Techmeme and The Download cite. An outlet can have two articles in one issue, so each link also
  carries a unique accessible name, "Outlet: Headline", as ``aria-label`` (WCAG 2.4.4 link
  purpose; the visible text is part of the name, 2.5.3). An outlet the sources did not name (the
  folder source then guesses one from the file name) is "source N", numbered over the issue's
  independent sources in story order; the consensus box uses the same names.
- **Themes** list their stories except the lead, which the issue has already told in full.
  Stories in no theme and not the lead become quick links: one line, outlets in parentheses.
  They come from the featured stories only (``summary.max_stories``, stories/select.py), so
  they are capped with them; the week's other stories are one line, "N more stories this
  week", linked to the issue's web page that lists them (``more.html``, email/archive.py).
- **Read time** = ceil(words / 238), Brysbaert 2019's silent-reading rate for English
  non-fiction, over what a reader reads: summaries, "why it matters", story titles, the box.
- **Preheader** (EMAIL.md P1, 35-140 characters): the lead's first sentence, cut at a word;
  padded with the counts line when shorter than 35; the counts and theme names without a lead.
- **Direction**: the page is ``dir="rtl"`` when ``email.language`` is written right to left (he,
  ar, fa, ur ...); a sentence or title written the other way than the page gets its own ``dir``.
- Titles are cut to ``TITLE_CHARS`` = 100 characters: a few feeds put a whole paragraph in
  <title>, and every title is paid for in the clipping budget.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from digest.config import EmailSettings
from digest.weeks import week_window
from digest.email.style import StyleSettings
from digest.models import Article, Digest, Fact, Sentence, Story, ThemeSection
from digest.text.scripts import direction

WORDS_PER_MINUTE = 238
PREHEADER_MIN, PREHEADER_MAX = 35, 140
TITLE_CHARS = 100
RTL_LANGUAGES = {"ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"}
FOOTER_TEXTS = ("Unsubscribe", "Manage preferences", "View this issue online", "Past issues")

# C0/C1 controls (tab, newline, carriage return kept) and U+FFFD make Gmail clip (EMAIL.md S2).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_SOURCE_N = re.compile(r"source \d+")  # an outlet the sources did not name
_STATUS_LABEL = {"consensus": "Agreed", "disputed": "Disputed", "changed": "Changed", "variant": "Spelling varies"}

# label: the accessible name, unique per URL; text: what is shown (url None = plain text).
Link = NamedTuple("Link", [("text", str), ("url", str | None), ("label", str)])
# dir: the direction the text is written in ("rtl" for Hebrew, Arabic ...), set on it when it is
# not the page's (``IssueView.direction``), so a Hebrew sentence reads right to left in an English issue.
Cited = NamedTuple("Cited", [("text", str), ("source", Link), ("dir", str)])
StoryView = NamedTuple("StoryView", [("title", str), ("links", tuple[Link, ...]), ("count", str), ("dir", str)])
LeadView = NamedTuple("LeadView", [("story", StoryView), ("sentences", tuple[Cited, ...]), ("why", Cited | None)])
SectionView = NamedTuple("SectionView", [("name", str), ("sentences", tuple[Cited, ...]), ("why", Cited | None),
                                         ("stories", tuple[StoryView, ...])])
Line = NamedTuple("Line", [("value", str), ("detail", str)])  # value is shown emphasised
FactRow = NamedTuple("FactRow", [("label", str), ("text", str), ("lines", tuple[Line, ...])])
QuickLink = NamedTuple("QuickLink", [("link", Link), ("outlets", str)])


@dataclass(frozen=True, slots=True)
class IssueView:
    """What the templates see: every string final, every number already worded."""

    language: str
    direction: str  # "rtl" when the issue's language is written right to left, else "ltr"
    subject: str
    preheader: str
    title: str
    header_line: str  # "Issue 3 · 21–27 July 2025 · 4 min read"
    counts_line: str
    contents_line: str
    lead: LeadView | None
    sections: tuple[SectionView, ...]
    facts: tuple[FactRow, ...]
    quick_links: tuple[QuickLink, ...]
    more: Link | None  # "14 more stories this week" -> the issue's web page listing them (more.html)
    reason: str  # why the reader gets this email
    postal_address: str
    footer: tuple[Link, ...]  # unsubscribe, preferences, this issue online, the archive
    style: StyleSettings


def build_view(digest: Digest, settings: EmailSettings) -> IssueView:
    names = _Names(digest)
    lead_id = digest.lead.story_id if digest.lead else None
    stories = {s.id: s for s in digest.stories}
    sections = tuple(v for v in (_section(s, names, stories, lead_id) for s in digest.sections) if v.sentences)
    lead = _lead(digest, names, stories)
    shown = {lead_id} | {i for s in digest.sections if s.sentences for i in s.story_ids}
    quick = tuple(_quick(s, names) for s in digest.stories if s.id not in shown)
    facts = tuple(_fact_row(fact, names.origin_names) for fact in digest.facts)
    title = clean(digest.title).strip() or settings.title
    themes = [s.name for s in sections]
    counts = _counts_line(digest)
    minutes = max(1, math.ceil(_words(lead, sections, facts, quick) / WORDS_PER_MINUTE))
    return IssueView(
        language=settings.language,
        direction="rtl" if settings.language.split("-")[0].lower() in RTL_LANGUAGES else "ltr",
        subject=one_line(digest.subject or (f"{title}: {', '.join(themes[:3])}" if themes else title)),
        preheader=_preheader(lead, counts, themes),
        title=title,
        header_line=" · ".join(filter(None, [_issue_label(digest), f"{minutes} min read"])),
        counts_line=counts,
        contents_line=f"In this issue: {', '.join(themes)}" if themes else "",
        lead=lead, sections=sections, facts=facts, quick_links=quick, more=_more(digest, settings),
        reason=f"You are receiving {title} because you subscribed to it with this address.",
        postal_address=settings.postal_address,
        footer=tuple(Link(text, url, text) for text, url in zip(FOOTER_TEXTS, (
            settings.unsubscribe_url, settings.preferences_url,
            f"{settings.archive_url}/{quote(clean(digest.week).strip(), safe='')}/", f"{settings.archive_url}/"))),
        style=settings.style,
    )


class _Names:
    """Every article's link: outlet (or "source N") as text, a unique "Outlet: Title" as label (A6)."""

    def __init__(self, digest: Digest):
        self.articles = {a.id: a for a in (*digest.articles, *(a for s in digest.stories for a in s.articles))}
        self.urls = {key: public_url(value) for key, value in digest.links.items()}
        self.taken: dict[str, str | None] = {text: None for text in FOOTER_TEXTS}
        origins = [o for s in digest.stories for o in s.origins]
        self.number = {a.id: n for n, o in enumerate(origins, 1) for a in o.articles}
        self.links: dict[str, Link] = {}
        for article_id in sorted(self.articles, key=self._order):
            self.links[article_id] = self._name(self.articles[article_id])
        self.origin_names = {o.id: self(o.lead.id).text for o in origins}

    def _order(self, article_id: str) -> tuple:
        article = self.articles[article_id]
        return (article.outlet, article.title, self.urls.get(article_id) or "", article_id)

    def __call__(self, article_id: str) -> Link:
        if article_id not in self.links:  # cited, but the digest does not list the article
            self.links[article_id] = self.unique("Unknown source", "Unknown source", self.urls.get(article_id))
        return self.links[article_id]

    def _name(self, article: Article) -> Link:
        known = "" if "outlet" in article.inferred else clean(article.outlet).strip()
        outlet = known or f"source {self.number.get(article.id, len(self.number) + 1)}"
        title = shorten(clean(article.title).strip(), TITLE_CHARS)
        label = f"{outlet}: {title}" if title else outlet
        return self.unique(outlet, label, self.urls.get(article.id) or public_url(article.url))

    def unique(self, text: str, label: str, url: str | None) -> Link:
        """A label no other URL uses: as is, then with the host, then numbered."""
        numbered = (f"{label} ({n})" for n in range(2, len(self.taken) + 3))  # made only as far as needed
        for candidate in chain([label, f"{label} ({urlsplit(url).hostname})" if url else label], numbered):
            if self.taken.get(candidate, url) == url:
                self.taken[candidate] = url
                return Link(text if text in candidate else candidate, url, candidate)
        raise AssertionError("unreachable: numbered candidates outnumber taken labels")


def _story(story: Story, names: _Names) -> StoryView:
    links = tuple(names(o.lead.id) for o in story.origins if o.articles)
    count = plural(len(story.origins), "independent source")
    if len(story.articles) > len(story.origins):
        count += f" ({plural(len(story.articles), 'article')})"
    title = shorten(clean(story.title).strip(), TITLE_CHARS) or (links[0].label if links else "Untitled story")
    title += f" (follow-up: {clean(story.follow_up)})" if story.follow_up else ""
    return StoryView(title, links, count, direction(title))


def _cite(sentence: Sentence, names: _Names) -> Cited:
    text = clean(sentence.text)
    return Cited(text, names(sentence.article_id), direction(text))


def _lead(digest: Digest, names: _Names, stories: dict[str, Story]) -> LeadView | None:
    lead = digest.lead
    if lead is None or lead.story_id not in stories:
        return None
    why = _cite(lead.why_it_matters, names) if lead.why_it_matters else None
    return LeadView(_story(stories[lead.story_id], names), tuple(_cite(s, names) for s in lead.sentences), why)


def _section(section: ThemeSection, names: _Names, stories: dict[str, Story], lead_id: str | None) -> SectionView:
    why = _cite(section.why_it_matters, names) if section.why_it_matters else None
    name = clean(section.theme.name).strip() or clean(section.theme.slug).strip() or "Untitled theme"
    listed = tuple(_story(stories[i], names) for i in section.story_ids if i in stories and i != lead_id)
    return SectionView(name, tuple(_cite(s, names) for s in section.sentences), why, listed)


def _quick(story: Story, names: _Names) -> QuickLink:
    view = _story(story, names)
    first = view.links[0] if view.links else Link(view.title, None, view.title)
    link = names.unique(view.title, view.title, first.url) if first.url else Link(view.title, None, view.title)
    return QuickLink(link, " · ".join(dict.fromkeys(lk.text for lk in view.links)))


def _fact_row(fact: Fact, outlets: dict[str, str]) -> FactRow:
    def named(origin_ids) -> str:
        return _names(dict.fromkeys(outlets.get(o) or "unnamed source" for o in origin_ids))

    text = clean(fact.text)
    if fact.status == "consensus":
        lines = [Line(f"{fact.count} of {plural(fact.total, 'source')}", named(fact.origin_ids))]
    elif fact.status == "disputed":
        lines = _dispute_lines(fact, named)
    elif fact.status == "changed":  # "Killed: 60 on Fri 5 Dec → 67 on Sat 6 Dec", then who said each
        lines = [Line(f"{clean(v.value)} on {clean(v.note)}", named(v.origin_ids)) for v in fact.values]
    else:
        others = [clean(v.value) for v in fact.values if clean(v.value) != text]
        lines = [Line("also written", ", ".join(dict.fromkeys(others)))] if others else []
    if fact.note:
        lines.append(Line("", clean(fact.note)))
    return FactRow(_STATUS_LABEL.get(fact.status, fact.status), text, tuple(lines))


def _dispute_lines(fact: Fact, named) -> list[Line]:
    """One line per distinct value: who gives it, each with its own note unless the whole fact says it."""
    details: dict[str, list[str]] = {}
    for value in fact.values:
        note = clean(value.note)
        note = "" if note == clean(fact.note) else note
        details.setdefault(clean(value.value), []).append(named(value.origin_ids) + (f" ({note})" if note else ""))
    return [Line(value, "; ".join(parts)) for value, parts in details.items()]


def more_url(digest: Digest, settings: EmailSettings) -> str:
    """Where the issue's web page lists the stories the email does not feature."""
    return f"{settings.archive_url}/{quote(clean(digest.week).strip(), safe='')}/more.html"


def _more(digest: Digest, settings: EmailSettings) -> Link | None:
    if not digest.more:
        return None
    text = f"{plural(len(digest.more), 'more story', 'more stories')} this week"
    return Link(text, public_url(more_url(digest, settings)), text)


def _words(lead: LeadView | None, sections, facts, quick) -> int:
    said = [c.text for c in (*(lead.sentences if lead else ()), lead and lead.why) if c]
    said += [lead.story.title] if lead else []
    for s in sections:
        said += [c.text for c in (*s.sentences, s.why) if c] + [st.title for st in s.stories]
    said += [" ".join([r.text, *(f"{ln.value} {ln.detail}" for ln in r.lines)]) for r in facts]
    said += [q.link.text for q in quick]
    return sum(len(text.split()) for text in said)


def _counts_line(digest: Digest) -> str:
    origins = sum(len(story.origins) for story in digest.stories)
    return " · ".join([plural(len(digest.articles), "article"), plural(origins, "independent source"),
                       plural(len(digest.stories), "story", "stories")])


def _preheader(lead: LeadView | None, counts: str, themes: list[str]) -> str:
    said = lead.sentences[0].text if lead and lead.sentences else (lead.story.title if lead else "")
    said = shorten(one_line(said), PREHEADER_MAX)
    if said and len(said) < PREHEADER_MIN:
        said = shorten(f"{said} {counts}", PREHEADER_MAX)
    if said:
        return said
    for keep in range(len(themes), 0, -1):
        candidate = one_line(f"{counts}. In this issue: {', '.join(themes[:keep])}")
        if len(candidate) <= PREHEADER_MAX:
            return candidate
    return counts


def _issue_label(digest: Digest) -> str:
    """ "Issue 3 · 21–27 July 2025", or the ISO week when the number or dates are unknown."""
    try:
        start = week_window(digest.week)[0].date()
    except ValueError:
        return " · ".join(filter(None, [f"Issue {digest.number}" if digest.number else "", clean(digest.week)]))
    end = start + timedelta(days=6)
    year, number, _ = start.isocalendar()
    span = f"{start.day}–{end.day} {end:%B %Y}" if start.month == end.month else (
        f"{start.day} {start:%B} – {end.day} {end:%B %Y}")
    return f"Issue {digest.number} · {span}" if digest.number else f"Week {number}, {year} ({span})"


def public_url(url: str | None) -> str | None:
    """Only http(s) URLs become links: a feed cannot smuggle in javascript: or file: links."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    usable = parts.scheme in ("http", "https") and parts.hostname and not re.search(r"[\s\x00-\x1f\x7f-\x9f]", url)
    return url if usable else None


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut).rstrip() + "…"


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def _names(names: Iterable[str]) -> str:
    """Outlets joined by commas; unnamed ones compacted: "Variety, sources 2, 4" not "source 2, source 4"."""
    numbers, named = [], []
    for name in names:
        if _SOURCE_N.fullmatch(name):
            numbers.append(name.removeprefix("source "))
        else:
            named.append(name)
    if len(numbers) > 1:
        named.append("sources " + ", ".join(numbers))
    elif numbers:
        named.append("source " + numbers[0])
    return ", ".join(named)
