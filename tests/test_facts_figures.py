"""Issue 15, consensus on figures (fifth round): general rules for figures two sources state alike
(sentences paraphrased, none copied from the data): each test fails without its rule."""

from __future__ import annotations

from digest.facts.agreed import agreed_counts, unnamed_amounts
from digest.facts.claims import figures_in
from digest.facts.said import Said
from test_facts_rules import _headlines


def _agreed(texts: list[str]) -> list[tuple[str, int]]:
    """The lines ``agreed_counts`` makes of one sentence per source."""
    said = [Said(f"s{i}", f"s{i}", f"a{i}", "paragraph", text) for i, text in enumerate(texts)]
    found = [(one, figure) for one in said for figure in figures_in(one.text)]
    return [(f.text, f.count) for f in agreed_counts(found, len(texts), 2, [], unnamed_amounts(said, found))]


def test_a_count_no_verb_governs_that_two_sources_give_alike_is_a_line_quoting_one_of_them():
    lines = [(f.text, f.count) for f in _headlines([
        "Of the 11 states holding races for governor this year, nine have incumbents on the ballot.",
        "Turnout was expected to be high across the country.",
        "But in 11 states, voters will also choose their next governor."]) if f.status == "consensus"]
    assert lines == [("Of the 11 states holding races for governor this year, nine have incumbents on the ballot.", 2)]


def test_counts_of_one_noun_that_differ_make_no_line_and_a_name_is_no_count():
    assert _agreed(["Of the 11 states holding races for governor this year, nine have incumbents on the ballot.",
                    "Turnout was expected to be high across the country.",
                    "Voters in 12 states will also choose their next governor."]) == []
    assert _agreed(["Ministers of the Group of 20 major economies met in Osaka on Sunday to talk trade.",
                    "The Group of 20 major economies warned of risks to growth from the trade war."]) == []


def test_the_line_quotes_the_sentence_saying_most_of_what_the_others_say():
    lines = _agreed(["An official said the six countries had failed to meet security standards.",
                     "The president signed an order on Friday extending his travel ban to six new countries.",
                     "Citizens of six more countries now fall under the ban."])
    assert lines == [("Citizens of six more countries now fall under the ban.", 3)]  # not the official's: ties by length
    assert _agreed(["An official said six countries had failed.",
                    "The president signed an order on Friday extending his travel ban to six new countries.",
                    "Citizens of six more countries now fall under the travel ban the president extended on Friday."]) == [
        ("The president signed an order on Friday extending his travel ban to six new countries.", 3)]  # not the shortest


def test_sentences_that_cannot_stand_alone_make_no_line():
    assert _agreed(["But in 11 states, voters will also choose their next governor.",
                    "And in 11 states, voters pick a governor as well."]) == []


def test_a_count_another_line_states_makes_no_second_line():
    from digest.models import Fact
    texts = ["Of the 11 states holding races for governor this year, nine have incumbents on the ballot.",
             "Voters in 11 states will also choose their next governor."]
    found = [(Said(f"s{i}", f"s{i}", f"a{i}", "paragraph", text), figure)
             for i, text in enumerate(texts) for figure in figures_in(text)]
    shown = [Fact("consensus", "Governor races: 11 states", ("s0", "s1"), 2)]
    assert agreed_counts(found, 2, 2, shown) == []
    assert len(agreed_counts(found, 2, 2, [])) == 1


def test_an_amount_another_line_states_or_a_sentence_it_rests_on_makes_no_second_line():
    from digest.models import Fact, FactValue
    texts = ["The Pentagon plans to divert $3.8 billion meant for military equipment to building the wall.",
             "The administration told Congress it intends to take $3.8 billion from weapons programs for the wall."]
    said = [Said(f"s{i}", f"s{i}", f"a{i}", "paragraph", text) for i, text in enumerate(texts)]
    found = [(one, figure) for one in said for figure in figures_in(one.text)]
    amounts = unnamed_amounts(said, found)
    assert len(agreed_counts(found, 2, 2, [], amounts)) == 1
    valued = Fact("consensus", "Funds moved", ("s0", "s1"), 2, (FactValue("$3.8 billion", ("s0", "s1")),))  # as written
    assert agreed_counts(found, 2, 2, [valued], amounts) == []
    resting = Fact("consensus", "Lawmakers objected", ("s0", "s1"), 2, (), (said[0].evidence,))  # the sentence is taken
    assert agreed_counts(found, 2, 2, [resting], amounts) == []


def test_an_amount_no_attribute_names_that_two_sources_give_alike_is_a_line():
    lines = _agreed(["The Pentagon plans to divert $3.8 billion meant for military equipment to building the wall.",
                     "The administration told Congress it intends to take $3.8 billion from weapons programs for the wall."])
    assert [count for _, count in lines] == [2]
    assert _agreed(["The Pentagon plans to divert $3.8 billion meant for military equipment to building the wall.",
                    "In 2019 the administration took $3.8 billion from weapons programs for the wall."]) == []  # another time
    assert _agreed(["The Pentagon plans to divert $3.8 billion meant for military equipment to building the wall.",
                    "The administration told Congress it intends to take €3.8 billion from weapons programs."]) == []  # another currency


