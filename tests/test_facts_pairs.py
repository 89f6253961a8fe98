"""Statement lines (issue 15, fifth round): a source stating a line's fact in other words joins it by meaning
(``StatementMatcher.join_cosine``); a name after a title inside a run is the name alone ("Republican Senator
Rand Paul"), so sources naming one person differently share it; two different quotations are two statements.
Sentences are made up, in the shape of the news sentences that motivated each rule; the model is the real one
(WordLlama, loaded once)."""

from __future__ import annotations

import pytest

from conftest import make_article
from digest.config import ConsensusSettings
from digest.facts import names, paraphrase
from digest.facts.consensus import find_facts
from digest.models import Block, Origin, Story

ON = ConsensusSettings(max_facts=50)
FILLER = ["The storm reached the northern coast on Tuesday night.", "Schools will open an hour earlier.",
          "Forecasters expect temperatures to stay high for the rest of the week.",
          "Residents were told to drink water and stay indoors.", "The film festival opens in May.",
          "Turnout was lower than in the last two races."]
WON = "Sen. Maria Lopez emerged as the winner in Oregon's closed primary Tuesday, but former mayor Tom Reyes trailed closely behind."
VICTORY = "Sen. Maria Lopez took control of her party's left wing with a victory in the Oregon closed primary Tuesday."


@pytest.fixture(scope="module")
def encoder():
    loaded = paraphrase.load(ConsensusSettings(), {})
    assert loaded.encoder is not None, loaded.note
    return loaded.encoder


def _story(first: str, second: str, third: str) -> Story:
    texts = [[first, *FILLER[:2]], [*FILLER[2:4], second], [FILLER[4], third, FILLER[5]]]
    articles = [make_article(text="\n".join(t), location=f"{n}.txt", outlet=f"Outlet {n}",
                             blocks=tuple(Block("paragraph", s) for s in t)) for n, t in zip("abc", texts)]
    return Story("story", "A story", tuple(Origin(n, (a,)) for n, a in zip("abc", articles)))


def _statements(facts) -> list[tuple[int, str]]:
    return [(f.count, f.text) for f in facts if f.status == "consensus" and not f.values]


def test_a_third_source_stating_the_fact_in_other_words_joins_by_meaning(encoder):
    # "has won the Oregon race" shares the name (a key) but none of the core words ("closed", "primary"):
    # cosine 0.66 with a member; test-44's "has won the New Hampshire primary, Fox News projects" in kind
    won = "Sen. Maria Lopez has won the Oregon race, the network projects."
    story = _story(WON, VICTORY, won)
    found = [f for f in find_facts(story, ON, encoder=encoder) if f.status == "consensus" and not f.values]
    assert [(f.count, f.total) for f in found] == [(3, 3)]
    assert won in {e.sentence for e in found[0].evidence}
    assert _statements(find_facts(story, ON)) == [(2, VICTORY)]  # words alone: no core word, no join


def test_a_third_source_naming_the_same_person_for_another_fact_does_not_join(encoder):
    story = _story(WON, VICTORY, "Sen. Maria Lopez will visit schools in Oregon next month, her office said.")
    assert _statements(find_facts(story, ON, encoder=encoder)) == [(2, VICTORY)]  # the name, cosine 0.61: no



def test_a_name_after_a_title_inside_a_run_is_the_name_alone():
    # "Republican Senator Rand Paul" and "Sen. Rand Paul" are one name, so an anchor two sources share
    found = [[n.norm for n in names.names_in(t)] for t in (
        "YouTube suspended Republican Senator Jo Harlan for seven days on Tuesday.",
        "Sen. Jo Harlan has been suspended from YouTube for a week.",
        "House Judiciary Committee Chairman Jerry Nadler said it.", "It was UK Prime Minister Anna Lind.")]
    assert found == [["jo harlan"], ["jo harlan"], ["jerry nadler"], ["anna lind"]]
    assert [[n.norm for n in names.names_in(t)] for t in ("It was Vice President.", "They met President Trump.")] == [[], []]


def test_sources_naming_one_person_with_different_titles_state_one_fact():
    first = "The video app suspended Republican Senator Jo Harlan for seven days over a video about masks."
    second = "Sen. Jo Harlan, who posted a video claiming masks do not work, has been suspended for a week."
    story = _story(first, second, "Officials gave no further details.")
    assert [count for count, _ in _statements(find_facts(story, ON))] == [2]  # words alone: the name is the anchor


def test_two_different_quotations_of_one_speaker_are_two_statements(encoder):
    first = ("“The framers gave us a clear remedy for a governor who breaks his oath,” House Rules Committee "
             "Chairman Jo Harlan said on Tuesday.")
    second = ("\"Today, in service to our duty to the state charter, the House Rules Committee is introducing two "
              "articles against the governor,\" House Rules Committee Chairman Jo Harlan said on Tuesday.")
    story = _story(first, second, "Officials gave no further details.")
    assert _statements(find_facts(story, ON, encoder=encoder)) == []
    same = "“The framers gave us a clear remedy for a governor who breaks his oath,” Harlan told reporters on Tuesday."
    assert [n for n, _ in _statements(find_facts(_story(first, same, "Officials gave no further details."), ON,
                                                 encoder=encoder))] == [2]  # one passage quoted: one statement
