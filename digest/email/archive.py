"""Readable copies of source articles that have no public URL, for the issue's web archive.

Every summary sentence links to its source. A saved file has no URL a subscriber could open, so the
issue folder gets ``sources/<article id>.html``, published with the issue under the archive URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from digest.config import EmailSettings
from digest.files import write_atomic
from digest.models import Article
from digest.email.render import DEFAULT_TEMPLATES

def write_source_pages(folder: Path, articles: Sequence[Article], settings: EmailSettings) -> list[Path]:
    if not articles:
        return []
    environment = Environment(loader=FileSystemLoader(DEFAULT_TEMPLATES), autoescape=True, undefined=StrictUndefined)
    template = environment.get_template("source.html.j2")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        path = folder / f"{article.id}.html"
        write_atomic(path, template.render(article=article, settings=settings))
        written.append(path)
    return written
