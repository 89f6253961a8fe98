"""When values that differ in one slot are still no dispute: bounds that point one way, values far apart.

``digest.facts.slots`` sets groups of agreeing sources against each other; this module says when their
values cannot contradict, whatever their distance. "At least 40 people had been killed" and "at least 42
people had been killed" are two lower bounds: both hold if 42 or more died, so the sources do not differ,
one only knows more ("more than 100 injured", "more than 150"; "at least two dozen", "more than a dozen").
Two upper bounds ("up to 300", "less than 200") likewise. Measured on the frozen mined sample
(``benchmarks/dispute_sample.yaml``, stories no rule was written for): 4 of its 6 wrong disputes were two
lower bounds (3 on the tune half, 1 on the report half), no real dispute was; a bound against an exact
value ("more than 12,400 acres" against "11,400 acres") still disputes, and bounds published on
different days in order are still a change ("at least 60 on Fri 5 Dec → at least 67 on Sat 6 Dec": a
toll rising over a week). Outside every gold (MSRP pairs) 12 disputes went: 10 of them two bounds that
agree or count different things (26 and 27 troops "at least"; "more than 100" and "more than 150"
injured in two attacks; fines "up to $11,000 per call" and "up to $120,000"), 2 tolls from reports of
different hours ("at least 42", "at least 48" killed) that undated say no more than that both hold.

Values more than four times apart (``far_apart``) count different things, unless dated in order (a toll
rising from 3 to 22 over days is a change): the largest ratio among the mined sample's tune-half disputes
was 3.5 ("four injured", "14 injured"). The sample's report half lost its wrong "13 deaths" (Taiwan)
against "514 deaths" (worldwide); outside every gold 7 MSRP disputes went, all 7 judged wrong (two
products' prices $44 and $949; index moves of two days, 0.34 % and 2.5 %; 770 deaths against 8,300
sickened misread as deaths); NeuS, Emergent and the tuning golds unchanged. With three values or more
only those far from the most stated one leave (60 and 65 killed still dispute beside a misread 300).
"""

from __future__ import annotations

from digest.facts import changes, quantities


def one_way(groups) -> bool:
    """Are all groups' figures bounds of one direction (``quantities.bound``; each source's every figure),
    so none contradicts?"""
    directions = {quantities.bound(f.hedge) for group in groups for _, items in group for _, f in items}
    return len(groups) > 1 and len(directions) == 1 and "" not in directions


FAR = 4.0  # no dispute in the mined sample was further apart than 3.5 times ("four injured", "14 injured")


def far_apart(groups) -> bool:
    """Do the groups' values lie more than ``FAR`` times apart? Then they count different things (a place
    and the world: "13 deaths" in Taiwan, "514 deaths" worldwide; two products priced $44 and $949), or
    one source's figure is another slot's, not a different count of the same one."""
    values = [abs(changes.leading(group).value) for group in groups]
    kinds = {f.kind for group in groups for _, items in group for _, f in items}
    return len(groups) > 1 and "tally" not in kinds and min(values) > 0 and max(values) > FAR * min(values)
