"""The paraphrase model as a second statement signal (WordLlama, a dependency): it pairs
sentences that share a name but few words, refuses a pair the word rules take whose meanings
differ, is refused when its files are not the pinned ones, and the box falls back to word overlap
(and says so) whenever it is off or cannot be used. The model loads once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SEEDS, make_article
from digest.config import ConsensusSettings
from digest.facts import paraphrase
from digest.facts.consensus import find_facts
from digest.models import Block, Origin, Story

ON = ConsensusSettings(max_facts=50)

FILLER = ["The storm reached the northern coast on Tuesday night.", "Schools will open an hour earlier.",
          "Forecasters expect temperatures to stay high for the rest of the week.",
          "Residents were told to drink water and stay indoors.", "The film festival opens in May."]


@pytest.fixture(scope="session")
def encoder():
    loaded = paraphrase.load(ConsensusSettings(), {})
    assert loaded.encoder is not None, loaded.note  # installed but unusable (a refused file) is a failure
    return loaded.encoder


def _story(first: str, second: str) -> Story:
    texts = [[first, *FILLER[:3]], [*FILLER[3:], second]]
    articles = [make_article(text="\n".join(t), location=f"{n}.txt", outlet=f"Outlet {n}",
                             blocks=tuple(Block("paragraph", s) for s in t)) for n, t in zip("ab", texts)]
    return Story("story", "A story", tuple(Origin(n, (a,)) for n, a in zip("ab", articles)))


def _statements(facts) -> list[str]:
    return [f.text for f in facts if f.status == "consensus" and not f.values]


def test_a_paraphrase_with_few_shared_words_is_paired_only_with_the_model(encoder):
    said, other = "The studio said Dana Brooks resigned as chief executive.", "According to the board, Dana Brooks has stepped down as CEO."
    story = _story(said, other)
    assert _statements(find_facts(story, ON)) == []  # no word but the name in common
    found = [f for f in find_facts(story, ON, encoder=encoder) if f.status == "consensus" and not f.values]
    assert [(f.count, f.total) for f in found] == [(2, 2)]
    assert {e.sentence for e in found[0].evidence} == {said, other}


def test_the_model_refuses_a_pair_the_word_rules_take_whose_meaning_differs(encoder):
    story = _story("Officials said the harbour route will get 40 new electric buses next spring.",
                   "The harbour route lost 40 drivers to the strike last winter.")
    assert len(_statements(find_facts(story, ON))) == 1  # a number and rare words shared
    assert _statements(find_facts(story, ON, encoder=encoder)) == []


def test_the_installed_model_is_the_pinned_upstream_file(encoder):
    assert paraphrase.sha256(encoder.folder / paraphrase.WEIGHTS) == paraphrase.MODEL_SHA256
    assert encoder.vectors(["Dana Brooks resigned.", "Dana Brooks resigned."]).shape == (2, 256)


def test_weights_that_are_not_the_pinned_file_are_refused_and_words_are_used(tmp_path):
    (tmp_path / paraphrase.WEIGHTS).parent.mkdir()
    (tmp_path / paraphrase.WEIGHTS).write_bytes(b"weights from somewhere else")
    loaded = paraphrase.load(ConsensusSettings(paraphrase_model=tmp_path), {})
    assert loaded.encoder is None
    assert "refused" in loaded.note and paraphrase.MODEL_SHA256 in loaded.note
    assert str(tmp_path / paraphrase.WEIGHTS) in loaded.note


def test_switched_off_by_config_or_environment_no_model_is_loaded():
    assert paraphrase.load(ConsensusSettings(paraphrase=False), {}) == paraphrase.Loaded(
        None, "word overlap (consensus.paraphrase is off)")
    assert paraphrase.load(ConsensusSettings(), {"DIGEST_PARAPHRASE": "off"}).note == "word overlap (DIGEST_PARAPHRASE=0)"
    assert paraphrase.identity(ConsensusSettings(), {"DIGEST_PARAPHRASE": "0"}) == "words"


def test_a_model_file_replaced_is_a_new_cache_key(tmp_path):
    weights = tmp_path / paraphrase.WEIGHTS
    weights.parent.mkdir()
    weights.write_bytes(b"one")
    settings = ConsensusSettings(paraphrase_model=tmp_path)
    before = paraphrase.identity(settings, {})
    weights.write_bytes(b"other file")
    assert before != paraphrase.identity(settings, {}) and "words" not in before


def test_digest_facts_says_which_matcher_ran_and_falls_back_when_the_model_is_missing(tmp_path):
    missing = tmp_path / "no-model"
    config = tmp_path / "config.yaml"
    config.write_text((ROOT / "config.yaml").read_text().replace("path: seeds", f"path: {SEEDS}")
                      .replace("  paraphrase: true", f"  paraphrase: true\n  paraphrase_model: {missing}"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "digest", "facts", "--config", str(config), "--json", str(SEEDS)],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "DIGEST_PARAPHRASE": "1"})
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["matcher"] == f"word overlap (no {paraphrase.WEIGHTS} in {missing})"
    assert sum(f["status"] == "consensus" for f in payload["facts"]) >= 3  # the box works without it
    assert "statements are paired by word overlap only" in done.stderr


def test_the_seeds_box_states_the_same_lines_with_the_model(encoder, seed_articles):
    """The same lines, counts and evidence (one line lists its five sources in another order)."""
    story = Story("seeds", "Seeds", tuple(Origin(a.location.rsplit("/", 1)[-1][:3], (a,)) for a in seed_articles))
    lines = lambda facts: [(f.status, f.text, f.total, f.origin_ids, sorted(map(repr, f.evidence))) for f in facts]  # noqa: E731
    assert lines(find_facts(story, ON, encoder=encoder)) == lines(find_facts(story, ON))


def test_a_changed_tokenizer_file_is_refused_too(tmp_path, encoder):
    for name in paraphrase.PINNED:  # a copy of the installed model (its files linked, not copied)
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).symlink_to(encoder.folder / name)
    assert paraphrase.why_not(tmp_path) == ""
    tokenizer = tmp_path / paraphrase.TOKENIZER
    tokenizer.unlink()
    tokenizer.write_text('{"version": "1.0", "model": {"type": "WordLevel", "vocab": {}}}', encoding="utf-8")
    assert paraphrase.why_not(tmp_path).startswith(f"{tokenizer} has sha256 ")


def test_sentences_alike_in_words_but_stating_different_figures_are_not_one_fact(encoder):
    story = _story("The Nikkei Stock Average dropped more than 1,900 points after the opening bell.",
                   "The Nikkei Stock Average and the Topix both fell 6% at the open, a drop that set off circuit breakers.")
    assert _statements(find_facts(story, ON)) == []  # the word rules take nothing
    assert _statements(find_facts(story, ON, encoder=encoder)) == []  # cosine 0.74 and the name: still two figures


def test_a_short_statement_inside_a_long_one_is_not_vetoed_when_their_words_agree_strongly(encoder):
    # the long sentence states two more facts, so the cosine (0.37) is diluted below the veto; the word
    # score (0.43, the term and the number shared) is strong evidence: issue 15, news_facts_2 tuning half
    short = "Trading resumed after the 20-minute “circuit breaker,” and the selloff continued."
    story = _story(short, "The Nikkei 225 and the Topix both fell 8% at the open, a drop that triggered circuit "
                          "breakers that halted trading for 20 minutes.")
    assert _statements(find_facts(story, ON, encoder=encoder)) == [short]


def test_the_vectors_are_those_of_the_wordllama_package_to_the_bit(encoder):
    """``paraphrase.WordLlama`` reads the files without importing the package: it must embed as the package does."""
    from wordllama import WordLlama

    theirs = WordLlama.load(config="l2_supercat", dim=256, cache_dir=encoder.folder, disable_download=True)
    texts = [*FILLER, "Dana Brooks resigned.", "According to the board, Dana Brooks has stepped down as CEO.", "Ünïcode “quoted” — 40%"]
    for size in (1, 3, 64):
        assert encoder.model.embed(texts, norm=True, batch_size=size).tobytes() == theirs.embed(
            texts, norm=True, batch_size=size).tobytes()
    assert encoder.vectors(texts).tobytes() == theirs.embed(sorted(texts), norm=True)[
        [sorted(texts).index(t) for t in texts]].tobytes()


def test_the_model_loads_and_embeds_without_importing_the_wordllama_package():
    """``paraphrase.WordLlama`` reads the package's two files itself: the package (and requests,
    which it imports) stays unloaded, in a fresh process, by a load and a similarity."""
    code = ("import sys\nfrom digest.config import ConsensusSettings\nfrom digest.facts import paraphrase\n"
            "loaded = paraphrase.load(ConsensusSettings(), {})\n"
            "loaded.encoder.similarity(['Netflix used AI.', 'AI was used by Netflix.'])\n"
            "print(sorted(m for m in ('wordllama', 'requests') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
