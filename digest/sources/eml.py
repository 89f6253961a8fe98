"""A saved email (``.eml``, e.g. a newsletter kept from an inbox) -> metadata and body text.

Subject is the title, the sender's display name the outlet, Date the publication date. The body is
the text/plain part when there is one, else the text/html part (read like any saved page).

The standard library's email parser is imported when the first message is read: a run whose
folders hold no new ``.eml`` file never loads it (``email.parser`` and ``email.feedparser``: ~1.5 ms
of CPU at a re-run's start, where nothing else loads them; ``email.policy`` is ``mail.deliver``'s too).
"""

from __future__ import annotations

from digest.errors import SourceError


def read_eml(raw: bytes, where: str) -> tuple[dict, str, bool]:
    """(metadata, body, body_is_html) of one message; raises SourceError if it has no text."""
    from email import policy
    from email.parser import BytesParser
    from email.utils import parseaddr, parsedate_to_datetime

    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not message.keys():
        raise SourceError(where, "not an email message (no headers)", "save the message as .eml from your mail client")
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise SourceError(where, "email has no text or HTML part", "only text and HTML messages are read")
    try:
        body = part.get_content()
    except (LookupError, UnicodeError) as error:
        raise SourceError(where, f"cannot decode the email body: {error}") from None
    meta = {"title": str(message.get("subject") or "").strip(), "author": None}
    name, address = parseaddr(str(message.get("from") or ""))
    meta["outlet"] = name or address.partition("@")[2]
    try:
        meta["published"] = parsedate_to_datetime(str(message["date"])) if message["date"] else None
    except (TypeError, ValueError):
        meta["published"] = None
    return {k: v for k, v in meta.items() if v}, body, part.get_content_type() == "text/html"