def test_the_box_makes_the_agreed_amount_line_that_no_statement_or_slot_makes():
    # through find_facts: without agreed_counts in the box these sentences give no line at all
    facts = _headlines(["The Pentagon plans to divert $3.8 billion meant for military equipment to building the wall.",
                        "Officials said $3.8 billion would be moved from other programmes to the barrier.",
                        "Lawmakers objected."])
    assert [(f.status, f.text, f.count) for f in facts] == [
        ("consensus", "Officials said $3.8 billion would be moved from other programmes to the barrier.", 2)]


def test_how_long_something_lasted_in_hours_is_a_line_when_sources_agree():
    lines = _agreed(["Services are back up after an outage that lasted almost six hours, the company says.",
                     "For more than five hours on Monday, users could not reach the site."])
    assert lines == [("For more than five hours on Monday, users could not reach the site.", 2)]  # two alike: the shorter
    assert _agreed(["Services are back up after an outage that lasted almost six hours, the company says.",
                    "For more than two hours on Monday, users could not reach the site."]) == []


def test_an_amount_no_attribute_names_supports_the_slot_another_source_names_at_that_value():
    lines = [(f.text, f.count) for f in _headlines([
        "The White House will send Congress a roughly $15 billion package of spending cuts on Tuesday.",
        "The president is sending a rescission request for $15 billion to Congress on Tuesday.",
        "Lawmakers in both parties criticised the plan."]) if f.values]
    assert lines == [("Package: roughly $15 billion", 2)]


def test_people_no_event_is_said_of_are_a_line_but_not_the_people_a_reporter_cites():
    lines = _agreed(["Ms. Lane said she was leaving the demanding job to spend more time with her four teenage children.",
                     "Lane cited a need to spend time with her four children in a letter posted on Sunday night."])
    assert [count for _, count in lines] == [2]
    assert _agreed(["Two people familiar with the matter said the new party will launch next month.",
                    "The launch is planned for October, two people familiar with the plan told reporters."]) == []
    assert _agreed(["The shooting happened in a town of about 17,000 people near the border.",  # a place's people
                    "Police said the town of 17,000 people near the border was in shock."]) == []
    assert _agreed(["The new party will launch next month, according to two people.",
                    "The party is to launch in October, the newspaper reported, citing two people."]) == []


def test_a_named_index_is_read_with_its_ticker_and_beside_another_index():
    def move(sentence: str) -> tuple[str, str]:
        figure, = [f for f in figures_in(sentence) if f.kind == "percent"]
        return figure.attribute, figure.label
    assert move("The Dow Jones Industrial Average (DJIA) dropped by just under 10% on the day.") == (
        "Dow decline", "Dow Jones Industrial Average fell")
    assert move("Both the Dow and the Standard & Poor's 500 closed the day down nearly 10%.") == (
        "Dow decline", "Dow and the Standard & Poor's 500 fell")
    assert move("The S&P 500 was flat Thursday and the Nasdaq fell 5.3%.") == ("Nasdaq decline", "Nasdaq fell")  # a day is no index
    assert move("Stocks and bonds fell 2% on the news.") == ("decline", "")


def test_pays_is_a_price_verb_as_paid_is():
    figure, = figures_in("Woman pays 20,000 for a third breast")
    assert (figure.attribute, figure.label) == ("price", "Paid")


def test_a_question_states_no_count():
    assert _agreed(["Woman with three arms: real or hoax?", "Is the woman with three arms a fake?"]) == []
    assert [count for _, count in _agreed(["Woman with three arms is a fake", "Woman with three arms: real or hoax?",
                                           "The woman with three arms was a fake, a report says."])] == [2]


def test_a_line_stating_the_value_in_words_about_the_same_thing_leaves_no_second_line():
    from digest.models import Fact
    texts = ["The maker will split into two businesses, a report says.", "The maker is to split into two separate businesses."]
    said = [Said(f"s{i}", f"s{i}", f"a{i}", "paragraph", text) for i, text in enumerate(texts)]
    found = [(one, figure) for one in said for figure in figures_in(one.text)]
    amounts = unnamed_amounts(said, found)
    assert len(agreed_counts(found, 2, 2, [], amounts)) == 1
    split = Fact("consensus", "Hewlett-Packard plans to split into 2 companies", ("s0", "s1"), 2)
    assert agreed_counts(found, 2, 2, [split], amounts) == []
    other = Fact("consensus", "The board met two times in March", ("s0", "s1"), 2)  # the value, about something else
    assert len(agreed_counts(found, 2, 2, [other], amounts)) == 1


def test_a_denial_agrees_only_with_denials():
    assert _agreed(["At least 12 rebels caught trying to cross the border",
                    "Officials deny a senator's claim that at least 12 rebels were caught crossing the border"]) == []
    assert _agreed(["At least 12 rebels caught trying to cross the border",
                    "Senator makes unconfirmed claim that guards caught at least 12 rebels"]) == []
    assert _agreed(["Woman with three arms is a fake", "The woman with three arms",
                    "The woman with three arms was a fake, a report says."]) == [("Woman with three arms is a fake", 2)]


def test_an_amount_of_no_written_currency_supports_the_price_other_headlines_name():
    # Emergent headlines drop the "$": "to start at 500 in steel" is the price two others give
    lines = [(f.text, f.count) for f in _headlines(["Steel smartwatch will cost 500, gold 4,000",
                                                    "Steel smartwatch reportedly priced at 500, gold at 4,000",
                                                    "Smartwatch to start at 500 in steel, thousands for gold model"])]
    assert lines == [("Cost: 500", 3)]
