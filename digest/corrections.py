"""The editor's corrections: a readable YAML file beside config.yaml that every build honours.

``digest run``, the scheduler and the editor's desk (``digest preview``) all build through
``pipeline.run_issue``, which reads this file (``corrections:`` in config.yaml, default
``corrections.yaml``) and passes the week's entry to ``build_digest``. Corrections are per ISO week,
so they can be reviewed in version control next to the config::

    2025-W30:
      subject: Netflix's AI week           # replaces the generated subject line
      exclude_articles:                    # left out with its copies; its story keeps the rest
        - {article: 3f2a9c1d0b7e4a55, title: A sponsored post}
      exclude_stories:                     # a story, named by any of its articles
        - {article: 9b1c..., title: ...}
      feature:                             # an off-topic article featured whatever its score
        - {article: ..., title: ...}
      lead: {article: ..., title: ...}     # the lead story ("1 big thing"), named by an article
      move:                                # a story's sentences all go to this configured theme
        - {article: ..., title: ..., theme: Business}
      drop_facts:                          # consensus lines left out, by their text
        - "Netflix used generative AI in El Eternauta"

An article is named by its id (the desk shows and writes them); a bare id
string works as well as the mapping, and ``title`` is only for the reader. Stories are named by an
article because a story's own id changes when a new article joins it. A correction that matches
nothing in this week's issue is reported as a problem (the run goes on); a malformed file is an
error that names the file, the line or the key, and the build does not start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from digest.config import read_yaml
from digest.errors import ConfigError
from digest.files import write_atomic
from digest.models import Article, Fact, Problem, Story, Theme
from digest.weeks import week_window

_Model = TypeVar("_Model", bound=BaseModel)
HEADER = """\
# Editor's corrections, per ISO week: `digest run`, the scheduler and `digest preview` honour them.
# Keys: subject, exclude_articles, exclude_stories, feature, lead, move (with theme), drop_facts.
# Articles are named by id; `title` is only for the reader. Written by the desk; hand edits are fine.
"""


class Ref(BaseModel):
    """An article (or the story it is in), named by id; the title is for the human reader."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    article: str = Field(min_length=1)
    title: str = ""

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value):
        return {"article": value} if isinstance(value, str) else value


class Move(Ref):
    theme: str = Field(min_length=1)  # a configured theme's name or slug


