"""OPML subscription lists -> feeds."""

import pytest

from digest.errors import SourceError
from digest.sources.opml import read_opml

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
<outline text="Film"><outline type="rss" text="Frame Rate" xmlUrl="https://framerate.example/feed"/>
  <outline text="Nested"><outline title="Pixel Post" text="pp" xmlUrl="https://pixelpost.example/feed.json"/></outline></outline>
<outline type="rss" text="Frame Rate again" xmlUrl="https://framerate.example/feed"/>
<outline text="A folder link" xmlUrl="file:///etc/passwd"/>
<outline text="No URL"/>
</body></opml>"""


def test_nested_outlines_are_feeds_once_each(tmp_path):
    path = tmp_path / "feeds.opml"
    path.write_text(OPML, encoding="utf-8")
    assert read_opml(path) == [("https://framerate.example/feed", "Frame Rate"),
                               ("https://pixelpost.example/feed.json", "Pixel Post")]


def test_a_harmless_internal_entity_in_opml_is_read(tmp_path):
    path = tmp_path / "feeds.opml"
    path.write_text('<!DOCTYPE opml [<!ENTITY site "Frame Rate">]><opml><body>'
                    '<outline title="&site;" xmlUrl="https://framerate.example/feed"/></body></opml>', encoding="utf-8")
    assert read_opml(path) == [("https://framerate.example/feed", "Frame Rate")]


@pytest.mark.parametrize("text, what", [
    ("<opml><body><outline", "not valid OPML"),
    ('<!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><opml><body/></opml>',
     "OPML refused: entity b refers to other entities"),
    ("<opml><body><outline text='x'/></body></opml>", "no feeds found"),
])
def test_bad_opml_says_what_is_wrong(tmp_path, text, what):
    path = tmp_path / "bad.opml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=what):
        read_opml(path)
