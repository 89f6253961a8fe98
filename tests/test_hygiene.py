"""Issue 17 case 9: controls, CR/LF, bidi overrides and zero-width characters from a source never
reach either part of the email; a title is one line."""

from __future__ import annotations

import re

from digest.config import Config
from digest.email.render import render
from digest.pipeline import build_digest
from digest.text.hygiene import clean_article, clean_text, one_line
from issues import NOW, article

HOSTILE = "\u202e\u200b\u200d\u2066\ufeff\x07\x1b"
TITLE = "Studio AI dubbing deal\r\nBcc: everyone@example.org\u2028X-Evil: 1 \u202eexe.gpj\u202c"
SENTENCES = ["The studio signed an AI dubbing deal with Voicely on Monday",
             "Voicely will dub 40 films into 12 languages\u200b by May\u202e",
             "The deal is worth $20 million\x07 according to the studio"]


def test_a_title_is_one_clean_line_and_text_keeps_its_paragraphs():
    assert one_line(TITLE) == "Studio AI dubbing deal Bcc: everyone@example.org X-Evil: 1 exe.gpj"
    assert clean_text("one\r\ntwo\x00\u200b three\n\n\tfour\u2067") == "one\ntwo three\n\n\tfour"
    plain = article("plain", "Outlet", "A title", SENTENCES[:1])
    assert clean_article(plain) is plain


def test_hostile_characters_reach_neither_part_of_the_email():
    articles = [article(key, f"{outlet}{HOSTILE}\n Daily", TITLE + (" " + key if key == "b" else ""), SENTENCES,
                        pinned=True) for key, outlet in (("a", "Trade"), ("b", "Screen"))]
    email = render(build_digest(articles, Config(), NOW), Config().email)
    for part in (email.subject, email.html, email.text):
        assert not re.search(f"[{HOSTILE}\r\u2028]", part), repr(re.search(f".{{20}}[{HOSTILE}\r\u2028]", part))
    assert not re.search(r"(?m)^(Bcc|X-Evil):", email.text)  # no line of the plain text starts a header
    assert "Voicely will dub 40 films into 12 languages by May" in email.text
    assert "Trade Daily" in email.text and "Trade Daily" in email.html


def test_each_block_is_cleaned_as_clean_text_cleans_it_whichever_block_is_dirty():
    """clean_article searches all blocks at once: a dirty block anywhere among clean ones is cleaned,
    the clean ones stay as they are."""
    from dataclasses import replace
    from itertools import product

    from digest.models import Block

    pieces = ["plain words", "cr\rhere", "crlf\r\nthere", "bell\x07", "zero\u200bwidth", "tab\tand\nnewline", ""]
    for texts in product(pieces, repeat=2):
        made = replace(article("k", "Outlet", "A title", ["first"]), blocks=tuple(Block("paragraph", t) for t in texts))
        assert [b.text for b in clean_article(made).blocks] == [clean_text(t) for t in texts]
        assert (clean_article(made) is made) == all(clean_text(t) == t for t in texts)
