"""Shared test builders: ``make_article(**overrides)`` and the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.models import Article, Block, stable_id
from digest.sources import read_folder

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"



def make_article(**overrides) -> Article:
    """An Article with sensible defaults; ``text=`` makes one paragraph block per line."""
    text = overrides.pop("text", "Netflix used generative AI in a series.\nThe scene was finished ten times faster.")
    values = dict(
        id=stable_id("test", text, overrides.get("location", "")),
        location=overrides.get("location", "test.txt"),
        title="A test article",
        outlet="Test Outlet",
        blocks=tuple(Block("paragraph", line) for line in text.split("\n") if line.strip()),
    )
    values.update(overrides)
    return Article(**values)


@pytest.fixture(scope="session")
def seed_articles() -> list[Article]:
    articles, problems = read_folder(SEEDS, source="seeds")
    assert not problems
    return articles


@pytest.fixture(scope="module")
def email():
    """The typical issue, rendered (the delivery tests send it)."""
    from digest.email.render import render
    from issues import SETTINGS, typical_digest

    return render(typical_digest(), SETTINGS)


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    """A throwaway certificate for the test relay (tests/mailserver.py)."""
    from mailserver import make_certificate

    return make_certificate(tmp_path_factory.mktemp("cert"))
