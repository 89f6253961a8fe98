"""Where every article of a run went: the run summary's and notes.txt's accounting (pure).

Each article read this run ends in exactly one place, so the numbers add up to what was read:

    read + this week's stored articles this run did not return (a failed feed, an item that fell
    off its feed) = outside the week + off topic + already sent + featured + copies + listed + excluded

- **outside the week**: published before or after the issue's window (with how many and the
  earliest and latest date, so "975 read, 869 outside the week (2015-01-05 to 2023-06-30)" says
  why a folder of old pages gives a thin issue);
- **off topic**: below the topic threshold (``relevance``);
- **already sent**: its story went out in an earlier issue and it brings nothing new;
- **featured**: the article a story or an independent source is told from;
- **copies**: the same report from another outlet or a reprint, grouped with the one featured
  (still counted in the consensus box as the same origin);
- **listed**: in a story the editor's selection left out of the email (``summary.max_stories``):
  on the issue's more.html and in the notes;
- **excluded**: left out by the editor's corrections (an excluded article with its copies, or an
  excluded story's articles), each named in the notes.

Not in that sum, and said beside it: articles read twice (the same URL from two sources, kept
once) and files or feed items that could not be read at all (each one is also a problem line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from digest.models import Article, Digest, SourceReport


@dataclass(frozen=True, slots=True)
class Tally:
    read: int
    from_store: int
    outside: int
    outside_range: tuple[datetime, datetime] | None
    off_topic: int
    already_sent: int
    featured: int
    copies: int
    twice: int = 0
    unreadable: int = 0
    listed: int = 0  # articles of stories not featured in the email (Digest.more)
    excluded: int = 0  # articles the editor's corrections left out (Digest.excluded)

    @property
    def adds_up(self) -> bool:
        return self.read + self.from_store == (self.outside + self.off_topic + self.already_sent
                                               + self.featured + self.copies + self.listed + self.excluded)

    def line(self) -> str:
        """"Read 975 articles: 12 featured · 3 copies · 106 off topic · 854 outside the week (...)"."""
        parts = [f"{self.featured} featured"]
        parts += [f"{n} {label}" for n, label in ((self.copies, "copies of featured ones"),
                                                   (self.off_topic, "off topic"),
                                                   (self.already_sent, "already sent"),
                                                   (self.listed, "in stories listed, not featured"),
                                                   (self.excluded, "excluded by the editor")) if n]
        if self.outside:
            parts.append(f"{self.outside} outside the week{self._range()}")
        stored = f" (+{self.from_store} of this week from earlier runs)" if self.from_store else ""
        extra = [f"{n} {label}" for n, label in ((self.twice, "read twice, kept once"),
                                                  (self.unreadable, "unreadable")) if n]
        return (f"{self.read} read{stored}: {' · '.join(parts)}"
                + (f"; {' · '.join(extra)}" if extra else ""))

    def empty_reason(self) -> str:
        """Why an issue has no stories, from what the articles were (never a guess)."""
        if not self.read + self.from_store:
            return "no article was read (see the problems above)" if self.unreadable else "no article was read"
        reasons = [f"{n} {label}" for n, label in ((self.outside, f"outside the week{self._range()}"),
                                                    (self.off_topic, "off topic"),
                                                    (self.already_sent, "already sent in an earlier issue")) if n]
        return f"of {_articles(self.read + self.from_store)}, " + ", ".join(reasons)

    def _range(self) -> str:
        if not self.outside_range:
            return ""
        first, last = (d.date().isoformat() for d in self.outside_range)
        return f", {first}" if first == last else f", {first} to {last}"


def tally(read: Sequence[Article], current: Sequence[Article], digest: Digest,
          reports: Sequence[SourceReport] = ()) -> Tally:
    """``read``: this run's articles (each once); ``current``: this week's (read or stored), as
    given to ``build_digest`` without the earlier issues' context articles."""
    current_ids = {a.id for a in current}
    outside = [a for a in read if a.id not in current_ids]
    dates = sorted(a.published for a in outside if a.published)
    off_topic = {r.article_id for r in digest.relevance if not r.featured} & current_ids
    leads = {o.lead.id for s in digest.stories for o in s.origins} & current_ids
    kept = {a.id for a in digest.articles} & current_ids
    listed = {a.id for s in digest.more for a in s.articles} & current_ids - kept
    excluded = set(digest.excluded) & current_ids  # articles of stories: never off topic
    return Tally(
        read=len(read),
        from_store=len(current_ids - {a.id for a in read}),
        outside=len(outside),
        outside_range=(dates[0], dates[-1]) if dates else None,
        off_topic=len(off_topic),
        already_sent=len(current_ids - off_topic - kept - listed - excluded),
        featured=len(leads),
        copies=len(kept - leads),
        twice=sum(len(r.articles) for r in reports) - len(read) if reports else 0,
        unreadable=sum(unreadable(r) for r in reports),
        listed=len(listed),
        excluded=len(excluded),
    )


def unreadable(report: SourceReport) -> int:
    """Files or feed items of a source that could not become articles (each is a problem line)."""
    if report.kind in ("folder", "file"):
        return sum(1 for p in report.problems if not p.what.startswith("skipped:"))
    return sum(1 for p in report.problems if p.what == "item has no text" or p.hint == "the item is left out")


def _articles(n: int) -> str:
    return f"{n} article" + ("" if n == 1 else "s")


__all__ = ["Tally", "tally", "unreadable"]
