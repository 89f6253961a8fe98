"""Issue 15: fact lines an editor could publish on real news — slots from governing predicates,
other events' numbers left out, disputes, changes over time with dates, whole statements with
speakers, and ``digest facts`` listing every line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from conftest import ROOT
from digest.config import ConsensusSettings
from digest.facts.claims import figures_in
from digest.facts.consensus import find_facts
from digest.facts.fragments import why_not_whole
from digest.facts.statements import speaker
from test_consensus import article, story_of

WIDE = ConsensusSettings(max_facts=50)


@pytest.mark.parametrize("sentence, label", [
    ("Officials said 31 people were killed when the ferry capsized.", "Killed"),
    ("The storm killed at least 24 people on Sunday.", "Killed"),
    ("At least 9 people were shot outside the stadium.", "Shot"),
    ("More than 70 people were wounded.", "Injured"),
    ("About 3,400 people have now died of the fever.", "Died"),
    ("Coast guards detained over 1,200 sailors last month.", "Arrested"),
    ("A technician removed 40 servers from the data centre.", "Servers removed"),
    ("The council voted 31-6 to approve the budget.", "Vote"),
    ("In a 6-3 ruling, the court struck down the law.", "Ruling"),
])
def test_a_count_is_slotted_by_the_words_that_govern_it(sentence, label):
    figure, = figures_in(sentence)
    assert figure.label == label


@pytest.mark.parametrize("sentence", [
    "Nine people are still running for the chair.",  # no predicate: not a fact line
    "Of the 14 cities with new mayors, six have women in charge.",
    "The toll is now above that of Portugal, which is reporting 2,310 deaths.",  # a comparison
    "In 1978, a fire at the club killed 20 people.",  # another event, another year
    "It is the worst since 2011, when 48 people were killed in the floods.",
    "The death toll is lower than the 900 people killed in the last quake.",
])
def test_counts_without_a_predicate_or_of_another_event_are_no_figures(sentence):
    assert [f for f in figures_in(sentence) if f.kind in ("count", "tally") and not f.loose] == []


def test_a_daily_count_is_another_slot_than_the_toll():
    toll, = figures_in("About 3,400 people have died since the outbreak began.")
    daily, = figures_in("On Monday, 210 people died in the past 24 hours.")
    assert (toll.attribute, toll.qualifier) == ("dead", "")
    assert (daily.attribute, daily.qualifier) == ("dead", "per day")


def test_differing_counts_in_one_slot_are_a_dispute_with_who_says_what():
    story = story_of([article("Officials said 31 people were killed when the ferry capsized.", "a"),
                      article("At least 50 people were rescued, and 38 of them were missing earlier.", "b"),
                      article("Some 60 passengers were aboard; 36 of those fatally injured.", "c")])
    fact, = [f for f in find_facts(story, WIDE) if f.status == "disputed"]
    assert fact.text == "Killed"
    assert [(v.value, v.origin_ids) for v in fact.values] == [("31 people", ("a",)), ("36", ("c",))]


def test_rounding_and_hedges_reconcile_a_count():
    story = story_of([article("Coast guards detained 1,238 sailors last month.", "a"),
                      article("The coast guard made about 1,200 arrests of sailors.", "b")])
    fact, = find_facts(story, WIDE)
    assert (fact.status, fact.text.split(":")[0], fact.origin_ids) == ("consensus", "Arrested", ("a", "b"))


def test_an_about_figure_a_tenth_away_is_a_dispute_not_rounding():
    story = story_of([article("The blast injured 162 people, hospital officials said.", "a"),
                      article("About 180 people were injured in the blast, police said.", "b")])
    fact, = [f for f in find_facts(story, WIDE) if f.text.startswith("Injured")]
    assert fact.status == "disputed" and [v.origin_ids for v in fact.values] == [("a",), ("b",)]
    near = story_of([article("The blast injured 165 people, hospital officials said.", "a"),
                     article("About 180 people were injured in the blast, police said.", "b")])
    fact, = [f for f in find_facts(near, WIDE) if f.text.startswith("Injured")]
    assert fact.status == "consensus" and fact.origin_ids == ("a", "b")


def test_a_later_superseding_figure_is_a_change_with_dates():
    friday, saturday = datetime(2026, 12, 4, tzinfo=timezone.utc), datetime(2026, 12, 5, tzinfo=timezone.utc)
    texts = [("The fire killed 60 people, officials said.", "a", friday),
             ("The fire killed 60 people, police said.", "b", friday),
             ("The death toll rose to 67 on Saturday.", "c", saturday)]
    story = story_of([article(text, name) for text, name, _ in texts])
    published = {a.id: date for a, (_, _, date) in zip(story.articles, texts)}
    fact, = [f for f in find_facts(story, WIDE, published) if f.text.startswith(("Killed", "Died"))]
    assert fact.status == "changed"
    assert fact.text == "Killed: 60 people on Fri 4 Dec → 67 on Sat 5 Dec"
    assert [(v.note, v.origin_ids) for v in fact.values] == [("Fri 4 Dec", ("a", "b")), ("Sat 5 Dec", ("c",))]
    same_day = {a.id: friday for a in story.articles}  # published together: a dispute, not a change
    assert [f.status for f in find_facts(story, WIDE, same_day) if f.text.startswith(("Killed", "Died"))] == ["disputed"]


@pytest.mark.parametrize("text, why", [
    ("``Maybe you have teen-agers yourself and know how they are ...", "unclosed quote"),
    ("“We will stand together with unwavering resolve, doing whatever it takes.", "unclosed quote"),
    ("and the plan was dropped after the vote.", "cut sentence"),
    ("The plan, first floated in spring and approved by the board on Tuesday after a long debate, raises the levy,",
     "cut sentence"),
    ("He said the talks would go on until a deal was reached.", "needs previous sentence"),
    ("But the bill still faces a vote in the Senate.", "needs previous sentence"),
    ("“This is an all-hands-on-deck moment for the county,” the officer said.", "quote without speaker"),
])
def test_fragments_are_told_apart(text, why):
    assert why_not_whole(text) == why


def test_a_term_in_scare_quotes_needs_no_speaker_but_a_quotation_does():
    assert why_not_whole("Trading resumed after the 20-minute “circuit breaker,” and the selloff continued.") == ""
    assert why_not_whole("Investors fled what Wall Street calls \"cyclical stocks\" on Monday.") == ""
    assert why_not_whole("Trading resumed after a “pause we all needed badly,” and the selloff continued.") == \
        "quote without speaker"


def test_a_sentence_split_after_an_abbreviation_is_cut():
    assert why_not_whole("Saturday, according to the health officer.", previous="It takes effect at 11:59 p.m.") == \
        "cut sentence"
    assert why_not_whole("Saturday was quiet.", previous="The order took effect.") == ""


@pytest.mark.parametrize("text", ["The House voted to condemn the conspiracy theory on Friday.",
                                  "Microsoft to buy Minecraft creator Mojang",  # a headline: no stop, short
                                  "“This is real people doing real work with better tools,” he said."])
def test_whole_sentences_pass(text):
    assert why_not_whole(text, speaker="Ted Sarandos") == ""


def test_a_quote_paragraph_takes_its_speaker_from_an_earlier_sentence():
    before = "Sarandos emphasized that the goal is not to cut budgets. He spoke at length."
    assert speaker("“AI can help creators make films better, not just cheaper.”", before) == ""  # no name found
    assert speaker("“AI can help creators make films better, not just cheaper.”",
                   "Co-CEO Ted Sarandos spoke on the call. He was upbeat.") == "Ted Sarandos"


def test_a_statement_line_is_never_a_fragment():
    whole = "Los Angeles County will again require masks in indoor public spaces regardless of vaccination status."
    story = story_of([article("“Los Angeles County will again require masks in indoor public spaces regardless of "
                              "vaccination status, the officer said", "a"), article(whole, "b")])
    line, = [f for f in find_facts(story, WIDE) if not f.values]
    assert (line.text, line.origin_ids) == (whole, ("a", "b"))


def _write(folder, name: str, text: str, date: str) -> None:
    (folder / name).write_text(f"---\ntitle: {name}\noutlet: Outlet {name}\npublished: {date}\n---\n{text}\n",
                               encoding="utf-8")


def test_digest_facts_lists_every_line_and_disputes_first(tmp_path):
    _write(tmp_path, "a.txt", "A fire at the club killed 60 people on Friday. Agents arrested 12 people.", "2026-12-04")
    _write(tmp_path, "b.txt", "The club fire killed 60 people on Friday. Police arrested 12 people.", "2026-12-04")
    _write(tmp_path, "c.txt", "The club fire killed 67 people, officials said. Police arrested 12 people.", "2026-12-04")
    config = tmp_path / "config.yaml"
    config.write_text("consensus:\n  max_facts: 1\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "digest", "facts", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                          str(tmp_path / "c.txt"), "--config", str(config), "--json"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    facts = json.loads(run.stdout)["facts"]
    assert [(f["status"], f["text"].split(":")[0]) for f in facts][:2] == [("disputed", "Killed"),
                                                                          ("consensus", "Arrested")]
    killed = facts[0]
    assert sorted((v["value"], len(v["sources"])) for v in killed["values"]) == [("60 people", 2), ("67 people", 1)]


def test_a_statement_restating_a_figure_line_is_not_a_second_line():
    story = story_of([article("Employers added 266,000 jobs in November, the Labor Department said.", "a"),
                      article("The Labor Department said employers added 266,000 jobs in November.", "b")])
    facts = find_facts(story, WIDE)
    assert [(f.text, f.origin_ids) for f in facts] == [("Jobs added: 266,000 jobs", ("a", "b"))]


def test_a_sentence_with_figures_supports_a_statement_it_cannot_quote():
    story = story_of([article("Amazon told the White House in a letter that it “stands ready to assist” the drive.", "a"),
                      article("In a letter, Amazon said it “stands ready to assist” in vaccinating 100 million people.",
                              "b")])
    line, = [f for f in find_facts(story, WIDE) if not f.values]
    assert (line.text.startswith("Amazon told"), line.origin_ids) == (True, ("a", "b"))


def test_about_widens_a_decimal_by_a_few_steps_not_a_tenth():
    story = story_of([article("The Hang Seng index fell about 4.9% on Thursday.", "a"),
                      article("The Hang Seng index fell 4.5% and bonds rallied.", "b")])
    fact, = [f for f in find_facts(story, WIDE) if f.text.startswith("Hang Seng")]
    assert fact.status == "disputed"
    assert [v.value for v in fact.values] == ["4.5%", "about 4.9%"]
    hedged, = figures_in("Exports grew about 30% in the year.")
    assert (hedged.low, hedged.high) == (27.0, 33.0)  # a round number keeps its tenth either way


def test_a_named_index_move_is_the_index_s_whoever_else_the_sentences_name():
    story = story_of([article("The Hang Seng index fell 4.9%, while Toyota shares held firm.", "a"),
                      article("The Hang Seng index fell 4.5% as Kospi traders sold.\n"
                              "Traders watched hang seng futures.", "b")])
    assert [f.status for f in find_facts(story, WIDE) if f.text.startswith("Hang Seng")] == ["disputed"]


def test_an_index_move_told_without_its_name_joins_the_named_move_it_agrees_with():
    # "the benchmark" is the Hang Seng the sentence names earlier; it agrees with source a after rounding
    story = story_of([article("The Hang Seng index gained 210 points, or 0.83 percent, to its best close since May.", "a"),
                      article("Investors cheered the Hang Seng on Tuesday, and helped by hopes of a trade accord, "
                              "the benchmark climbed 0.8% to 27,462.", "b")])
    fact, = [f for f in find_facts(story, WIDE) if f.values and f.text.startswith("Hang Seng")]
    assert (fact.status, fact.count, fact.values[0].value) == ("consensus", 2, "0.83 percent")
    lone = story_of([article("The Hang Seng index gained 210 points, or 0.83 percent, on Tuesday.", "a"),
                     article("Investors cheered the Hang Seng on Tuesday, and the benchmark climbed 1.5%.", "b")])
    assert not [f for f in find_facts(lone, WIDE) if f.values and f.text.startswith("Hang Seng")]  # no agreement: stays apart


def test_a_day_of_mourning_is_no_daily_count():
    toll, = figures_in("The blasts left 52 people dead on what was meant to be a day of prayer.")
    assert (toll.attribute, toll.qualifier) == ("dead", "")
    ends, = figures_in("The blasts left 52 people dead and injured dozens of others on a day")
    assert ends.qualifier == ""


def test_a_lone_outlier_against_four_agreeing_sources_is_no_dispute():
    agreed = [article(f"Rangers said 12 hikers went missing on the ridge ({n}).", n) for n in "abcd"]
    story = story_of([*agreed, article("Rangers said 15 hikers went missing on the ridge.", "e")])
    fact, = find_facts(story, WIDE)
    assert (fact.status, fact.text, fact.origin_ids) == ("consensus", "Missing: 12 hikers", ("a", "b", "c", "d"))
    three = story_of([*agreed[:3], article("Rangers said 15 hikers went missing on the ridge.", "e")])
    assert [f.status for f in find_facts(three, WIDE)] == ["disputed"]  # three against one stays a dispute


def test_a_count_no_verb_governs_supports_the_slot_another_source_names():
    story = story_of([article("The mill delivered 400 tonnes of grain to the port, the minister said.", "a"),
                      article("The deal lifts the port's total order to 400 tonnes of grain.", "b"),
                      article("The deal lifts the port's total order to 300 tonnes of grain.", "c")])
    fact, = find_facts(story, WIDE)
    assert (fact.status, fact.text, fact.origin_ids) == ("consensus", "Tonnes delivered: 400 tonnes", ("a", "b"))
    loose, = figures_in("The deal lifts the port's total order to 400 tonnes of grain.")
    assert loose.loose and loose.attribute == "tonnes"
    alone = story_of([article("The deal lifts the total order to 400 tonnes.", "a"),
                      article("Its total order is now 400 tonnes.", "b")])
    assert [f.text for f in find_facts(alone, WIDE) if f.values] == []  # never a figure line by itself


def test_an_agent_noun_no_verb_governs_supports_the_slot_another_source_names():
    story = story_of([article("The survey was a poll involving 2,315 respondents across the region.", "a"),
                      article("Among the more than 2,000 respondents, most backed the plan.", "b")])
    fact, = [f for f in find_facts(story, WIDE) if f.values]
    assert (fact.text, fact.origin_ids) == ("Respondents involved: 2,315 respondents", ("a", "b"))


def test_statement_lines_giving_different_numbers_of_one_unit_are_not_both_consensus():
    a = "Harbour clerk fired after skipping work for 24 years"
    b = "Absent from the quay for 26 years, port official dismissed"
    story = story_of([article(a, "a"), article(a.replace("fired", "sacked"), "b"),
                      article(b, "c"), article(b.replace("port official", "port officer"), "d")])
    assert [f.text for f in find_facts(story, WIDE) if f.status == "consensus"] == []
    same = story_of([article(a, "a"), article(a.replace("fired", "sacked"), "b")])
    assert [f.text for f in find_facts(same, WIDE)] == [a]  # one line, nothing to contradict it
    mixed = story_of([article(a, "a"), article(a.replace("24 years", "26 years"), "b")])
    assert [(f.status, f.text) for f in find_facts(mixed, WIDE)] == [("disputed", "Absent from work")]  # they differ


def test_a_price_with_no_currency_after_buy_for_is_a_deal_value_and_may_be_disputed():
    price, = figures_in("Nintendo to buy puzzle studio Tetrix for 1.2B")
    assert (price.kind, price.attribute, price.text, price.value) == ("money unstated", "deal value", "1.2B", 1.2e9)
    story = story_of([article("Nintendo to buy puzzle studio Tetrix for 1.2B", "a"),
                      article("Nintendo is said to be buying Tetrix for 2 billion", "b"),
                      article("Nintendo reportedly buying the maker of Tetrix for 2 billion", "c")])
    fact, = [f for f in find_facts(story, WIDE) if f.values]
    assert (fact.status, fact.text) == ("disputed", "Deal value")  # a deal's price is no quantity of a period
    assert [(v.value, v.origin_ids) for v in fact.values] == [("2 billion", ("b", "c")), ("1.2B", ("a",))]
