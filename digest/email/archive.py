"""Pages of the issue's web archive, published with the issue under the archive URL.

- Readable copies of source articles that have no public URL: every summary sentence links to
  its source, and a saved file has no URL a subscriber could open, so the issue folder gets
  ``sources/<article id>.html``.
- ``more.html``: the week's stories the email does not feature (stories/select.py), each with
  its title and outlets, linked from the email's "N more stories this week".

The pages use render's loader, so a file of the same name in ``email.templates`` overrides the
default, as for the email; one environment per templates folder and its contents serves every
page (an edited template is compiled again, as render's are, so the desk sees an edit).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, StrictUndefined

from digest.config import EmailSettings
from digest.email.render import bytecode_cache, template_contents, template_loader
from digest.email.view import public_url
from digest.files import write_atomic
from digest.models import Article, Digest


# What more.html's template sees (named tuples, not dicts: Jinja tries an attribute before a key,
# so each ``story.title`` of a dict raised and caught an AttributeError; 235 stories rendered in
# half the time without them).
MoreLink = NamedTuple("MoreLink", [("text", str), ("url", str | None)])
MoreStory = NamedTuple("MoreStory", [("title", str), ("sources", int), ("links", tuple[MoreLink, ...])])


def pages(settings: EmailSettings) -> Environment:
    """The Jinja environment of the archive's pages: ``email.templates`` first, then the defaults."""
    folders = tuple(filter(None, [settings.templates]))
    return _pages(folders, template_contents(folders))


@lru_cache(maxsize=8)
def _pages(folders: tuple[Path, ...], contents: str) -> Environment:
    """``contents``: the folders' hash (render.template_contents), so an edited file is read again."""
    return Environment(loader=template_loader(folders), autoescape=True, undefined=StrictUndefined, auto_reload=False,
                       bytecode_cache=bytecode_cache())


def write_more_page(path: Path, digest: Digest, settings: EmailSettings) -> Path | None:
    """The stories not featured, most important first; nothing when every story is in the email."""
    if not digest.more:
        return None
    stories = [MoreStory(s.title or "Untitled story", len(s.origins),
                         tuple(MoreLink(o.lead.outlet or o.lead.title, public_url(o.lead.url)) for o in s.origins))
               for s in digest.more]
    html = pages(settings).get_template("more.html.j2").render(stories=stories, week=digest.week, settings=settings)
    write_atomic(path, html)
    return path


def write_source_pages(folder: Path, articles: Sequence[Article], settings: EmailSettings) -> list[Path]:
    if not articles:
        return []
    template = pages(settings).get_template("source.html.j2")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        path = folder / f"{article.id}.html"
        write_atomic(path, template.render(article=article, settings=settings))
        written.append(path)
    return written
