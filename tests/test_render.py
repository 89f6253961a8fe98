"""render() against EMAIL.md's tier-A checks (tests/email_checks.py): one issue, every check;
sizes against Gmail's clipping; escaping of untrusted text; user templates.

The digests come from tests/issues.py; the layout itself is tested in test_view.py.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

import email_checks as checks
from digest.config import EmailSettings
from digest.errors import RenderError
from digest.models import Fact, FactValue, Sentence, Theme, ThemeSection
from digest.email.render import CLIP_BYTES, DEFAULT_TEMPLATES, WARN_BYTES, check_size, render, render_mjml
from issues import SETTINGS, article, make_digest, typical_digest, worst_case


def problems(email, settings: EmailSettings = SETTINGS) -> list[str]:
    html, text = email.html, email.text
    return [
        *checks.check_size(html), *checks.check_encoding(html, text), *checks.check_styles(html),
        *checks.check_layout(html), *checks.check_head(html, settings.language), *checks.check_headings(html),
        *checks.check_links(html), *checks.check_preheader(html), *checks.check_subject(email.subject, html),
        *checks.check_text_part(html, text, settings.postal_address, settings.unsubscribe_url),
    ]


def soup(email):
    return BeautifulSoup(email.html, "html.parser")


ISSUES = {
    "typical": typical_digest,
    "worst case": worst_case,
    "no facts": lambda: typical_digest(facts=()),
    "no lead": lambda: typical_digest(lead=None),
    "empty": lambda: make_digest([], []),
}


@pytest.mark.parametrize("name", ISSUES)
def test_issue_passes_every_static_check(name):
    email = render(ISSUES[name](), SETTINGS)
    assert problems(email) == []
    counts = soup(email).h1.find_next_siblings("p")[1].get_text()
    assert re.fullmatch(r"\d+ articles? · \d+ independent sources? · \d+ stor(y|ies)", counts)
    assert checks.parse(email.html).body.find("div").get_text() == email.preheader


def test_preheader_is_the_leads_first_sentence():  # P1
    digest = typical_digest()
    assert render(digest, SETTINGS).preheader == digest.lead.sentences[0].text
    assert render(replace(digest, lead=None), SETTINGS).preheader.startswith(
        "8 articles · 7 independent sources · 4 stories. In this issue: Film & TV")
    short = replace(digest, lead=replace(digest.lead, sentences=(Sentence("AI wins.", digest.articles[0].id, 0, 0),)))
    assert render(short, SETTINGS).preheader == "AI wins. 8 articles · 7 independent sources · 4 stories"
    long_one = Sentence("Netflix " * 40, digest.articles[0].id, 0, 0)
    preheader = render(replace(digest, lead=replace(digest.lead, sentences=(long_one,))), SETTINGS).preheader
    assert len(preheader) <= 140 and preheader.endswith("Netflix…")


def test_worst_case_stays_under_the_clipping_threshold():  # S1, S4
    email = render(worst_case(), SETTINGS)
    size = len(email.html.encode())
    assert size < WARN_BYTES, f"worst case is {size} bytes"
    assert len(render(typical_digest(), SETTINGS).html.encode()) < 30_000
    assert soup(email).find_all("h3") and len(worst_case().stories) == 25


def test_too_big_is_refused_with_what_to_cut(caplog):  # S1
    digest = worst_case()
    huge = replace(digest, links={a.id: a.url + "?t=" + "x" * 1500 for a in digest.articles})
    with pytest.raises(RenderError, match=r"cut at least [\d,]+ bytes.*largest parts: 'Theme \d.*link URLs take"):
        render(huge, SETTINGS)
    near = replace(digest, links={a.id: a.url + "?t=" + "x" * 200 for a in digest.articles})
    with caplog.at_level(logging.WARNING, logger="digest.email.render"):
        size = len(render(near, SETTINGS).html.encode())
    assert WARN_BYTES < size < CLIP_BYTES and "close to Gmail's clipping" in caplog.text
    assert check_size("x" * 1000).level == "ok" and check_size("x" * CLIP_BYTES).level == "clip"


BAD_HTML = """<!doctype html><html lang="und"><head><title></title><link rel="stylesheet" href="https://f.example/c">
<style>@import url(x.css); a{color:red}</style><!-- note --></head><body style="background:#fff"><p>Hi</p>
<div style="display:none">hidden trick</div><div role="article" lang="und"><h1>One</h1><h1>Two</h1><h4></h4>
<table width="800"><tr><td><img src="x.png"></td></tr></table><table role="presentation"><tr><th>Fact</th></tr></table>
<a href="https://a.example/1">click here</a><a href="javascript:x()" style="color:#00f">click here</a>
<a href="https://b.example/" style="color:#00f">evil.example</a><mj-foo>x</mj-foo><script>alert(1)</script>\x92</div></body></html>"""
BAD_MESSAGE = b"From: a@x.example, b@y.example\nSubject: hi\nDate: someday\nContent-Transfer-Encoding: 8bit\n\nbody\n"


@pytest.mark.parametrize("check", [
    lambda: checks.check_size("x" * checks.CLIP_BYTES),
    lambda: checks.check_encoding(BAD_HTML, "ok"),
    lambda: checks.check_styles(BAD_HTML),
    lambda: checks.check_layout(BAD_HTML),
    lambda: checks.check_head(BAD_HTML, "en"),
    lambda: checks.check_headings(BAD_HTML),
    lambda: checks.check_links(BAD_HTML),
    lambda: checks.check_preheader(BAD_HTML),
    lambda: checks.check_subject("Re: hi", BAD_HTML),
    lambda: checks.check_text_part(BAD_HTML, "<b>x</b> &amp;", "1 Main St", "https://u.example/"),
    lambda: checks.check_message(BAD_MESSAGE),
])
def test_each_check_catches_a_bad_email(check):
    assert check()


def test_title_is_escaped_in_mjml_html_and_raw_in_text():  # T1
    digest = typical_digest(title="<b>&\"'")
    assert "&lt;b&gt;&amp;" in render_mjml(digest, SETTINGS)
    email = render(digest, SETTINGS)
    assert "<b>&" not in email.html and soup(email).h1.get_text() == "<b>&\"'"
    assert email.text.startswith("<b>&\"'\n") and email.subject == "<b>&\"': Film & TV, Games & Labor, Music"


FRAGMENTS = ["<script>alert(1)</script>", "a < b", "x<y", "&amp;", "&", '"', "'", "😀🎬", "مرحبا بالعالم", "שלום",
             "Ünïcödé", "w" * 120, "</mj-text>", "<p>", "<!-- c -->", "\u0092", "\x00", "{{ issue }}", " "]
nasty = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), min_size=1, max_size=4).map("".join)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=nasty, outlet=nasty, sentence=nasty, theme=nasty, path=nasty)
def test_untrusted_text_renders_safely(title, outlet, sentence, theme, path):  # T2, S2, L8
    a = article("fuzz", outlet, title, ["x"])
    section = ThemeSection(Theme("t", theme), (Sentence(sentence, a.id, 0, 0),))
    digest = make_digest([[[a]]], [section], title=title, links={a.id: f"https://fuzz.example/{path}"})
    email = render(digest, SETTINGS)
    assert "<script" not in email.html.lower() and not re.search(r"</?mj-", email.html)
    assert checks.check_encoding(email.html, email.text) == [] and checks.check_headings(email.html) == []
    said = " ".join(checks.CONTROL.sub("", sentence).split())
    assert said in checks.visible_text(soup(email)) and said in " ".join(email.text.split())


@pytest.mark.parametrize("week, number, label", [
    ("2025-W30", 2, "Issue 2 · 21–27 July 2025"), ("2025-W31", 3, "Issue 3 · 28 July – 3 August 2025"),
    ("2025-W30", 0, "Week 30, 2025 (21–27 July 2025)"), ("2025-W54", 0, "2025-W54"), ("issue 7", 7, "Issue 7 · issue 7")])
def test_header_line(week, number, label):
    assert render(typical_digest(week=week, number=number), SETTINGS).text.splitlines()[1].startswith(f"{label} · ")


def words_digest(count: int):
    a = article("w", "Variety", "Words", ["x"])
    section = ThemeSection(Theme("t", "Film"), (Sentence(" ".join(["word"] * count), a.id, 0, 0),))
    return make_digest([[[a]]], [section])


def test_read_time_is_words_over_238_rounded_up():  # C1
    assert "· 1 min read" in render(words_digest(237), SETTINGS).text  # + the section's story title
    assert "· 2 min read" in render(words_digest(238), SETTINGS).text
    email = render(typical_digest(), SETTINGS)
    shown = int(re.search(r"(\d+) min read", checks.visible_text(soup(email)))[1])
    assert abs(shown - math.ceil(len(checks.visible_text(soup(email)).split()) / 238)) <= 1


def test_consensus_box_names_sources_and_disputes():
    email = render(typical_digest(), SETTINGS)
    table = soup(email).find("th").find_parent("table")
    assert [th.get_text() for th in table.find_all("th")] == ["Fact", "Sources"]
    rows = [" ".join(tr.get_text(" ").split()) for tr in table.find_all("tr")[1:]]
    assert "3 of 3 sources : Variety, Deadline, Reuters" in rows[0]
    assert "$11.08 billion : Variety, Deadline" in rows[1] and "$11.1 billion : Reuters (rounded)" in rows[1]
    assert "period not stated — may differ" in rows[1] and "also written : El Atonata" in rows[2]
    assert "$11.1 billion: Reuters (rounded)" in email.text
    empty = render(typical_digest(facts=()), SETTINGS)
    assert soup(empty).find("th") is None and "Nothing to compare this week" in empty.text
    assert "Nothing to compare this week" in checks.visible_text(soup(empty))


def test_user_templates_override_and_failures_are_render_errors(tmp_path):
    (tmp_path / "digest.txt.j2").write_text("custom {{ issue.title }}")
    assert render(typical_digest(), SETTINGS, [tmp_path]).text == "custom AI in Entertainment Weekly"
    cases = {"{{ issue.nope }}": "nope", "<mjml><mj-body><mj-foo>x</mj-foo></mj-body></mjml>": "mj-foo",
             "<mjml><mj-body><mj-section><mj-column><mj-text><p>x</mj-text></mj-column></mj-section></mj-body></mjml>":
             "could not be compiled", "{% for %}": "digest.mjml.j2"}
    for source, message in cases.items():
        (tmp_path / "digest.mjml.j2").write_text(source)
        with pytest.raises(RenderError, match=message):
            render(typical_digest(), SETTINGS, [tmp_path])


def test_a_template_edited_between_renders_is_read_again(tmp_path):
    """Compiled templates are kept for the process (the desk renders at every build): an edit shows."""
    template = tmp_path / "digest.txt.j2"
    template.write_text("first {{ issue.title }}")
    assert render(typical_digest(), SETTINGS, [tmp_path]).text == "first AI in Entertainment Weekly"
    template.write_text("second {{ issue.title }}")
    assert render(typical_digest(), SETTINGS, [tmp_path]).text == "second AI in Entertainment Weekly"


def test_language_comes_from_settings():  # A1
    html = render(typical_digest(), replace_settings(language="de")).html
    assert checks.check_head(html, "de") == [] and checks.check_head(html, "en")


def test_template_avoids_interactive_and_inline_styles():  # L3, L9
    source = (DEFAULT_TEMPLATES / "digest.mjml.j2").read_text()
    assert not re.search(r"mj-(accordion|carousel|navbar)|inline=\"inline\"", source)
    assert re.search(r'<mj-all [^>]*font-size="16px"', render_mjml(typical_digest(), SETTINGS))


def test_house_style_changes_in_config_only():  # one place for colours, fonts and the logo text
    light = SETTINGS.style.light.model_copy(update={"link": "#7a1f5c", "accent": "#7a1f5c", "card": "#fffdf7"})
    style = SETTINGS.style.model_copy(update={
        "logo_text": "AI × Screen", "font_family": "Georgia, 'Times New Roman', serif", "light": light,
        "heading_font_family": "Verdana, sans-serif", "font_size": 18})
    email = render(typical_digest(), replace_settings(style=style))
    assert problems(email) == []
    page = soup(email)
    assert page.h1.find_previous("p").get_text() == "AI × Screen" and email.text.startswith("AI × Screen\n")
    assert {a["style"].split(";")[0] for a in page.find_all("a")} == {"color:#7a1f5c"}
    assert "#0b57d0" not in email.html and "#fffdf7" in email.html
    assert "font-family:Georgia, 'Times New Roman', serif;font-size:18px" in email.html.replace("&#39;", "'")
    assert page.h2["style"].startswith("font-family:Verdana, sans-serif;")
    dark = SETTINGS.style.dark.model_copy(update={"link": "#ffb4d9"})
    assert "color: #ffb4d9 !important" in render(typical_digest(), replace_settings(
        style=SETTINGS.style.model_copy(update={"dark": dark}))).html


def replace_settings(**changes) -> EmailSettings:
    return SETTINGS.model_copy(update=changes)


def test_a_disputed_value_given_twice_is_one_line_with_both_sources():
    digest = typical_digest()
    ids = [o.id for o in digest.stories[0].origins]
    fact = Fact("disputed", "Growth (year-over-year)", tuple(ids), 3, values=(
        FactValue("16%", (ids[0],)), FactValue("16%", (ids[1],), note="period not stated"),
        FactValue("17%", (ids[2],), note="period not stated — may differ")), note="period not stated — may differ")
    email = render(replace(digest, facts=(fact,)), SETTINGS)
    assert "- 16%: Variety; Deadline (period not stated)" in email.text
    assert "- 17%: Reuters\n" in email.text
    assert email.text.count("16%") == 1


_RENDER_IN_A_NEW_PROCESS = """
import json, sys
from pathlib import Path
import jinja2
sys.path.insert(0, "tests")
compiled = []
real = jinja2.Environment._compile
jinja2.Environment._compile = lambda self, source, filename: compiled.append(filename) or real(self, source, filename)
from digest.email.render import render
from issues import SETTINGS, typical_digest
email = render(typical_digest(), SETTINGS, [Path(sys.argv[1])])
print(json.dumps([email.text, sorted(Path(f).name for f in compiled)]))
"""


def _render_in_a_new_process(folder) -> tuple[str, list[str]]:
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", _RENDER_IN_A_NEW_PROCESS, str(folder)], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))


def test_compiled_templates_are_kept_between_processes_and_an_edit_or_a_torn_entry_is_compiled_again(tmp_path):
    """A run starts a new process: its templates come from Jinja's bytecode cache, checked against
    each template's source, so an edit with the same size and mtime still shows, and a damaged
    cache entry is compiled again."""
    import os

    from digest.email.render import bytecode_cache

    template = tmp_path / "digest.txt.j2"
    template.write_text(f"first {{{{ issue.title }}}} {tmp_path.name}")
    text, compiled = _render_in_a_new_process(tmp_path)
    assert text.startswith("first AI in Entertainment Weekly") and "digest.txt.j2" in compiled
    assert _render_in_a_new_process(tmp_path) == (text, [])  # nothing compiled: every template kept
    stat = template.stat()
    template.write_text(f"again {{{{ issue.title }}}} {tmp_path.name}")  # same size
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    text, compiled = _render_in_a_new_process(tmp_path)
    assert text.startswith("again AI in Entertainment Weekly") and compiled == [str(template.name)]
    cache = bytecode_cache()  # shared by every process of this user: tear this template's entry only
    entry = os.path.join(cache.directory, cache.pattern % cache.get_cache_key("digest.txt.j2", str(template)))
    with open(entry, "r+b") as torn:
        torn.truncate(20)
    text, compiled = _render_in_a_new_process(tmp_path)
    assert text.startswith("again AI in Entertainment Weekly") and compiled == ["digest.txt.j2"]
