"""How quantities are written: kinds, values, rounding steps, and what is not a quantity."""

from __future__ import annotations

import pytest

from digest.facts.claims import figures_in
from digest.facts.quantities import find


@pytest.mark.parametrize("text, kind, value, noun", [
    ("a 2 percentage point rise", "points", 2, ""),
    ("up 2pp on the year", "points", 2, ""),
    ("16 per cent higher", "percent", 16, ""),
    ("revenue doubled", "multiple", 2, ""),
    ("twice as fast", "multiple", 2, ""),
    ("a threefold rise", "multiple", 3, ""),
    ("IBM to sack 111,800 employees", "count", 111_800, "jobs"),
    ("Islamist Militants Steal 11 Commercial Planes", "count", 11, "aircraft"),
    ("At least 207 people were killed", "count", 207, "people killed"),
    ("killing at least 207 people", "count", 207, "people killed"),
    ("left at least 40 people dead", "count", 40, "people killed"),
    ("cut about 3.1 million Americans from the program", "count", 3.1e6, "people"),
    ("two-thirds of voters agreed", "share", 200 / 3, "voters"),
    ("at a lower cost", "direction", -1, "cost"),
    ("it cost a lot less", "direction", -1, "cost"),
    ("far more expensive", "direction", 1, "cost"),
])
def test_quantity_forms(text, kind, value, noun):
    quantity, = find(text)
    assert (quantity.kind, quantity.value, quantity.noun) == (kind, pytest.approx(value), noun)


@pytest.mark.parametrize("text", ["in the 2016 elections", "double-digit growth", "the first half of 2025",
                                  "for three years", "ten times"])
def test_not_quantities(text):
    assert [q for q in find(text) if q.kind == "count"] == []


@pytest.mark.parametrize("text", ["two sides argued", "three major studios", "in 34 states", "11 people running"])
def test_counts_that_no_predicate_governs_are_no_figures(text):
    """A plural noun is read as a count, but only a verb saying what happened to it makes it a figure."""
    assert figures_in(text) == []


@pytest.mark.parametrize("spelling, currency", [("€5bn", "€"), ("EUR 5 billion", "€"), ("5 billion euros", "€"),
                                                ("£5bn", "£"), ("5 billion pounds", "£"), ("US$5bn", "$")])
def test_currencies_are_normalised(spelling, currency):
    quantity, = find(f"Sales were {spelling}.")
    assert (quantity.kind, quantity.currency, quantity.value) == ("money", currency, 5e9)
