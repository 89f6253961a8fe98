"""Issue 15, fourth round: clause-level statements (sentences invented here, none from the gold data).
Each test fails without its rule."""

from __future__ import annotations

import numpy
import pytest

from digest.facts.clauses import clauses
from digest.facts.statements import StatementMatcher

_REGATTA = [
    "The regatta drew record crowds to the bay on Sunday.",
    "Crowds lined the bay to watch the regatta on Sunday.",
    "Organisers said the regatta would return to the bay next summer.",
    "Sailors praised the organisers of the regatta.",
    "Weather on the bay was calm for the regatta.",
    "The regatta ended before dark on Sunday.",
]
_FRIGATE = ["About 1,200 people gathered at the harbour park on Sunday, where the Royal Navy band played a "
            "farewell concert for the frigate, while police closed three streets near the old customs house and "
            "diverted buses through the industrial estate toward the motorway junction.",
            "Thousands of spectators lined the quay at dawn with flags, picnic hampers and folding chairs, as the "
            "Royal Navy band played a farewell concert for the frigate, before crowds moved on to fireworks, food "
            "stalls and a funfair over the marina in the evening.", *_REGATTA]


def test_a_long_sentence_is_cut_into_clauses_never_inside_a_number_or_a_quote():
    found = clauses("About 1,200 people gathered for the regatta at the harbour park in Portsmouth, where "
                    "the Royal Navy band played \"Heart of Oak, and more\" and brought the crowd to its feet.")
    assert found == ("About 1,200 people gathered for the regatta at the harbour park in Portsmouth",
                     "where the Royal Navy band played \"Heart of Oak, and more\" and brought the crowd to its feet.")


def test_a_short_piece_stays_with_the_clause_before_it_and_a_short_sentence_is_one_clause():
    assert clauses("The index gained 114 points, or 0.42 percent, to book its first record close since July.") == (
        "The index gained 114 points, or 0.42 percent", "to book its first record close since July.")
    short = "The regatta drew record crowds, organisers said."
    assert clauses(short) == (short,)


@pytest.mark.parametrize("text, cut", [
    # a clause opener with no comma before it ("while", "which", "after"...)
    ("The ferry operator cancelled every crossing to the island on Monday while engineers inspected the damaged "
     "harbour wall and its ramps.", "The ferry operator cancelled every crossing to the island on Monday"),
    # "and" before a verb of the sentence's subject ("... and has sidelined")
    ("The outbreak has been linked to the regattas that the club held across the coast and has sidelined about 10 "
     "percent of the harbour's lifeboat crews.", "The outbreak has been linked to the regattas that the club held across the coast"),
    # a comma inside a quotation cuts nothing, however long what follows it
    ('About 1,200 people gathered for the regatta at the harbour park in Portsmouth, where the Royal Navy band played '
     '"Heart of Oak, the march of the fleet since Nelson" to the crowd.',
     "About 1,200 people gathered for the regatta at the harbour park in Portsmouth"),
    # a short first piece ("In Portsmouth") is no clause: the next joins it
    ("In Portsmouth, the Royal Navy band played a farewell concert for the frigate while engineers inspected the "
     "damaged harbour wall and its ramps.", "In Portsmouth, the Royal Navy band played a farewell concert for the frigate"),
])
def test_each_cutting_rule_gives_two_clauses(text, cut):
    # review pass: each case fails with its rule removed from clauses._CUT or clauses.clauses (checked)
    assert clauses(text) == (cut, text[len(cut):].strip(" ,"))


def test_one_fact_in_a_clause_of_each_source_s_long_sentence_is_a_match():
    matcher = StatementMatcher(_FRIGATE)
    assert matcher.score(0, 1) < matcher.threshold  # the whole sentences' other facts dilute them
    assert matcher.clause_score(0, 1) >= matcher.clause_threshold
    assert matcher.same(0, 1)


def test_the_paraphrase_veto_spares_a_clause_pair():
    # a low cosine (the model's, here given) refuses a pair of weak word evidence; a clause pair is strong
    low = numpy.full((len(_FRIGATE), len(_FRIGATE)), 0.1)
    matcher = StatementMatcher(_FRIGATE, similar=low)
    assert matcher.score(0, 1) < matcher.unvetoed and low[0, 1] < matcher.veto
    assert matcher.same(0, 1)


def test_a_clause_naming_nobody_borrows_no_name_and_titles_are_no_shared_words():
    texts = ["Police in Sri Lanka blamed suicide bombers for the attacks on Sunday, and more explosions took place "
             "across the country.",
             "The explosions took place miles apart, and the targets included three churches of Sri Lanka holding "
             "Easter services.", *_REGATTA]
    matcher = StatementMatcher(texts)
    assert matcher.clause_score(0, 1) == 0.0  # "explosions took place" share no anchor: "Sri Lanka" is in other clauses
    titled = StatementMatcher(["The night before the primary, former Vice President Joe Biden came to Detroit "
                               "on Monday, looking for votes and volunteers.",
                               "The socialist's bid now counts on the state's delegates, after former Vice President "
                               "Joe Biden swept the South and won Texas last week.", *_REGATTA])
    assert titled.clause_score(0, 1) == 0.0  # the name is shared, "former", "vice", "president" are its title


def test_two_clauses_sharing_only_an_unquoted_run_need_more_than_a_clause_with_a_name():
    texts = ["By all accounts, the studio's foray into generative artificial intelligence is less of a cautious "
             "experiment and more of a full-throttle embrace of the future.",
             "The studio's latest foray into generative artificial intelligence is sending ripples through the "
             "entertainment industry, since it first used the tools in a hit series."]
    bg = ["The studio uses AI in its series.", "AI tools help the studio's artists.", "The studio said AI saves money.",
          "Critics of the studio fear AI.", "The studio's AI plans grew this year.", "Artists said AI tools helped the series."]
    matcher = StatementMatcher(texts[:2] + bg)
    assert matcher.score(0, 1) < matcher.run_threshold and not matcher.same(0, 1)
    matcher.clause_run = matcher.run_threshold
    assert matcher.same(0, 1)  # the topic's words in a row: at a sentence's 0.35 they would make a line


def test_a_capitalised_word_rare_in_the_story_anchors_two_clauses():
    texts = ["Fans cheered outside the singer's studio late into the night, after he announced on Twitter on Saturday "
             "that he would run for president.",
             "Critics of the rapper doubted that the bid was serious at first, but the singer said in a Twitter post on "
             "Saturday that he was running for president."]
    matcher = StatementMatcher(texts + _REGATTA)
    assert not matcher._same(0, 1) and matcher.same(0, 1)  # no anchor the whole sentences share: "Twitter" in a clause
    everywhere = [f"{line[:-1]}, Twitter users said." for line in _REGATTA]
    assert not StatementMatcher(texts + everywhere).same(0, 1)  # the story's common word anchors nothing
