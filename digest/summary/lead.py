"""Stories -> the issue's lead story ("1 big thing", EMAIL.md part 4): which one, and its summary.

- **Which story**: the one most independent sources reported (origins, not copies: a wire story
  reprinted forty times is still one report), then the one with more articles, then the first in
  the stories' own order, so the choice is stable from run to run.
- **Its summary**: at most ``LEAD_SENTENCES`` = 3 verbatim sentences and ``LEAD_WORDS`` = 70 words
  (the 2-3 sentences a lead gets in Axios and TLDR, about 20 seconds of reading at 238 wpm),
  taken from the lead article of each origin by the same summarizer as the themes, but never a
  sentence a theme section already shows: the reader would meet it twice.
- **Why it matters**: the themes' rule (most significance cues, stands alone, not in the summary);
  None when no sentence qualifies, as we never write one ourselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from digest.config import SummarySettings
from digest.models import Lead, Story, ThemeSection
from digest.text.sentences import article_sentences
from digest.summary.summarize import summarize
from digest.summary.themes import Match, Reading, Summarize, why_it_matters

LEAD_SENTENCES = 3
LEAD_WORDS = 70


def pick_story(stories: Sequence[Story]) -> Story | None:
    """The story with most independent sources; ties go to more articles, then the earlier story."""
    ranked = sorted(enumerate(stories), key=lambda pair: (-len(pair[1].origins), -len(pair[1].articles), pair[0]))
    return ranked[0][1] if ranked else None


def lead_story(stories: Sequence[Story], sections: Sequence[ThemeSection], settings: SummarySettings,
               pinned: str | None = None, known: Mapping[str, Reading] | None = None,
               summarize: Summarize = summarize) -> Lead | None:
    """The lead story and its summary, or None for an issue without stories; ``pinned`` (a story id)
    is the editor's choice and wins over the ranking. ``known`` and ``summarize`` as for
    ``themes.build_sections``: the story's sentences as its Reading holds them, a summarizer that
    may remember."""
    story = next((s for s in stories if s.id == pinned), None) or pick_story(stories)
    if story is None:
        return None
    shown = {s.text for section in sections for s in (*section.sentences, section.why_it_matters) if s}
    read = known[story.id].sentences if known and story.id in known else [
        s for origin in story.origins for s in article_sentences(origin.lead)]
    candidates = [s for s in read if s.text not in shown]
    budget = settings.model_copy(update={"max_sentences": LEAD_SENTENCES, "words_per_theme": LEAD_WORDS})
    summary = summarize(candidates, budget)
    why = why_it_matters([Match(s, "lead", 0.0, ()) for s in candidates], set(summary))
    return Lead(story.id, summary, why)

