"""Fiscal periods in text and their resolution from the context and the publication date."""

from __future__ import annotations

from datetime import datetime

import pytest

from digest.facts.periods import Period, periods_in, resolve


@pytest.mark.parametrize("text, period", [
    ("in Q2 2025", Period("Q", 2, 2025)), ("during the second quarter of 2025", Period("Q", 2, 2025)),
    ("in the first half of 2025", Period("H", 1, 2025)), ("H1 2024 results", Period("H", 1, 2024)),
    ("in its latest quarterly report", Period("latest")), ("during Tuesday's earnings call", Period("latest")),
    ("Q2 earnings call", Period("Q", 2, None))])
def test_periods_in_text(text, period):
    assert [p for _, p in periods_in(text)] == [period]


@pytest.mark.parametrize("period, years, published, expected", [
    (Period("latest"), frozenset(), datetime(2025, 7, 17), Period("Q", 2, 2025)),
    (Period("latest"), frozenset(), datetime(2025, 1, 21), Period("Q", 4, 2024)),
    (Period("latest"), frozenset(), None, Period("latest")),
    (Period("Q", 2), frozenset({2025}), None, Period("Q", 2, 2025)),
    (Period("Q", 2), frozenset(), datetime(2025, 7, 17), Period("Q", 2, 2025)),
    (Period("Q", 3), frozenset(), datetime(2025, 7, 17), Period("Q", 3, 2024))])
def test_period_resolution(period, years, published, expected):
    assert resolve(period, years, published) == expected


@pytest.mark.parametrize("text, period", [("in FY25", Period("FY", 0, 2025)), ("fiscal year 2024", Period("FY", 0, 2024)),
                                          ("Q2 FY2025 results", Period("Q", 2, 2025))])
def test_fiscal_years(text, period):
    assert [p for _, p in periods_in(text)] == [period]


@pytest.mark.parametrize("text", [
    "Profit rose in the first quarter.", "Sales fell in the Third-Quarter of fiscal 2024.",
    "Results for the second half of the year were weak.", "First-half revenue grew.",
    "Revenue rose in Q2 2024.", "H1 2023 was slow.", "The full year 2022 ended well.", "FY24 guidance held.",
    "The 2023 fiscal year closed.", "It grew during 2021.",
])
def test_skipping_the_patterns_that_need_a_digit_finds_what_every_pattern_finds(text):
    """``periods_in`` skips, in a text without a digit, the patterns marked as needing one: a pattern
    marked wrongly (one that matches "first quarter") would lose that period here."""
    import re

    from digest.facts.periods import PERIOD_PATTERNS

    every = sorted((m.start(), kind) for pattern, kind, _ in PERIOD_PATTERNS
                   for m in re.finditer(pattern, text, re.IGNORECASE))
    assert every and sorted((at, found.kind) for at, found in periods_in(text)) == every
