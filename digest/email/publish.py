"""The web archive (I/O): every issue as a web page with its data as JSON, an index and an Atom feed.

``digest run`` writes ``issue.json`` beside each issue's ``digest.html`` and then refreshes the
archive folder (``archive:`` in config.yaml, or ``digest archive --out DIR``) from the store's
issue records, as static files ready to publish under ``email.archive_url``::

    <archive>/index.html              past issues, newest first (the email's "Past issues" link)
    <archive>/feed.atom               an Atom feed of the digest, one entry per issue
    <archive>/<week>/index.html       the web version of the issue ("View this issue online")
    <archive>/<week>/issue.json       the issue's data: stories, articles, themes, facts
    <archive>/<week>/sources/*.html   readable copies of sources that have no public URL

Every file goes through ``write_atomic`` (a reader never sees half a page) and depends only on the
issues, never on the clock, so an unchanged archive is rewritten byte for byte. An issue whose
files are missing or differ from the store's record is left out of the archive and named.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from digest.checkpoint import checkpoint
from digest.config import EmailSettings
from digest.errors import DeliveryError
from digest.email.archive import pages
from digest.files import write_atomic
from digest.models import Digest, Email

logger = logging.getLogger(__name__)
ISSUE_JSON = "issue.json"
ATOM = "http://www.w3.org/2005/Atom"


def issue_json(digest: Digest, email: Email) -> str:
    """The issue's data for the archive: what it says and where each article came from."""
    data = {
        "week": digest.week, "number": digest.number, "title": digest.title, "subject": email.subject,
        "preheader": email.preheader, "created": digest.created.isoformat(),
        "stories": [{"id": s.id, "title": s.title, "follow_up": s.follow_up, "articles": [
            {"id": a.id, "title": a.title, "outlet": a.outlet, "link": digest.links.get(a.id, a.url),
             "published": a.published.isoformat() if a.published else None} for a in s.articles]}
            for s in digest.stories],
        "themes": [{"name": s.theme.name, "stories": list(s.story_ids),
                    "sentences": [{"text": x.text, "article": x.article_id} for x in s.sentences]}
                   for s in digest.sections],
        "facts": [{"status": f.status, "text": f.text, "sources": len(f.origin_ids), "of": f.total,
                   "values": [{"value": v.value, "sources": len(v.origin_ids)} for v in f.values]}
                  for f in digest.facts],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Entry:
    """One issue as the archive lists it."""

    week: str
    number: int
    subject: str
    preheader: str
    created: str
    folder: Path


@dataclass(frozen=True)
class Published:
    folder: Path
    entries: tuple[Entry, ...]
    skipped: tuple[str, ...]  # "2025-W30: why it was left out"


def publish(issues: list[dict], out: Path, settings: EmailSettings) -> Published:
    """Write the archive for the store's issue records (``Store.issues()``) into ``out``."""
    entries, skipped = [], []
    for record in issues:
        entry, why = _entry(record)
        if entry is None:
            skipped.append(f"{record['week']}: {why}")
            logger.warning("archive: %s left out: %s", record["week"], why)
            continue
        _write_issue(entry, out / entry.week)
        entries.append(entry)
    checkpoint("archive")
    entries.sort(key=lambda e: e.week, reverse=True)
    index = pages(settings).get_template("archive_index.html.j2").render(entries=entries, settings=settings)
    write_atomic(out / "index.html", index)
    write_atomic(out / "feed.atom", atom_feed(entries, settings))
    return Published(out, tuple(entries), tuple(skipped))


def read_built(record: dict) -> Email:
    """The issue (an Email) as ``digest run`` wrote it to its folder, checked against the store's record
    (``Store.issue``): its subject is the record's, and files that are not the ones run wrote (torn by a
    crash or a full disk, edited or restored by hand) raise DeliveryError saying which and what to do."""
    folder, week = Path(record["folder"]), record["week"]
    rebuild = f"rebuild it with `digest run --week {week}`"
    try:
        html, text = (folder / "digest.html").read_bytes(), (folder / "digest.txt").read_bytes()
    except OSError as error:
        raise DeliveryError(f"{folder}: the issue's files cannot be read ({error.strerror or error}); {rebuild}") from None
    if not record.get("fingerprint"):
        raise DeliveryError(f"issue {week} was built by an older digest that did not record what it holds; {rebuild}")
    sums = {"digest.html": (html, record["html_sha256"]), "digest.txt": (text, record["text_sha256"])}
    changed = [name for name, (data, sha) in sums.items() if hashlib.sha256(data).hexdigest() != sha]
    email = Email(subject=record["subject"], preheader="", html=html.decode("utf-8", "replace"),
                  text=text.decode("utf-8", "replace"))
    if changed or email.fingerprint != record["fingerprint"]:
        what = f"{' and '.join(changed)} {'differs' if len(changed) == 1 else 'differ'}" if changed else \
            "its subject differs"
        raise DeliveryError(f"{folder}: {what} from the issue built on {record['created']} (a crash, a full disk or "
                            f"a hand edit); {rebuild} (corrections belong in the corrections file)")
    return email


def _entry(record: dict) -> tuple[Entry | None, str]:
    try:
        email = read_built(record)
        data = json.loads((Path(record["folder"]) / ISSUE_JSON).read_text(encoding="utf-8"))
    except DeliveryError as error:
        return None, str(error)
    except (OSError, ValueError) as error:
        return None, f"its {ISSUE_JSON} cannot be read ({error}); rebuild it with `digest run --week {record['week']}`"
    return Entry(record["week"], int(data.get("number", 0)), email.subject, data.get("preheader", ""),
                 record["created"], Path(record["folder"])), ""


def _write_issue(entry: Entry, target: Path) -> None:
    """The issue's web page, data and source copies, each rewritten only if it changed."""
    copies = {target / "index.html": entry.folder / "digest.html", target / ISSUE_JSON: entry.folder / ISSUE_JSON}
    copies |= {target / "sources" / p.name: p for p in sorted((entry.folder / "sources").glob("*.html"))}
    for path, source in copies.items():
        data = source.read_bytes()
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)


def atom_feed(entries: list[Entry], settings: EmailSettings) -> str:
    """An Atom 1.0 feed (RFC 4287) of the issues, newest first; ``updated`` is the newest issue's."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    base = settings.archive_url
    _add(feed, "title", settings.title)
    _add(feed, "id", f"{base}/")
    _add(feed, "updated", entries[0].created if entries else "1970-01-01T00:00:00+00:00")
    _add(feed, "link", href=f"{base}/feed.atom", rel="self", type="application/atom+xml")
    _add(feed, "link", href=f"{base}/", rel="alternate", type="text/html")
    author = _add(feed, "author")
    _add(author, "name", settings.from_name)
    for entry in entries:
        item = _add(feed, "entry")
        _add(item, "title", entry.subject or f"{settings.title} {entry.week}")
        _add(item, "id", f"{base}/{entry.week}/")
        _add(item, "updated", entry.created)
        _add(item, "published", entry.created)
        _add(item, "link", href=f"{base}/{entry.week}/", rel="alternate", type="text/html")
        _add(item, "summary", entry.preheader or entry.subject)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="unicode") + "\n"


def _add(parent, tag: str, text: str | None = None, **attributes):
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element
