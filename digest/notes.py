"""The editor's notes (notes.txt beside each issue): where the week's articles went and why.

What the email leaves out is here: problems, articles left out as off topic, already sent or by the editor,
lines dropped from articles, guessed metadata, why each summary sentence is in its theme, the
stories listed only on more.html, and why articles were grouped into each featured story.
"""

from __future__ import annotations

from digest.models import Digest
from digest.tally import Tally


def editor_notes(digest: Digest, counts: Tally | None = None) -> str:
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
    lines += ["", "Left out by the editor's corrections:"] + ([f"- {why}" for why in sorted(digest.excluded.values())]
                                                            or ["- none"])
    lines += ["", "Dropped lines (not part of the article):"]
    lines += [f"- {a.location}: {d!r}" for a in digest.articles for d in a.dropped] or ["- none"]
    lines += ["", "Inferred metadata:"]
    lines += [f"- {a.location}: {', '.join(a.inferred)}" for a in digest.articles if a.inferred] or ["- none"]
    lines += ["", "Why each summary sentence is in its theme:"]
    for section in digest.sections:
        lines.append(f"- {section.theme.name}")
        lines += [f"    {reason}: {s.text[:70]}…" for s, reason in zip(section.sentences, section.reasons)]
    lines += ["", "More stories this week (not in the email, on more.html), most important first:"]
    lines += [f"- {s.title} ({len(s.articles)} articles, {len(s.origins)} independent sources)"
              for s in digest.more] or ["- none"]
    lines += ["", "Stories and why articles were grouped:"]
    for story in digest.stories:
        follow_up = f"; follow-up, {story.follow_up}" if story.follow_up else ""
        lines.append(f"- {story.title} ({len(story.articles)} articles, {len(story.origins)} independent sources{follow_up})")
        where = {a.id: a.location for a in story.articles}
        lines += [f"    {m.rule} {m.score}: {where[m.left]} ~ {where[m.right]} ({m.detail})" for m in story.merges]
    return "\n".join(lines) + "\n"
