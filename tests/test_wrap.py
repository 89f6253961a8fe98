"""email/wrap.wordwrap: the text of Jinja's own wordwrap filter, whatever the line and options."""

from __future__ import annotations

import jinja2
from hypothesis import given, settings as hsettings, strategies as st
from jinja2.filters import do_wordwrap

from digest.email import render, wrap
from digest.email.view import build_view
from issues import SETTINGS, typical_digest, worst_case

ENV = jinja2.Environment()
PIECES = ["a", "AI", "Netflix", "über", "x" * 75, "y" * 90, "co-op", "2025", "—", "", " ", "\t", "\u00a0", "\n",
          "\r\n", "word\u00a0word", "$11.08", "\u3000", "e\u0301"]
LINES = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join) | st.text(max_size=200)


@hsettings(max_examples=400, deadline=None)
@given(LINES, st.integers(1, 100), st.booleans(), st.booleans(), st.sampled_from([None, "\n", "<br>"]))
def test_the_text_of_jinjas_wordwrap(text, width, long_words, hyphens, wrapstring):
    expected = do_wordwrap(ENV, text, width, long_words, wrapstring, hyphens)
    assert wrap.wordwrap(ENV, text, width, long_words, wrapstring, hyphens) == expected


WORDS = st.lists(st.sampled_from(["a", "AI", "Netflix", "x" * 75, "y" * 90, "co-op", "über", "e\u0301", "2025,"]),
                 min_size=1, max_size=60).map(" ".join)
INDENTED = st.tuples(st.sampled_from(["", " ", "    ", "  - "]), WORDS).map("".join)


@hsettings(max_examples=300, deadline=None)
@given(INDENTED, st.integers(1, 100))
def test_the_text_of_jinjas_wordwrap_for_words_parted_by_spaces(text, width):
    """The lines the templates wrap: words and single spaces, maybe indented, long words kept
    whole, no hyphen breaks."""
    expected = do_wordwrap(ENV, text, width, False, None, False)
    assert wrap.wordwrap(ENV, text, width, False, None, False) == expected
    words = wrap._words(text, width)  # the fast path takes them (an indent may need Jinja's)
    assert words is not None or text.startswith(" ")
    if words is not None:
        assert "\n".join(wrap._fill(words, width)) == expected


def test_the_text_part_is_the_one_jinjas_filter_gives():
    """The default text template rendered with each filter: the same text, for a typical issue
    and for the worst case's long titles and URLs."""
    jinjas = jinja2.Environment(loader=render.template_loader(()), autoescape=False, undefined=jinja2.StrictUndefined,
                                trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    ours = render._environment((), False, render.template_contents(()))
    assert ours.filters["wordwrap"] is wrap.wordwrap and jinjas.filters["wordwrap"] is do_wordwrap
    for digest in (typical_digest(), worst_case()):
        view = build_view(digest, SETTINGS)
        text = jinjas.get_template(render.TEXT_TEMPLATE).render(issue=view)
        assert ours.get_template(render.TEXT_TEMPLATE).render(issue=view) == text and text.count("\n") > 20
