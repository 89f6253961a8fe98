"""Bytes -> text in the browsers' order (BOM, HTTP header, meta, UTF-8, detector), and the XML
entity guard that refuses only what is dangerous."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from digest.sources.charset import decode
from digest.sources.xmlguard import check

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
POLISH = "<p>Sejm zagłosował nad ustawą; żółta kartka dla firm, które łamią prawo aktorów.</p>"


def page(charset: str = "", body: str = POLISH) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}<title>t</title></head><body>{body}</body></html>"


@pytest.mark.parametrize("raw, content_type, encoding, by", [
    (codecs.BOM_UTF8 + page("windows-1250").encode("utf-8"), "text/html; charset=iso-8859-2", "utf-8-sig", "byte order mark"),
    (page().encode("iso-8859-2"), "text/html; charset=ISO-8859-2", "iso8859-2", "HTTP header"),
    (page("windows-1250").encode("cp1250"), "text/html", "cp1250", "meta"),
    (page("windows-1250").encode("cp1250"), "text/html; charset=utf-8", "cp1250", "meta"),  # the header is wrong
    (page("iso-8859-1", "<p>“Quotes” café</p>").encode("cp1252"), "", "cp1252", "meta"),  # WHATWG: latin-1 is 1252
    (page("utf-8").encode("utf-8"), "", "utf-8", "meta"),
    (page().encode("utf-8"), "", "utf-8", "UTF-8"),
])
def test_the_charset_is_found_in_the_browsers_order(raw, content_type, encoding, by):
    decoded = decode(raw, content_type)
    assert (decoded.encoding, decoded.by) == (encoding, by)
    assert "Quotes" in decoded.text or "zagłosował" in decoded.text


def test_an_undeclared_page_goes_to_the_detector():
    raw = (PAGES / "cp1250.html").read_bytes().replace(b"charset=windows-1250", b"")
    decoded = decode(raw)
    assert (decoded.encoding, decoded.by) == ("cp1250", "detector")
    assert "Sejm zagłosował w piątek" in decoded.text


HARMLESS = b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY copy "&#169;">\n<!ENTITY pub \'Example Press\'>\n]>\n<rss>&pub;</rss>'


@pytest.mark.parametrize("body, reason", [
    (b'<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><rss>&b;</rss>', "entity b refers to other entities"),
    (b'<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&#38;a;&#38;a;">]><rss>&b;</rss>', "entity b refers to other entities"),
    (b'<!DOCTYPE r [<!ENTITY % p "x">]><rss/>', "parameter entity %p"),
    (b'<!DOCTYPE r [<!ENTITY x PUBLIC "-//x" "http://evil.example/x">]><rss>&x;</rss>', "entity x is external (PUBLIC)"),
    (b'<!DOCTYPE r [<!ENTITY big "' + b"a" * 20000 + b'">]><rss>' + b"&big;" * 60 + b"</rss>", "would add 1,171 KB"),
    ('<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;">]><rss>&b;</rss>'.encode("utf-16"), "entity b refers"),
    (b'<!DOCTYPE r [<!ENTITY a "x"> <!FOO>]><rss/>', "cannot be checked"),
])
def test_dangerous_entities_are_refused(body, reason):
    verdict = check(body)
    assert not verdict.safe and reason in verdict.reason


@pytest.mark.parametrize("body", [
    HARMLESS,
    b"<rss><item><description><![CDATA[<!ENTITY lol \"lol\">]]></description></item></rss>",
    b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss/>',
])
def test_harmless_declarations_and_mentions_are_read(body):
    assert check(body).safe


def test_a_utf8_page_with_a_broken_byte_stays_utf8_and_a_1250_page_declared_utf8_does_not():
    german = page("utf-8", "<p>Schaf, Standardausführung, weiß: " + "grüne Wiese, große Herde. " * 5 + "</p>")
    broken = german.encode("utf-8").replace(b"Schaf,", b"Schaf\xa0,")
    decoded = decode(broken)
    assert (decoded.encoding, decoded.by) == ("utf-8", "meta, 1 broken bytes replaced")
    assert "Standardausführung, weiß" in decoded.text
    polish = (PAGES / "cp1250.html").read_bytes().replace(b"charset=windows-1250", b"charset=utf-8")
    assert decode(polish).encoding == "cp1250"  # the declaration is wrong: nearly nothing in it is UTF-8
