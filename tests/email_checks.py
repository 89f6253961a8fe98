"""Tier-A checks from /work/shared/EMAIL.md, one function per rule group.

Each check returns a list of problems (empty when the email passes), so a test can show the
whole list when it fails and another test can show the check catches a bad fixture.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment

CLIP_BYTES = 102 * 1024
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
GENERIC_LINK_TEXT = {"click here", "here", "read more", "more", "learn more", "link", "this", "view", "details"}
HIDDEN = re.compile(r"display\s*:\s*none|max-height\s*:\s*0(px)?\b")
DARK_BLOCK = re.compile(r"@media[^{]*prefers-color-scheme\s*:\s*dark[^{]*\{((?:[^{}]|\{[^{}]*\})*)\}")


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def check_size(html: str) -> list[str]:  # S1
    size = len(html.encode("utf-8"))
    return [f"S1: HTML is {size} bytes, Gmail clips at {CLIP_BYTES}"] if size >= CLIP_BYTES else []


def check_encoding(html: str, text: str) -> list[str]:  # S2
    problems = [f"S2: control character {m.group()!r} in {part}"
                for part, body in (("html", html), ("text", text)) for m in CONTROL.finditer(body)]
    metas = [m.get("content", "") + m.get("charset", "") for m in parse(html).find_all("meta")]
    if not any(re.search(r"charset=?\s*utf-8", m, re.I) or m.lower() == "utf-8" for m in metas):
        problems.append("S2: no <meta> declaring charset utf-8")
    return problems


def check_styles(html: str) -> list[str]:  # S3, S5, L3, L7
    soup, problems = parse(html), []
    problems += [f"S3: <style> of {len(s.text.encode())} bytes" for s in soup.find_all("style") if len(s.text.encode()) > 16384]
    comments = [c for c in soup.find_all(string=lambda s: isinstance(s, Comment)) if not re.match(r"\[if |<!\[endif|\[endif", c.strip())]
    problems += [f"S5: authoring comment left: {c[:40]!r}" for c in comments]
    if "[if mso" not in html:
        problems.append("S5: Outlook conditional comments were stripped")
    for tag in ("link", "script", "iframe", "form", "video", "object", "embed", "base"):
        problems += [f"L7: <{tag}> present" for _ in soup.find_all(tag)]
    problems += [f"L7: {word} in CSS" for word in ("@import", "url(") if word in html]
    return problems


def check_layout(html: str) -> list[str]:  # L1, L4, L6, L8
    soup, problems = parse(html), []
    for table in soup.find_all("table"):
        own_th = [th for th in table.find_all("th") if th.find_parent("table") is table]
        if not own_th and table.get("role") != "presentation":
            problems.append("L1: layout table without role=presentation")
        if own_th and table.get("role"):
            problems.append(f"L1: data table with role={table.get('role')}")
        problems += [f"L1: <th> without scope: {th.text[:30]!r}" for th in own_th if not th.get("scope")]
    if not re.search(r"max-width\s*:\s*600px", html):
        problems.append("L4: no max-width:600px container")
    problems += [f"L4: width={w}" for w in re.findall(r'\bwidth="(\d+)"', html) if int(w) > 600]
    problems += [f"L4: width:{w}px" for w in re.findall(r"(?<![-\w])width\s*:\s*(\d+)px", html) if int(w) > 600]
    problems += ["L6: <img> present" for _ in soup.find_all("img")]
    problems += ["L6: background-image in CSS"] if "background-image" in html else []
    problems += [f"L8: unrendered MJML {m.group()!r}" for m in re.finditer(r"</?mj-[\w-]*", html)]
    return problems


def check_head(html: str, language: str) -> list[str]:  # L10, D1, D2, A1, A2, A3
    soup, problems = parse(html), []
    names = {m.get("name") for m in soup.find_all("meta")}
    for name in ("x-apple-disable-message-reformatting", "color-scheme", "supported-color-schemes"):
        if name not in names:
            problems.append(f"L10/D1: <meta name={name}> missing")
    block = " ".join(DARK_BLOCK.findall(" ".join(s.text for s in soup.find_all("style"))))
    if not block:
        problems.append("D2: no @media (prefers-color-scheme: dark) block")
    dark = " ".join(sel for sel, rules in re.findall(r"([^{}]+)\{([^{}]*)\}", block) if "background" in rules)
    for element in soup.body.find_all(style=re.compile(r"background")) if soup.body else []:
        owner = element if element.get("class") else element.find_parent(class_=True)
        classes = owner.get("class") if owner else []
        covered = re.search(r"(^|[\s,}])body\b", dark) if element.name == "body" else any(f".{c}" in dark for c in classes)
        if block and not covered:
            problems.append(f"D2: background on <{element.name} class={classes}> has no dark rule")
    wrapper = soup.find("div", attrs={"role": "article"})
    for where, tag in (("html", soup.html), ("wrapper", wrapper)):
        if tag is None or tag.get("lang") in (None, "", "und") or tag.get("lang") != language:
            problems.append(f"A1: {where} lang is {tag.get('lang') if tag else None!r}, expected {language!r}")
        if tag is None or tag.get("dir") not in ("ltr", "rtl"):
            problems.append(f"A2: {where} dir is not ltr/rtl")
    if not (soup.title and soup.title.text.strip()):
        problems.append("A3: empty <title>")
    if wrapper is None or not wrapper.get("aria-label"):
        problems.append("A3: wrapper has no aria-label")
    return problems


def check_headings(html: str) -> list[str]:  # A5
    headings = parse(html).find_all(re.compile(r"^h[1-6]$"))
    levels = [int(h.name[1]) for h in headings]
    problems = [] if levels.count(1) == 1 and levels[:1] == [1] else [f"A5: h1 count/position wrong: {levels}"]
    problems += [f"A5: h{b} after h{a}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    problems += [f"A5: empty <{h.name}>" for h in headings if not h.get_text(strip=True)]
    return problems


def check_links(html: str) -> list[str]:  # L2, A6
    problems, seen = [], {}
    for a in parse(html).find_all("a"):
        text, href = " ".join(a.get_text().split()), a.get("href", "")
        name = " ".join(a.get("aria-label", "").split()) or text  # the accessible name
        if not re.search(r"(^|;)\s*color\s*:", a.get("style", "")):
            problems.append(f"L2: link {text[:30]!r} has no inline color")
        if not text:
            problems.append(f"A6: empty link to {href}")
        if text.lower().strip(".:!›» ") in GENERIC_LINK_TEXT or text.startswith(("http://", "https://")):
            problems.append(f"A6: generic link text {text!r}")
        if text.lower() not in name.lower():
            problems.append(f"A6: visible text {text!r} is not part of the link's name {name!r} (WCAG 2.5.3)")
        if seen.setdefault(name, href) != href:
            problems.append(f"A6: {name!r} links to {seen[name]} and {href}")
        if re.fullmatch(r"[\w-]+(\.[\w-]+)+", text) and text.lower().removeprefix("www.") not in (urlsplit(href).hostname or ""):
            problems.append(f"A6: link text {text!r} looks like a domain but goes to {href}")
        if not href.startswith(("https://", "http://", "mailto:")):
            problems.append(f"A6: link with scheme-less or unsafe href {href[:40]!r}")
    return problems


def visible_text(soup: BeautifulSoup) -> str:
    """The body's text outside hidden elements and comments, whitespace collapsed."""
    strings = (soup.body or soup).find_all(string=True)
    shown = " ".join(s for s in strings if not isinstance(s, Comment) and not s.find_parent(style=HIDDEN))
    return " ".join(shown.split())


