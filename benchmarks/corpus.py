"""A newsroom's week as a folder of articles, built from real sentences of ``../shared/data``.

    corpus.build(data_dir, folder, articles=1000, mix="on-topic", seed=18, now=NOW)

- **Sentences** come from the BBC set (``bbc_topics/bbc_articles.jsonl``), split on sentence ends,
  6-45 words each. The BBC (2004-05) hardly names AI (13 sentences of 42,182 match the topic's AI
  group), so an on-topic article's AI sentences are real BBC technology sentences in which the
  first of "technology", "software", "computer(s)", "digital", "internet", "online", "robot(s)"
  is replaced by an AI term ("AI", "machine learning", "generative AI", ...): a real sentence with
  one word changed, so relevance, themes and facts read natural prose.
- **Stories**: each story has a title (a real BBC title), 2-6 outlets and 4 "core" sentences
  every outlet's article repeats (what the sources agree on); the rest of each article is drawn
  from its story's pools, 400-800 words in paragraphs of 3-5 sentences. An on-topic paragraph
  opens with an AI sentence and goes on with entertainment sentences; off-topic stories (the
  newsroom mix: 5 % on topic) use one BBC category's sentences.
- **Copies**: 10 % of articles are syndicated copies of another (the same text under another
  outlet, the last paragraph dropped, a "Distributed by" line added).
- **Dates**: inside the week before ``now``; a story's outlets publish within two days.

Everything follows from ``seed``: the same arguments give byte-identical files.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

NOW = datetime(2025, 7, 20, 8, tzinfo=timezone.utc)
ON_TOPIC_SHARE = {"on-topic": 1.0, "newsroom": 0.05}
COPY_SHARE = 0.1
CORE_SENTENCES = 4
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_TECH = re.compile(r"\b(technology|software|computers?|digital|internet|online|robots?)\b", re.I)
AI_TERMS = ("AI", "machine learning", "generative AI", "artificial intelligence", "AI software", "deep learning")
OUTLETS = tuple(f"Outlet {n:03d}" for n in range(120))


@dataclass(frozen=True)
class Pools:
    by_category: dict[str, list[str]]
    titles: dict[str, list[str]]
    ai: list[str]


def load_pools(data: Path, rng: random.Random) -> Pools:
    by_category: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    for line in (data / "bbc_topics" / "bbc_articles.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        category = record["category"]
        titles.setdefault(category, []).append(record["title"].strip())
        for paragraph in record["text"].split("\n"):
            for sentence in _SPLIT.split(paragraph.strip()):
                if 6 <= len(sentence.split()) <= 45 and sentence[-1:] in ".!?\"'":
                    by_category.setdefault(category, []).append(sentence)
    ai = [_TECH.sub(lambda m: rng.choice(AI_TERMS), s, count=1)
          for c in ("tech", "business", "entertainment") for s in by_category[c] if _TECH.search(s)]
    return Pools(by_category, titles, ai)


def build(data: Path, folder: Path, articles: int, mix: str = "on-topic", seed: int = 18,
          now: datetime = NOW, prefix: str = "") -> int:
    """Write ``articles`` files to ``folder``; return how many stories they tell."""
    rng = random.Random(f"{seed}:{prefix}")
    pools = load_pools(data, random.Random(seed))
    folder.mkdir(parents=True, exist_ok=True)
    written, stories = [], 0
    while len(written) < articles:
        if written and rng.random() < COPY_SHARE:
            written.append(_copy(rng.choice(written), rng))
            continue
        on_topic = rng.random() < ON_TOPIC_SHARE[mix]
        story = _story(pools, rng, on_topic, now)
        stories += 1
        for outlet in rng.sample(OUTLETS, rng.randint(2, 6)):
            if len(written) < articles:
                written.append(_article(story, outlet, rng))
    for index, (meta, paragraphs) in enumerate(written):
        _write(folder / f"{prefix}{index:05d}.md", meta, paragraphs)
    return stories


@dataclass(frozen=True)
class _Story:
    title: str
    core: list[str]
    ai: list[str]  # empty for an off-topic story
    body: list[str]
    published: datetime


def _story(pools: Pools, rng: random.Random, on_topic: bool, now: datetime) -> _Story:
    category = "entertainment" if on_topic else rng.choice(sorted(pools.by_category))
    body = rng.sample(pools.by_category[category], 60)
    ai = rng.sample(pools.ai, 12) if on_topic else []
    core = ([ai[0]] if ai else []) + body[: CORE_SENTENCES - (1 if ai else 0)]
    published = now - timedelta(days=rng.uniform(2.1, 6.9))
    return _Story(rng.choice(pools.titles[category]), core, ai[1:], body[CORE_SENTENCES:], published)


def _article(story: _Story, outlet: str, rng: random.Random) -> tuple[dict, list[str]]:
    target, words, paragraphs = rng.randint(400, 800), 0, []
    extra = rng.sample(story.body, len(story.body))
    core = list(story.core)
    while words < target and extra:
        size = rng.randint(3, 5)
        sentences = [rng.choice(story.ai)] if story.ai else []
        while len(sentences) < size and extra:
            sentences.append(core.pop(0) if core and rng.random() < 0.5 else extra.pop())
        paragraphs.append(" ".join(sentences))
        words += sum(len(s.split()) for s in sentences)
    paragraphs[0:0] = [" ".join(core)] if core else []
    published = story.published + timedelta(hours=rng.uniform(0, 48))
    return {"title": story.title, "outlet": outlet, "published": published.isoformat(timespec="seconds")}, paragraphs


def _copy(original: tuple[dict, list[str]], rng: random.Random) -> tuple[dict, list[str]]:
    meta, paragraphs = original
    outlet = rng.choice([o for o in OUTLETS if o != meta["outlet"]])
    kept = paragraphs[:-1] if len(paragraphs) > 3 else paragraphs
    return {**meta, "outlet": outlet}, [*kept, f"Distributed by {meta['outlet']}."]


def _write(path: Path, meta: dict, paragraphs: list[str]) -> None:
    front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
    path.write_text(f"---\n{front}\n---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
