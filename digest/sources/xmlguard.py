"""The XML entity guard: refuse a feed whose DOCTYPE could blow up or reach out, read the rest.

expat (under feedparser) expands the entities a DOCTYPE declares. What is dangerous:

- **expansion**: an entity whose text refers to other entities ("billion laughs": ten levels of
  ten references is 10^10 copies), a parameter entity (``<!ENTITY % ...>``, the building block of
  such tricks inside the DTD), or plain text entities whose references in the body would add up to
  more than ``MAX_EXPANDED`` characters (one 100 KB entity used 50 times);
- **external entities**: ``SYSTEM`` / ``PUBLIC`` (a file or URL read into the feed), an external DTD
  subset is harmless to us (expat does not fetch it) and is allowed.

Only the document's prolog is looked at (before its first element): ``<!ENTITY`` inside CDATA, a
comment or an item's text is content, not a declaration. A harmless internal entity
(``<!ENTITY copy "&#169;">``, ``<!ENTITY publisher "Example Press">``, as in feedparser's own
well-formed tests) is read. A DOCTYPE the guard cannot take apart is refused: unsure is unsafe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_EXPANDED = 1024 * 1024  # characters all entity references together may add
_PROLOG_END = re.compile(rb"<[A-Za-z_]")
_SUBSET = re.compile(rb"<!DOCTYPE\s[^\[>]*\[(.*?)\]\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(rb"""<!ENTITY\s+(%\s+)?([\w.:-]+)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|"([^"]*)"|'([^']*)')\s*>""",
                     re.IGNORECASE)
_OTHER_DECL = re.compile(rb"<!(?:ELEMENT|ATTLIST|NOTATION)\b[^>]*>|<!--.*?-->|<\?.*?\?>", re.DOTALL | re.IGNORECASE)
# a reference, or a character reference that becomes "&" or "%" when the declaration is read
_REFERENCE = re.compile(rb"&(?!#)[\w.:-]+;|%[\w.:-]+;|&#0*3[78];|&#[xX]0*2[56];", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Verdict:
    safe: bool
    reason: str = ""  # why a feed is refused, for the problem line
    entities: int = 0  # harmless internal entities declared


def check(body: bytes) -> Verdict:
    """Whether the feed ``body`` can be given to the XML parser."""
    body = _utf8(body)
    first = _PROLOG_END.search(body)
    prolog = body[: first.start()] if first else body
    if b"<!ENTITY" not in prolog.upper():
        return Verdict(True)
    subset = _SUBSET.search(prolog)
    if subset is None:
        return Verdict(False, "its DOCTYPE declares entities in a form that cannot be checked")
    declared, rest = _declarations(subset.group(1))
    if rest.strip():
        return Verdict(False, f"its DOCTYPE holds declarations that cannot be checked ({rest.strip()[:40]!r})")
    for name, (parameter, external, value) in declared.items():
        if external:
            return Verdict(False, f"entity {name} is external ({external}): it would read a file or URL")
        if parameter:
            return Verdict(False, f"parameter entity %{name} (used to build entity-expansion attacks)")
        if _REFERENCE.search(value):
            return Verdict(False, f"entity {name} refers to other entities (entity expansion)")
    expanded = sum(len(value) * body.count(b"&" + name.encode() + b";") for name, (_, _, value) in declared.items())
    if expanded > MAX_EXPANDED:
        return Verdict(False, f"its entities would add {expanded // 1024:,} KB of text (entity expansion)")
    return Verdict(True, entities=len(declared))


def _declarations(subset: bytes) -> tuple[dict[str, tuple[bool, str, bytes]], bytes]:
    """name -> (parameter?, "SYSTEM"/"PUBLIC"/"", value) and what is left that is no declaration."""
    declared = {}
    for match in _ENTITY.finditer(subset):
        parameter, name, external, double, single = match.groups()
        declared[name.decode("utf-8", "replace")] = (bool(parameter), (external or b"").decode().upper(),
                                                    double if double is not None else single or b"")
    rest = _OTHER_DECL.sub(b"", _ENTITY.sub(b"", subset))
    return declared, rest


def _utf8(body: bytes) -> bytes:
    """A UTF-16 or UTF-32 feed (NUL bytes in its start) as UTF-8, so its DOCTYPE can be read."""
    if b"\x00" not in body[:256]:
        return body
    for codec in ("utf-32", "utf-16"):
        try:
            return body.decode(codec).encode("utf-8")
        except UnicodeDecodeError:
            continue
    return body
