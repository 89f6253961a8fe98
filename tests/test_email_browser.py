"""Tier-C checks from EMAIL.md in real Chromium: layout (L5, L4), inline styling (L2), dark mode
(D2), contrast (D3), underlined links (A8) and text size (A10).

Each check runs in four modes: light and dark colour schemes, with and without the <style>
blocks (Gmail drops <style> for many accounts, so what is inline must hold up alone), at a
phone's 375 px and the email's own 600 px. Full-page screenshots of each go to
``test-artifacts/email/`` (ignored by git; ``DIGEST_ARTIFACTS`` moves it) for an editor to look at.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from digest.models import Sentence, Theme, ThemeSection
from digest.email.render import render
from issues import SETTINGS, typical_digest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("DIGEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts")) / "email"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
MODES = {"light": ("light", False), "dark": ("dark", False), "light-no-style": ("light", True),
         "dark-no-style": ("dark", True)}

# Every visible text node: its contrast against the first opaque background behind it, its size
# and line height. The canvas behind everything is Chromium's: white, or #121212 when dark.
TEXT_NODES = """() => {
  const rgba = s => { const p = s.match(/[\\d.]+/g).map(Number); return p.length === 3 ? [...p, 1] : p; };
  const lum = c => c.slice(0, 3).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const dark = matchMedia('(prefers-color-scheme: dark)').matches
               && !!document.querySelector('meta[name="color-scheme"][content*="dark"]');
  const canvas = dark ? [18, 18, 18, 1] : [255, 255, 255, 1];
  const behind = el => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor);
                          if (c[3] > 0) return c; } return canvas; };
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, cs = getComputedStyle(el);
    if (!node.textContent.trim() || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const [a, b] = [lum(rgba(cs.color)), lum(behind(el))], size = parseFloat(cs.fontSize);
    out.push({text: node.textContent.trim().slice(0, 50), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
              size, large: size >= 24 || (size >= 18.66 && parseInt(cs.fontWeight) >= 700),
              lineHeight: parseFloat(cs.lineHeight) / size, heading: !!el.closest('h1,h2,h3')});
  }
  return out;
}"""
BACKGROUNDS = """() => [...document.querySelectorAll('*')].filter(e => e.checkVisibility())
  .map(e => getComputedStyle(e).backgroundColor).filter(c => !/rgba\\(.*, 0\\)$|transparent/.test(c))"""
LAYOUT = """() => ({scroll: document.documentElement.scrollWidth,
  columns: [...document.querySelectorAll('[class*=mj-column-per]')].map(e => e.getBoundingClientRect().width),
  cards: [...document.querySelectorAll('.card, .box')].map(e => e.getBoundingClientRect().width),
  footer: [...document.querySelectorAll('.foot [class*=mj-column-per]')].map(e => { const r = e.getBoundingClientRect();
           return {left: r.left, top: r.top, bottom: r.bottom, width: r.width}; }),
  links: [...document.querySelectorAll('a')].map(a => ({text: a.textContent,
           underline: getComputedStyle(a).textDecorationLine.includes('underline'), height: a.getBoundingClientRect().height}))})"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser checks need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def stress_html() -> str:
    """The typical issue plus a section of very long words, titles and URLs that must still wrap."""
    digest = typical_digest()
    long_one = digest.articles[0]
    sentence = Sentence(long_one.blocks[0].text.split(". ")[0] + ".", long_one.id, 0, 0)
    word = "Supercalifragilisticexpialidocious" * 3
    text = Sentence(f"{word} appears in https://example.com/{'x' * 90} without spaces.", long_one.id, 0, 1)
    section = ThemeSection(Theme("long", f"Long {word}"), (sentence, text))
    return render(replace(digest, sections=(*digest.sections, section)), SETTINGS).html


@pytest.fixture(scope="module")
def html() -> str:
    return stress_html()


def open_page(browser, html: str, mode: str, width: int = 375):
    scheme, strip_style = MODES[mode]
    page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page.set_content(html)
    if strip_style:
        page.evaluate("document.querySelectorAll('style').forEach(s => s.remove())")
    return page


def contrast_problems(nodes: list[dict]) -> list[str]:
    return [f"{n['text']!r}: {n['ratio']:.2f}:1" for n in nodes if n["ratio"] < (3 if n["large"] else 4.5)]


@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("mode", MODES)
def test_layout_and_text_size(browser, html, mode, width):  # L5, L4, A10, A8, L2
    page = open_page(browser, html, mode, width)
    layout, nodes = page.evaluate(LAYOUT), page.evaluate(TEXT_NODES)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"typical-{width}-{mode}.png"), full_page=True)
    page.close()
    assert layout["scroll"] <= width and layout["columns"] and max(layout["columns"]) <= min(width, 600)
    assert len(nodes) > 50 and contrast_problems(nodes) == []  # D3, A7
    assert [n["text"] for n in nodes if n["size"] < 14] == []
    assert [n["text"] for n in nodes if not n["heading"] and n["lineHeight"] < 1.4] == []
    assert [a["text"] for a in layout["links"] if not a["underline"]] == []
    footer = [a for a in layout["links"] if a["text"] in ("Unsubscribe", "Manage preferences", "Past issues")]
    assert len(footer) == 3 and min(a["height"] for a in footer) >= 44
    left, right = layout["footer"]
    if width < 480 or MODES[mode][1]:  # MJML's breakpoint, or no <style> for its media query: columns stack
        # (without <style> the browser's default 8 px body margin is back)
        assert left["width"] == right["width"] >= width - 16 and right["top"] >= left["bottom"]
    else:
        assert left["top"] == right["top"] and right["left"] >= left["left"] + left["width"] and left["width"] == 300


@pytest.mark.parametrize("width", [600, 800])
def test_desktop_width(browser, html, width):  # L4
    page = open_page(browser, html, "light", width)
    layout = page.evaluate(LAYOUT)
    page.close()
    assert layout["scroll"] <= width and layout["cards"] and max(layout["cards"]) <= 600


def test_dark_mode_repaints_every_background(browser, html):  # D2
    page = open_page(browser, html, "dark")
    colors = page.evaluate(BACKGROUNDS)
    page.close()
    assert len(colors) >= 3 and light_backgrounds(colors) == []


def light_backgrounds(colors: list[str]) -> list[str]:
    """Backgrounds with any channel above 64 of 255: too light to be a dark-mode surface."""
    return [c for c in colors if max(float(v) for v in c[c.index("(") + 1: c.index(")")].split(",")[:3]) > 64]


BAD = """<html><head><meta name="color-scheme" content="light dark"><style>a{text-decoration:none}</style></head>
<body style="background:#fff"><p style="color:#aaa;font-size:12px;line-height:1.1">faint small text</p>
<table style="width:900px;background:#f8f8f8"><tr><td><a href="https://x.example/" style="color:#bbb">a link</a></td></tr></table>
</body></html>"""


def test_browser_checks_catch_a_bad_email(browser):
    page = open_page(browser, BAD, "light")
    layout, nodes = page.evaluate(LAYOUT), page.evaluate(TEXT_NODES)
    page.close()
    assert len(contrast_problems(nodes)) == 2 and layout["scroll"] > 375
    assert [n["size"] for n in nodes if n["size"] < 14] and not layout["links"][0]["underline"]
    dark = open_page(browser, BAD, "dark")
    assert len(light_backgrounds(dark.evaluate(BACKGROUNDS))) == 2
    dark.close()