def check_preheader(html: str) -> list[str]:  # P1, P3
    soup = parse(html)
    first = soup.body.find("div") if soup.body else None
    if first is None or not HIDDEN.search(first.get("style", "")):
        return ["P1: the first <div> in <body> is not a hidden preheader"]
    text, problems = first.get_text(), []
    if not 35 <= len(text) <= 140:
        problems.append(f"P1: preheader is {len(text)} characters")
    hidden = [e for e in soup.body.find_all(style=HIDDEN) if e is not first]
    problems += [f"P3: hidden element besides the preheader: {e.get_text()[:40]!r}" for e in hidden]
    shown = visible_text(soup).lower()
    problems += [f"P3: preheader word {w!r} is not visible" for w in re.findall(r"[^\W_]{3,}", text.lower()) if w[:5] not in shown]
    return problems


def check_subject(subject: str, html: str) -> list[str]:  # P4, P5
    problems = [] if subject.strip() else ["P4: empty subject"]
    problems += ["P4: subject fakes a reply/forward"] if re.match(r"^\s*(re|fwd?)\s*:", subject, re.I) else []
    title = parse(html).title
    problems += [] if title and title.text == subject else [f"P5: <title> {title and title.text!r} != subject"]
    return problems


def check_text_part(html: str, text: str, postal_address: str, unsubscribe_url: str) -> list[str]:  # M2, U6, U9
    soup, problems = parse(html), []
    hrefs = {a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("https://")}
    urls = set(re.findall(r"https://\S+", text))
    problems += [f"M2: {href} missing from the text part" for href in sorted(hrefs - urls)]
    problems += [f"M2: markup in the text part: {m.group()!r}" for m in re.finditer(r"</?[a-zA-Z][^>]*>|&(#\d+|[a-z]+);", text)]
    footer = soup.find_all("a", href=unsubscribe_url)
    if not any("unsubscribe" in (a.get_text() + a["href"]).lower() for a in footer):
        problems.append("U6: no visible unsubscribe link")
    if unsubscribe_url not in text:
        problems.append("U6: unsubscribe URL missing from the text part")
    problems += [f"U9: postal address missing from {p}" for p, body in (("html", visible_text(soup)), ("text", text))
                 if postal_address not in body]
    return problems


