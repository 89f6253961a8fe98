"""Follow-ups (pure): which stories earlier issues already sent, and which come back with new sources.

A story is recognised by its articles' ids (stable hashes of URL or path), looked up in the store's
record of what each earlier issue featured; dedup's grouping is not redone. The rule:

- no article of the story was featured before: a new story;
- every independent origin of the story was featured before: already sent, left out (the editor
  notes say so and where it was first covered);
- some origins are new: a follow-up, kept and marked "first covered in issue N (week)", N being
  the issue number the header showed (weeks counted from ``email.first_issue``; a week before it
  is named by its week alone).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import replace

from digest.models import Story


def follow_ups(stories: Sequence[Story], featured: Mapping[str, tuple[str, int]],
               context: Set[str] = frozenset()) -> tuple[tuple[Story, ...], tuple[str, ...]]:
    """(stories to feature, one note per story of this week left out as already sent).

    ``context`` are ids of earlier issues' articles added to the run only so that a new article
    can join the story it continues; a story made of them alone is dropped without a note. A
    follow-up keeps only its new origins: what was sent is not sent again.
    """
    kept, repeats = [], []
    for story in stories:
        earlier = sorted(featured[a.id] for a in story.articles if a.id in featured)
        if not earlier:
            kept.append(story)
            continue
        week, number = earlier[0]
        issue = f"issue {number} ({week})" if number else week
        new_origins = tuple(o for o in story.origins if not any(a.id in featured for a in o.articles))
        if new_origins:
            kept.append(replace(story.keeping(new_origins), follow_up=f"first covered in {issue}"))
        elif any(a.id not in context for a in story.articles):
            repeats.append(f"{story.title}: already sent in {issue}, no new sources")
    return tuple(kept), tuple(repeats)
