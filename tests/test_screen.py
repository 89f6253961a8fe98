"""The relevance screen (digest/sources/screen.py): an article some concept group is missing from
gets exactly the full scorer's score and reason, and only the paragraphs whose sentence cuts decide
that reason are split into sentences."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from digest.config import load
from digest.sources import relevance, screen, terms
from tests.conftest import ROOT, make_article

TOPIC = relevance.compile_topic(load(ROOT / "config.yaml").topic)


@pytest.fixture
def screened(monkeypatch):
    """``screened(text, title)``: the texts the screen splits into sentences as it assesses an
    article of that text, and the score and reason, which must be the full scorer's."""
    seen: list[str] = []
    real = screen.split
    monkeypatch.setattr(screen, "split", lambda text: seen.append(text) or real(text))

    def assess(text: str, title: str = "Weather") -> tuple[list[str], tuple[float, str]]:
        seen.clear()
        article = make_article(title=title, text=text)
        found = relevance.assess(article, TOPIC)
        split = seen[:]
        assert found == relevance.full(article, TOPIC)
        return split, found

    return assess


def test_only_a_paragraph_naming_a_term_in_two_sentences_is_split(screened):
    one = "The film opened on Monday, and the film sold out by noon."
    two = "The film was long. Critics said the film was good."
    # the lead holds no term, the one-sentence paragraph is one unit
    assert screened(f"Rain fell. Wind blew.\nIt rained.\n{one}\n{two}", "Weather this week") == (
        [two], (0.0, "no AI concept; entertainment: 3 body ('film' ×4)"))


def test_the_lead_is_split_when_it_names_a_term_or_an_exclusion(screened):
    assert screened("The film was long. It rained.\nThe film was shown.\nMore rain.") == (
        ["The film was long. It rained."], (0.0, "no AI concept; entertainment: lead, body ('film' ×2)"))
    # the lead's terms sit before its second possible end: one lead unit
    assert screened("The film was long. It rained.\nMore rain.\nThe film was shown.") == (
        [], (0.0, "no AI concept; entertainment: lead, body ('film' ×2)"))
    assert screened("Rain fell.\nYour horoscope for the film week. It rained.\nFilm.", "Stars")[1] == (
        0.0, "excluded: 'horoscope' in lead")


def test_a_term_that_may_sit_in_a_run_in_label_is_split(screened):
    """The splitter cuts "Film & Music:" off the sentence: those terms are in no unit."""
    assert screened("Rain.\nIt rained.\nFilm & Music: The rain went on and on all day.") == (
        ["Film & Music: The rain went on and on all day."], (0.0, "no AI concept; no entertainment concept"))
    # a colon after more than five words starts no label: one unit
    assert screened("Rain.\nIt rained.\nThe mayor, who was at the film, said: Rain.")[0] == []


def test_every_labelled_article_gets_the_full_scorers_score_and_reason():
    spec = importlib.util.spec_from_file_location("relevance_eval", ROOT / "benchmarks" / "relevance_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    articles = [item.article for item in module.load_items()]
    screened = [a for a in articles if screen.quiet(a, screen.Text(a), TOPIC) is not None]
    assert len(screened) >= 150
    assert [relevance.assess(a, TOPIC) for a in screened] == [relevance.full(a, TOPIC) for a in screened]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1_.. '’\n-Zé9") + ["\u00b2", "\u0663", "\u2160", "\u0301"]), max_size=12))
def test_the_inner_dot_look_up_is_the_pattern(raw):
    """``_dotted`` (a look at each ".") finds what the regex it replaced finds."""
    assert screen._dotted(raw) == bool(re.search(r"[^\W_]\.[^\W_]", raw))


def test_a_not_with_word_is_found_beside_a_term_only_where_it_is():
    """The paragraph's stems, made once per paragraph, only rule out a ``not_with`` phrase: "Premier
    League" (two words) and "kick-off" are still found, a paragraph without one traps nothing."""
    game = next(t for _, group in TOPIC.groups for t in group if t.text == "game")
    for text, trap in [("The game went on. The league was happy.", "beside 'league'"),
                       ("The game went on in the Premier League.", "beside 'league'"),
                       ("The game started after kick-off.", "beside 'kick-off'"),
                       ("The game went on. The players were happy.", "")]:
        beside: dict = {}
        unit = screen.Text(make_article(title="Weather", text=text)).unit("body", 1.0, 0)
        assert terms._trap(unit, game, 1, TOPIC, beside, set(unit.stems)) == trap, text
        assert terms.context_stems(unit, beside) == set(unit.context_stems)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["ab", "Z9", "_", ".", "’", "'", " ", "\n", "!", "…", ":", "é", "x.y", "U.S.", "-"]),
                max_size=16).map("".join))