def check_message(raw: bytes) -> list[str]:  # M1, M3-M8, U1, U2, U7
    problems, message = [], BytesParser(policy=policy.default).parsebytes(raw)
    parts = [p.get_content_type() for p in message.iter_parts()] if message.is_multipart() else []
    if message.get_content_type() != "multipart/alternative" or parts != ["text/plain", "text/html"]:
        problems.append(f"M1: structure {message.get_content_type()} {parts}")
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Id", "List-Unsubscribe",
                 "List-Unsubscribe-Post"):
        if len(message.get_all(name) or []) != 1:
            problems.append(f"M3/U: {name} appears {len(message.get_all(name) or [])} times")
    if len(getaddresses(message.get_all("From") or [])) != 1:
        problems.append("M3: From must hold exactly one address")
    try:
        if parsedate_to_datetime(str(message["Date"])).tzinfo is None:
            problems.append("M3: Date has no timezone")
    except (TypeError, ValueError):
        problems.append(f"M3: Date {message['Date']!r} does not parse")
    match = re.match(r"^<[^@\s]+@([^>\s]+)>$", str(message["Message-ID"]))
    if not match or match[1] in ("localhost", "localhost.localdomain"):
        problems.append(f"M4: bad Message-ID {message['Message-ID']!r}")
    problems += [f"M5: line of {len(line)} octets" for line in raw.split(b"\r\n") if len(line) > 998]
    for part in message.iter_parts() if message.is_multipart() else []:
        if part.get("Content-Transfer-Encoding", "7bit").lower() not in ("7bit", "quoted-printable", "base64"):
            problems.append(f"M6: {part.get_content_type()} is {part['Content-Transfer-Encoding']}")
        if part.get_content_charset() != "utf-8":
            problems.append(f"M7: {part.get_content_type()} charset is {part.get_content_charset()}")
    head = raw.split(b"\r\n\r\n", 1)[0]
    problems += ["M7: raw non-ASCII bytes in the headers"] if any(byte > 127 for byte in head) else []
    problems += ["M8: bare LF line ending"] if b"\n" in raw.replace(b"\r\n", b"") else []
    unsubscribe = re.findall(r"<([^>]+)>", str(message["List-Unsubscribe"]))
    https = [u for u in unsubscribe if u.startswith("https://")]
    if len(https) != 1 or any(not u.startswith(("https://", "mailto:")) for u in unsubscribe):
        problems.append(f"U1: List-Unsubscribe is {message['List-Unsubscribe']!r}")
    if message["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click":
        problems.append(f"U2: List-Unsubscribe-Post is {message['List-Unsubscribe-Post']!r}")
    if not re.fullmatch(r".+ <[\w.-]+\.[\w-]+>", str(message["List-Id"] or "")):
        problems.append(f"U7: List-Id is {message['List-Id']!r}")
    return problems