class WeekCorrections(BaseModel):
    """One week's corrections (all empty: the machine's issue as it is)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    subject: str = ""
    exclude_articles: tuple[Ref, ...] = ()
    exclude_stories: tuple[Ref, ...] = ()
    feature: tuple[Ref, ...] = ()
    lead: Ref | None = None
    move: tuple[Move, ...] = ()
    drop_facts: tuple[str, ...] = ()

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("the subject must be one line")
        return value.strip()

    def is_empty(self) -> bool:
        return self == none(WeekCorrections)

    # -- applied by pipeline.build_digest, in the order of its stages --

    def excluded(self) -> frozenset[str]:
        """The ids of the articles the editor excluded (``stories.dedup.without`` takes each out
        with its copies, after grouping, so a syndicated reprint goes too)."""
        return frozenset(r.article for r in self.exclude_articles)

    def featured_ids(self) -> list[str]:
        return [r.article for r in self.feature]

    def keep_stories(self, stories: Sequence[Story]) -> tuple[tuple[Story, ...], dict[str, str]]:
        """The stories the editor did not exclude, and each article of the others -> why it is out."""
        gone = {r.article for r in self.exclude_stories}
        if not gone:
            return tuple(stories), {}
        kept, out = [], {}
        for story in stories:
            if gone & {a.id for a in story.articles}:
                out.update({a.id: f"{a.location}: in the story the editor excluded ({story.title})"
                            for a in story.articles})
            else:
                kept.append(story)
        return tuple(kept), out

    def moves(self, stories: Sequence[Story], themes: Sequence[Theme]) -> dict[str, str]:
        """Story id -> theme slug for each ``move`` whose story and theme exist."""
        slugs = {key.casefold(): t.slug for t in themes for key in (t.slug, t.name)}
        found = {}
        for move in self.move:
            story = _story_of(stories, move.article)
            if story and move.theme.casefold() in slugs:
                found[story.id] = slugs[move.theme.casefold()]
        return found

    def lead_story(self, stories: Sequence[Story]) -> str | None:
        story = _story_of(stories, self.lead.article) if self.lead else None
        return story.id if story else None

    def keep_facts(self, facts: Iterable[Fact]) -> tuple[Fact, ...]:
        gone = {_norm(text) for text in self.drop_facts}
        if not gone:
            return tuple(facts)
        return tuple(f for f in facts if _norm(f.text) not in gone)

    def unmatched(self, where: str, articles: Sequence[Article], stories: Sequence[Story],
                  facts: Sequence[Fact], themes: Sequence[Theme]) -> list[Problem]:
        """Corrections that matched nothing this build: reported, never silently dropped."""
        if self.is_empty():
            return []
        ids = {a.id for a in articles}
        in_stories = {a.id for s in stories for a in s.articles}
        names = {key.casefold() for t in themes for key in (t.slug, t.name)}
        texts = {_norm(f.text) for f in facts}
        hint = "undo it on the desk or edit the file"
        refs = [("exclude_articles", r, ids) for r in self.exclude_articles]
        refs += [(key, r, in_stories) for key, group in (("exclude_stories", self.exclude_stories),
                                                         ("move", self.move)) for r in group]
        refs += [("feature", r, ids) for r in self.feature] + ([("lead", self.lead, in_stories)] if self.lead else [])
        problems = [Problem(where, f"{key}: no article {r.article} ({r.title or 'untitled'}) in this issue", hint)
                    for key, r, known in refs if r.article not in known]
        problems += [Problem(where, f"move: no theme {m.theme!r} in config.yaml", hint)
                     for m in self.move if m.theme.casefold() not in names]
        return problems + [Problem(where, f"drop_facts: no consensus line {t!r} in this issue", hint)
                           for t in self.drop_facts if _norm(t) not in texts]


class Corrections(BaseModel):
    """The whole file: ISO week -> that week's corrections."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    weeks: dict[str, WeekCorrections] = Field(default_factory=dict)

    def week(self, week: str) -> WeekCorrections:
        return self.weeks[week] if week in self.weeks else none(WeekCorrections)

    def with_week(self, week: str, corrections: WeekCorrections) -> Corrections:
        weeks = {k: v for k, v in self.weeks.items() if k != week}
        if not corrections.is_empty():
            weeks[week] = corrections
        return Corrections(weeks=dict(sorted(weeks.items())))


def load(path: Path) -> Corrections:
    """Read and check the corrections file; a missing file means no corrections."""
    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        return none(Corrections)
    if raw is None:
        return none(Corrections)
    if not isinstance(raw, dict):
        raise ConfigError([f"{path}: expected ISO weeks (2025-W30:) at the top level"])
    problems, weeks = [], {}
    for key, entry in raw.items():
        try:
            week_window(str(key))
            weeks[str(key)] = WeekCorrections.model_validate(entry or {})
        except ValueError as error:  # pydantic's ValidationError is a ValueError too
            problems += _describe(path, str(key), error)
    if problems:
        raise ConfigError(problems)
    return Corrections(weeks=weeks)


def none(model: type[_Model]) -> _Model:
    """``model()``, every field at its default, made without the validator pydantic builds on a
    model's first use (~5 ms each: a run without a corrections file built two for nothing)."""
    return model.model_construct()


def save(path: Path, corrections: Corrections) -> None:
    """Write the file atomically, in a stable, reviewable order (empty keys left out)."""
    data = {week: c.model_dump(mode="json", exclude_defaults=True) for week, c in corrections.weeks.items()}
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100) if data else ""
    write_atomic(path, HEADER + body)


def _describe(path: Path, week: str, error: ValueError) -> list[str]:
    if not isinstance(error, ValidationError):
        return [f"{path}: {week}: {error}"]
    lines = []
    for item in error.errors():
        loc = ".".join(str(part) for part in (week, *item["loc"]))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = f"unknown key (known: {', '.join(WeekCorrections.model_fields)}, or article/title/theme)"
        lines.append(f"{path}: {loc}: {message}")
    return lines


def _story_of(stories: Sequence[Story], article_id: str) -> Story | None:
    return next((s for s in stories if any(a.id == article_id for a in s.articles)), None)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