def test_words_are_found_and_counted_as_the_unicode_pattern_finds_them(raw):
    """ASCII text is tokenized by ASCII classes (``phrases.part_pattern``), and the screen counts a
    paragraph's words before each possible sentence end, a colon and a sentence from where its words
    start: the same words and counts as ``PART.findall`` of each piece."""
    from digest.sources import phrases

    assert phrases.part_pattern(raw).findall(raw) == phrases.PART.findall(raw)
    written, stems = phrases.stemmed(raw)
    assert stems == tuple(phrases.light_stem(word) for word in written)  # each word's own stem, from the lookup
    starts = [m.start() for m in phrases.PART.finditer(raw)]
    counted, count = [], 0
    for piece in screen._BREAK.split(raw)[:-1]:
        count += len(phrases.PART.findall(piece))
        counted.append(count)
    assert screen._cuts(raw) == counted
    colon = raw.find(":")
    if colon >= 0 and len(raw[:colon].split()) <= screen.LABEL_WORDS:
        for first in range(4):
            assert screen._labelled(raw, starts, first) == (len(phrases.PART.findall(raw, 0, colon)) > first)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["AI", "Ai", "ai", "A.I.", "film", "Films", "FILM", "video", "game", "Games", "x"]),
                max_size=10))
def test_a_phrase_is_found_where_every_word_fits(written):
    """``phrases.find`` (the first word's spelling checked apart, one-word terms without a generator)
    finds exactly the places where every word's stem and spelling fit."""
    from digest.sources import phrases

    stems = [phrases.light_stem(w) for w in written]
    for text in ("AI", "film", "video game", "A.I.", "Games", "AI film"):
        phrase = phrases.phrase(text).tokens
        expected = [at for at in range(len(written) - len(phrase) + 1)
                    if all(phrases.same(stems[at + k], written[at + k], phrase[k]) for k in range(len(phrase)))]
        assert phrases.find(written, stems, phrase) == expected
        assert phrases.seek(written, stems, phrase) == bool(expected)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["ab", "Z9", "_", ".", "’", "'", " ", "é", "x.y", "U.S.", "Next", "-", "3.5", "a.b.c", "\u0301"]),
                max_size=14).map("".join))
def test_the_dotted_words_are_the_ones_the_pattern_finds(raw):
    """``_pieces`` takes the words with an inner "." from the block's words: the ones the pattern it
    replaced (a second pass over the text) found."""
    pattern = re.compile(r"(?<![^\W_])[^\W_]++(?:['’.][^\W_]++)+")
    assume(raw.strip())
    text = screen.Text(make_article(title="Weather", text=raw))
    expected = [word for word in pattern.findall(raw) if "." in word] if screen._dotted(raw) else []
    pieces = {screen.light_stem("".join(parts[2 * i: 2 * j - 1])) for parts in map(screen._INNER.split, expected)
              for i in range(len(parts) // 2 + 1) for j in range(i + 1, len(parts) // 2 + 2)}
    assert screen._pieces(text, 0) == pieces


_PIECES = ["The film was long.", "He bought a video. Game over.", "The video game sold.", "Critics saw the film",
           "in Cannes.", "The game changer came.", "The league game ended.", "It rained.", "Film fans sang", "and danced.",
           "Music.", "The show went on.", "Series A funding closed."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map(" ".join))
def test_a_split_paragraphs_sentences_have_the_hits_matching_them_finds(paragraph):
    """A sentence of a paragraph ``_whole`` matched takes its hits from the paragraph's terms that lie
    in it: they are what matching the sentence's own words finds (a term across a cut in none)."""
    from dataclasses import replace

    article = make_article(title="Weather", text=f"Rain fell. Wind blew.\nIt rained.\n{paragraph}")
    text = screen.Text(article)
    quiet = screen.quiet(article, text, TOPIC)
    assume(quiet is not None)
    for unit in screen.screened_units(article, text, quiet, TOPIC):
        if unit.found is not None:
            assert unit.found == terms.hits(replace(unit, found=None), TOPIC, beside={})


def test_the_stem_lookup_is_emptied_at_its_limit_and_still_stems_right():
    """A process that scores week after week keeps at most ``limit`` words' stems."""
    from digest.sources import phrases

    stems = phrases._Stems()
    stems.limit = 3
    words = ["running", "films", "studios", "actors", "running", "voices"]
    assert [stems[w] for w in words] == [phrases.light_stem(w) for w in words]
    assert len(stems) <= 3
    cached = phrases.light_stem.cache_info().currsize
    assert stems["unboundedcacheprobes"] == phrases.light_stem.__wrapped__("unboundedcacheprobes")
    assert phrases.light_stem.cache_info().currsize == cached  # not kept a second time, beyond ``limit``


def test_a_split_paragraphs_sentences_take_their_hits_from_the_paragraph():
    """The property above holds vacuously if no sentence takes its paragraph's hits: here each does
    ("video. Game" is a term across a cut, so the paragraph is split)."""
    from dataclasses import replace

    article = make_article(title="Weather",
                           text="Rain fell. Wind blew.\nIt rained.\nHe bought a video. Game over. The video game sold.")
    text = screen.Text(article)
    units = [u for u in screen.screened_units(article, text, screen.quiet(article, text, TOPIC), TOPIC) if u.where == "body"]
    assert len(units) == 3 and all(u.found is not None for u in units)
    assert [u.found for u in units] == [terms.hits(replace(u, found=None), TOPIC, beside={}) for u in units]
