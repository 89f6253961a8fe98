"""Dedup: copies collapse into one origin, articles on one event into one story, nothing is lost."""

import dataclasses
import random

from hypothesis import given, settings, strategies as st

from digest.config import ConsensusSettings, DedupSettings
from digest.facts.consensus import find_facts
from digest.stories.dedup import group
from digest.models import Block, stable_id
from tests.conftest import make_article

SETTINGS = DedupSettings()


def copy_of(article, suffix, blocks=None, **changes):
    return dataclasses.replace(article, id=stable_id("copy", article.id, suffix),
                               location=f"{article.location}.{suffix}", blocks=blocks or article.blocks, **changes)


def test_seeds_are_five_origins_in_one_story(seed_articles):
    stories = group(seed_articles, SETTINGS)
    assert len(stories) == 1
    story = stories[0]
    assert len(story.origins) == 5
    assert all(len(o.articles) == 1 for o in story.origins)
    assert {m.rule for m in story.merges} == {"same event: text similarity"}


def test_realistic_copies_collapse_into_their_origin(seed_articles):
    original = max(seed_articles, key=lambda a: len(a.text))
    prose = list(original.blocks)
    copies = [
        copy_of(original, "headline", title="A new headline for the wire copy", outlet="Wire Reprint"),
        copy_of(original, "footer", blocks=tuple(prose) + (Block("paragraph", "This story first appeared on the wire. All rights reserved by the syndicate."),)),
        copy_of(original, "dropped", blocks=tuple(prose[:3] + prose[4:])),
        copy_of(original, "truncated", blocks=tuple(prose[: len(prose) * 2 // 3])),
        copy_of(original, "edited", blocks=tuple(dataclasses.replace(b, text=b.text.replace("Netflix", "The streamer", 1)) for b in prose)),
    ]
    stories = group(seed_articles + copies, SETTINGS)
    assert len(stories) == 1
    origins = stories[0].origins
    assert len(origins) == 5  # still five independent sources
    merged = next(o for o in origins if original in o.articles)
    assert {a.id for a in merged.articles} == {original.id} | {c.id for c in copies}
    copy_merges = [m for m in stories[0].merges if m.rule.startswith("copy:")]
    for c in copies:  # every copy is explained by a copy rule, with its score
        assert any(c.id in (m.left, m.right) and 0.7 <= m.score <= 1 for m in copy_merges), c.location


def test_same_url_is_a_copy_whatever_the_text():
    a = make_article(text="First version of the text about AI dubbing in cinemas.", url="https://x.example/a", location="a")
    b = make_article(text="Completely rewritten later version about a different angle entirely.", url="https://x.example/a/", location="b")
    (story,) = group([a, b], SETTINGS)
    assert len(story.origins) == 1
    assert story.merges[0].rule == "copy: same canonical URL"


def test_unrelated_articles_stay_apart(seed_articles):
    other = make_article(
        title="Premier League club sacks manager",
        text=("The football club dismissed its manager after a run of seven defeats.\n"
              "The chairman thanked him for three seasons of work and named an interim coach.\n"
              "Supporters had protested outside the stadium before Saturday's match."),
        location="sport.txt")
    stories = group(seed_articles + [other], SETTINGS)
    assert sorted(len(s.origins) for s in stories) == [1, 5]


def test_dates_far_apart_keep_stories_apart(seed_articles):
    from datetime import datetime, timedelta, timezone
    early = datetime(2025, 1, 1, tzinfo=timezone.utc)
    dated = [dataclasses.replace(a, published=early + timedelta(days=30 * i)) for i, a in enumerate(seed_articles)]
    assert len(group(dated, SETTINGS)) == 5


def _shape(stories):
    return [(s.id, s.title, [(o.id, [a.id for a in o.articles]) for o in s.origins]) for s in stories]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), copies=st.integers(0, 3))
def test_order_independent_idempotent_and_lossless(seed_articles, seed, copies):
    rng = random.Random(seed)
    pool = list(seed_articles)
    for i in range(copies):
        source = rng.choice(seed_articles)
        pool.append(_edited(source, rng, set(rng.sample(["headline", "footer", "dropped", "edited", "truncated"], rng.randint(0, 5)))))
    shuffled = pool[:]
    rng.shuffle(shuffled)
    first = group(pool, SETTINGS)
    assert _shape(group(shuffled, SETTINGS)) == _shape(first)
    regrouped = group([a for s in first for a in s.articles], SETTINGS)
    assert _shape(regrouped) == _shape(first)
    placed = [a.id for s in first for a in s.articles]
    assert sorted(placed) == sorted(a.id for a in pool)  # every article exactly once
    assert sum(len(s.origins) for s in first) == 5  # copies never add an origin


NETFLIX = ["Netflix used generative AI to finish a building collapse scene in El Eternauta ten times faster.",
           "Netflix co-CEO Ted Sarandos said generative AI made the El Eternauta collapse scene faster and cheaper.",
           "Netflix will test interactive ads built with generative AI, and El Eternauta showed the VFX savings."]
FOOTBALL = ["The football club sacked its manager after seven straight league defeats at the stadium.",
            "Supporters protested at the stadium as the club chairman named an interim football manager.",
            "The club manager was dismissed after league defeats; the chairman thanked him for three seasons."]


def test_one_article_touching_two_stories_does_not_chain_them():
    articles = [make_article(text=t, title=t[:30], location=f"n{i}", outlet=f"N{i}") for i, t in enumerate(NETFLIX)]
    articles += [make_article(text=t, title=t[:30], location=f"f{i}", outlet=f"F{i}") for i, t in enumerate(FOOTBALL)]
    bridge = make_article(text=NETFLIX[0] + " " + FOOTBALL[0], title="Weekend roundup", location="bridge", outlet="B")
    chained = group(articles + [bridge], SETTINGS.model_copy(update={"story_cohesion": 0.0}))
    assert [len(s.origins) for s in chained] == [7]  # plain single-link: one giant story
    stories = group(articles + [bridge], SETTINGS)
    assert sorted(len(s.origins) for s in stories) == [3, 4]
    assert {a.location for s in stories for a in s.articles if len(s.origins) == 3} in ({"n0", "n1", "n2"}, {"f0", "f1", "f2"})


def test_every_merge_is_explained(seed_articles):
    original = max(seed_articles, key=lambda a: len(a.text))
    (story,) = group(seed_articles + [copy_of(original, "wire", title="Wire copy")], SETTINGS)
    assert len(story.merges) == len(story.articles) - 1  # one merge per article joined, nothing unexplained
    for merge in story.merges:
        assert merge.detail and 0 < merge.score <= 1
        assert merge.rule.startswith(("copy: ", "same event: "))


FOOTER = Block("paragraph", "This story first appeared on the wire. Copyright 2025 Wire Media. All rights reserved.")


def _edited(article, rng, kinds):
    """A realistic copy: any mix of new headline, footer, dropped paragraph, a word changed, truncation."""
    blocks = list(article.blocks)
    if "dropped" in kinds and len(blocks) > 3:
        del blocks[rng.randrange(1, len(blocks) - 1)]
    if "truncated" in kinds:
        blocks = blocks[: max(2, len(blocks) // 2)]
    if "edited" in kinds:
        i = rng.randrange(len(blocks))
        words = blocks[i].text.split()
        words[rng.randrange(len(words))] = "reportedly"
        blocks[i] = dataclasses.replace(blocks[i], text=" ".join(words))
    if "footer" in kinds:
        blocks.append(FOOTER)
    title = "Wire: " + article.title if "headline" in kinds else article.title
    return copy_of(article, "-".join(sorted(kinds)) + str(rng.random()), blocks=tuple(blocks), title=title, outlet="Wire Reprints")


COPY_KINDS = st.sets(st.sampled_from(["headline", "footer", "dropped", "edited", "truncated"]))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), kinds=COPY_KINDS, which=st.integers(0, 4))
def test_a_copy_never_adds_an_origin_or_raises_a_source_count(seed_articles, seed, kinds, which):
    copy = _edited(sorted(seed_articles, key=lambda a: a.id)[which], random.Random(seed), kinds)
    (story,) = group(seed_articles, SETTINGS)
    (with_copy,) = group(seed_articles + [copy], SETTINGS)
    assert len(with_copy.origins) == 5
    before = {f.text: f.count for f in find_facts(story, ConsensusSettings())}
    after = find_facts(with_copy, ConsensusSettings())
    assert all(f.total == 5 and f.count <= before.get(f.text, f.count) for f in after)
    assert max((f.count for f in after), default=0) <= max(before.values(), default=0)
