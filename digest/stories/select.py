"""Stories -> the editor's selection: which stories an issue features, and which it only lists.

A busy week has hundreds of stories; an email shows a few. ``select`` ranks them by importance
and keeps the first ``count`` in the email (the lead, theme sections, the consensus box and
quick links are all built from these alone); the rest are listed in the issue's web page and the
editor notes ("N more stories this week"). Importance, in this order:

1. **independent sources** (origins, not copies: a wire story reprinted forty times is one report);
2. **follow-up**: a story an earlier issue sent that came back with new sources ranks above a new
   one with as many sources (the reader has context for it);
3. **recency**: the newest article first;
4. then more articles, then the stories' own order, so the choice is stable from run to run.

The featured stories keep their original order (the order dedup found them), so an issue whose
stories all fit is exactly what it was before selection existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from digest.models import Story

_OLDEST = datetime.min.replace(tzinfo=timezone.utc)


def importance(story: Story, position: int) -> tuple:
    """A sort key: smaller is more important."""
    newest = max((a.published for a in story.articles if a.published), default=_OLDEST)
    return (-len(story.origins), not story.follow_up, -newest.timestamp(), -len(story.articles), position)


def ranked(stories: Sequence[Story]) -> list[Story]:
    """Every story, most important first."""
    return [s for _, s in sorted(enumerate(stories), key=lambda pair: importance(pair[1], pair[0]))]


def select(stories: Sequence[Story], count: int, pinned: str | None = None) -> tuple[tuple[Story, ...], tuple[Story, ...]]:
    """(featured, more): the ``count`` most important stories in their own order, the rest by
    importance; ``pinned`` (the editor's lead story, by id) is always featured."""
    order = ranked(stories)
    order = [s for s in order if s.id == pinned] + [s for s in order if s.id != pinned]
    chosen = {s.id for s in order[:count]}
    return tuple(s for s in stories if s.id in chosen), tuple(order[count:])
