"""Copies: the rules that make two articles one origin, each with its evidence."""

import dataclasses

import pytest

from digest.config import DedupSettings
from digest.stories.copies import canonical_url, dateline, find_copies
from tests.conftest import make_article

SETTINGS = DedupSettings()
WORDS = ("studio streaming release budget director actor series episode season audience screen camera "
         "editor sound score music writer script union contract festival award premiere trailer critic").split()


def prose(seed: int, words: int = 240) -> str:
    """Distinct filler prose: the same seed gives the same text, different seeds share no 5-word runs."""
    picked = [WORDS[(seed * 7 + i * (seed + 3) + i * i) % len(WORDS)] + str((seed * 31 + i) % 97) for i in range(words)]
    return "\n".join(" ".join(picked[i:i + 40]) + "." for i in range(0, words, 40))


@pytest.mark.parametrize("text, expected", [
    ("LOS ANGELES (Reuters) - Netflix said on Thursday", "reuters|LOS ANGELES"),
    ("(AP) — A studio said", "ap|"),
    ("WASHINGTON, D.C. (AP) — Lawmakers said", "ap|WASHINGTON"),
    ("PARIS (AFP) – The festival", "afp|PARIS"),
    ("Netflix (NFLX) - shares rose", ""),
    ("The Associated Press reported (AP) - later", ""),
])
def test_dateline(text, expected):
    assert dateline(text) == expected


def test_canonical_url_ignores_scheme_www_fragment_and_slash():
    assert canonical_url("https://www.x.example/a/?id=2#top") == canonical_url("http://x.example/a?id=2") == "x.example/a?id=2"
    assert canonical_url(None) == ""


def test_truncated_reprint_a_fifth_of_the_length_is_a_copy():
    original = make_article(text=prose(1, 1000), location="long.txt")
    reprint = make_article(text="\n".join(original.text.split("\n")[:5]), location="short.txt", outlet="Other")
    (merge,) = find_copies([original, reprint], SETTINGS)
    assert merge.rule == "copy: shingle containment" and merge.score == 1.0
    assert "Jaccard 0.1" in merge.detail  # found although the Jaccard is far below copy_resemblance


def test_a_headline_inside_a_longer_headline_is_not_a_copy():
    short = make_article(text="Netflix uses generative AI in El Eternauta", location="a")
    longer = make_article(text="Netflix uses generative AI in El Eternauta, and unions are worried about what comes next",
                          location="b", outlet="Other")
    assert find_copies([short, longer], SETTINGS) == []


def _half_shared(**extra):
    """Two articles sharing ~60% of the smaller one's shingles: below copy_containment (0.8)."""
    a = make_article(text=prose(2, 200) + "\n" + prose(3, 130), location="a", **extra)
    b = make_article(text=prose(2, 200) + "\n" + prose(4, 130), location="b", **extra)
    return a, b


def test_same_wire_dateline_lowers_the_bar():
    a, b = _half_shared(outlet="Paper A")
    assert find_copies([a, b], SETTINGS) == []
    stamp = lambda article, outlet: dataclasses.replace(  # noqa: E731
        article, outlet=outlet, blocks=(dataclasses.replace(article.blocks[0], text="LONDON (Reuters) - " + article.blocks[0].text),) + article.blocks[1:])
    (merge,) = find_copies([stamp(a, "Paper A"), stamp(b, "Paper B")], SETTINGS)
    assert merge.rule == "copy: same wire dateline" and 0.5 <= merge.score < 0.8
    assert "reuters|LONDON" in merge.detail


def test_same_outlet_lowers_the_bar_less():
    a, b = _half_shared(outlet="Variety")
    ratio = find_copies([a, b], SETTINGS.model_copy(update={"outlet_containment": 0.55}))
    assert [m.rule for m in ratio] == ["copy: same outlet republished"]
    assert find_copies([a, b], SETTINGS) == []  # ~0.6 is below the outlet bar of 0.7


def test_an_outlets_footer_does_not_make_its_articles_copies():
    footer = ("Sign up for the Daily Screen newsletter to get the top entertainment stories in your inbox every "
              "morning. Follow Daily Screen on social media and send your news tips to our newsroom today.")
    items = [make_article(text=f"{prose(10 + i, 12)}\n{footer}", location=f"item{i}", outlet="Daily Screen") for i in range(6)]
    assert find_copies(items, SETTINGS) == []
    assert find_copies(items, SETTINGS.model_copy(update={"boilerplate_articles": 100}))  # the footer alone would merge them


def test_same_url_is_a_copy_whatever_the_text():
    a = make_article(text=prose(5, 60), url="https://x.example/a", location="a")
    b = make_article(text=prose(6, 60), url="http://www.x.example/a/", location="b")
    (merge,) = find_copies([a, b], SETTINGS)
    assert (merge.rule, merge.score, merge.detail) == ("copy: same canonical URL", 1.0, "x.example/a")


def test_the_pinned_lsh_bands_are_datasketchs_choice():
    """copies.BANDS spares a run datasketch's import; it must stay what MinHashLSH itself picks."""
    from datasketch import MinHashLSH

    from digest.stories import copies

    assert (SETTINGS.lsh_threshold, SETTINGS.num_perm) in copies.BANDS  # the shipped settings need no datasketch
    for (threshold, num_perm), (bands, rows) in copies.BANDS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert (lsh.b, lsh.r) == (bands, rows)
    copies._bands.cache_clear()
    lsh = MinHashLSH(threshold=0.3, num_perm=64)
    assert copies._bands(0.3, 64) == (lsh.b, lsh.r)  # other settings ask datasketch


def test_the_opening_read_for_a_dateline_is_the_texts_start():
    from digest.models import Block
    from digest.stories import copies

    for texts in (["", "LOS ANGELES (Reuters) - " + "word " * 60], ["short", "x" * 150, "y" * 100], ["a"], [],
                  ["z" * 199, "b"], ["z" * 198, "b" * 5]):
        article = dataclasses.replace(make_article(text="x"), blocks=tuple(Block("paragraph", t) for t in texts))
        assert copies._opening(article) == article.text[:200]
