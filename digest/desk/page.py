"""The desk's pages (Jinja2, autoescaped: every string from a feed is text, never markup).

``desk_page`` is the week being edited: the facts about the message (subject, preheader, size
against Gmail's clip, read time, approval), the preview, the corrections made and the why panel.
``past_page`` is an issue from the store as it was built, with its notes.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import jinja2

from digest.desk import why
from digest.desk.state import Desk
from digest.email.render import CLIP_BYTES, WARN_BYTES
from digest.models import Email

WORDS_PER_MINUTE = 238
TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def facts(email: Email) -> dict:
    """Subject, preheader, size against Gmail's clip and read time of a rendered issue."""
    size = len(email.html.encode("utf-8"))
    level = "clip" if size >= CLIP_BYTES else "warn" if size >= WARN_BYTES else "ok"
    minutes = re.search(r"(\d+) min read", email.text)
    words = len(email.text.split())
    read = int(minutes.group(1)) if minutes else max(1, math.ceil(words / WORDS_PER_MINUTE))
    return {"subject": email.subject, "preheader": email.preheader, "size": size, "clip": CLIP_BYTES,
            "percent": round(100 * size / CLIP_BYTES), "level": level, "minutes": read, "words": words}


def desk_page(desk: Desk, token: str) -> str:
    result, week = desk.result, desk.week
    digest = result.digest if result else None
    context = {
        "desk": desk, "token": token, "week": week, "error": desk.error, "notice": desk.notice,
        "version": desk.version, "issue": facts(result.email) if result else None,
        "fingerprint": result.email.fingerprint if result else "", "approval": desk.approval(week),
        "corrections": desk.corrections(), "themes": [t.name for t in desk.config.theme_list],
        "past": [i for i in desk.issues() if i["week"] != week], "digest": digest,
        "sources": why.sources(result.reports, digest) if digest else (),
        "off_topic": why.off_topic(digest) if digest else (), "stories": why.stories(digest) if digest else (),
        "merges": why.merges(digest) if digest else (), "sections": why.themes(digest) if digest else (),
        "facts": why.facts(digest) if digest else (), "policy": desk.config.schedule.send_policy,
        "editor": desk.config.email.editor_address,
    }
    return _env().get_template("desk.html.j2").render(**context)


def past_page(desk: Desk, week: str) -> str:
    email = desk.stored_email(week)
    record = next(i for i in desk.issues() if i["week"] == week)
    notes = Path(record["folder"]) / "notes.txt"
    text = notes.read_text(encoding="utf-8") if notes.is_file() else "(no notes.txt)"
    return _env().get_template("past.html.j2").render(week=week, issue=facts(email), record=record, notes=text,
                                                      approval=desk.approval(week), version=desk.version)
