"""Digest -> the "why" panel: what the machine read and decided, in plain rows for the desk's template.

Pure: it reads the Digest (and the run's source reports) and words what the editor sees: sources
and problems, articles left out as off topic (score, reason), copies merged (rule, score), stories
with their origins, each theme's sentences with source and reason, each consensus line with its
evidence, who says what and the variants merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from digest.models import Digest, Fact, SourceReport


@dataclass(frozen=True)
class Row:
    """One line of the panel: text, where it comes from, why; ``ref`` is the article id actions name."""

    text: str
    source: str = ""
    why: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Group:
    """A titled group of rows (a story, a theme, a consensus line)."""

    title: str
    rows: tuple[Row, ...]
    note: str = ""
    ref: str = ""  # the article id that names a story in corrections


def sources(reports: Sequence[SourceReport], digest: Digest) -> tuple[Group, ...]:
    read = tuple(Row(f"{r.name or r.location} ({r.kind})", f"{len(r.articles)} articles", r.status + (
        f"; {r.inferred}" if r.inferred else "")) for r in reports)
    problems = tuple(Row(p.what, p.where, p.hint) for p in digest.problems)
    return (Group("Sources read", read, "" if reports else "rebuilt from the store: no source was read"),
            Group("Problems", problems, "none" if not problems else ""))


def off_topic(digest: Digest) -> tuple[Row, ...]:
    return tuple(Row(r.title, r.location, f"score {r.score:.2f}: {r.reason}", r.article_id) for r in digest.left_out)


def stories(digest: Digest) -> tuple[Group, ...]:
    lead = digest.lead.story_id if digest.lead else ""
    groups = []
    for story in digest.stories:
        rows = tuple(Row(origin.lead.title, origin.lead.outlet,
                         f"{len(origin.articles)} copies" if len(origin.articles) > 1 else "one article", origin.lead.id)
                     for origin in story.origins)
        note = ", ".join(filter(None, ["lead story" if story.id == lead else "", story.follow_up,
                                       f"{len(story.origins)} independent sources"]))
        groups.append(Group(story.title, rows, note, story.articles[0].id))
    return tuple(groups)


def merges(digest: Digest) -> tuple[Row, ...]:
    rows = []
    for story in digest.stories:
        names = {a.id: f"{a.outlet}: {a.title}" for a in story.articles}
        rows += [Row(f"{names[m.left]} ~ {names[m.right]}", m.rule, f"score {m.score:g}; {m.detail}".rstrip("; "))
                 for m in story.merges]
    return tuple(rows)


def themes(digest: Digest) -> tuple[Group, ...]:
    source = _sources(digest)
    groups = []
    for section in digest.sections:
        rows = tuple(Row(s.text, source.get(s.article_id, s.article_id), why)
                     for s, why in zip(section.sentences, section.reasons))
        if section.why_it_matters:
            s = section.why_it_matters
            rows += (Row(s.text, source.get(s.article_id, ""), "why it matters: most significance cues"),)
        groups.append(Group(section.theme.name, rows, section.theme.description))
    return tuple(groups)


def facts(digest: Digest) -> tuple[Group, ...]:
    outlets = {o.id: o.lead.outlet for s in digest.stories for o in s.origins}
    return tuple(_fact(f, outlets) for f in digest.facts)


def _fact(fact: Fact, outlets: dict[str, str]) -> Group:
    rows = [Row(e.sentence, outlets.get(e.origin_id, e.origin_id), "evidence") for e in fact.evidence]
    for value in fact.values:
        who = ", ".join(outlets.get(o, o) for o in value.origin_ids)
        kind = "spelling merged" if fact.status == "variant" else "says"
        rows.append(Row(value.value, who, f"{kind}{f' ({value.note})' if value.note else ''}"))
        rows += [Row(e.sentence, outlets.get(e.origin_id, e.origin_id), "evidence") for e in value.evidence]
    note = f"{fact.status}: {fact.count} of {fact.total} sources" + (f"; {fact.note}" if fact.note else "")
    return Group(fact.text, tuple(rows), note)


def _sources(digest: Digest) -> dict[str, str]:
    return {a.id: f"{a.outlet}: {a.title}" for a in digest.articles}
