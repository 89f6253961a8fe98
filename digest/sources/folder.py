"""A folder of saved articles -> Articles, with a Problem for every file that cannot be one.

Files: ``.txt``, ``.md``/``.markdown``, ``.html``/``.htm`` and saved emails (``.eml``). Metadata (title, outlet, url,
published, author) comes from YAML front matter (``---`` block at the top of a text file), or a
sidecar ``NAME.meta.yaml`` / ``NAME.meta.json`` beside the file, or the HTML or email headers; what is still
missing is inferred and listed in ``Article.inferred``. The outlet of a file that names none is its
file name, never a shared default: one outlet counts once in the consensus box, so giving five
unknown files the same outlet would fake a single source. ``include: true`` in the metadata
features an article whatever its topic score (see ``digest/sources/relevance.py``).

A file over ``MAX_BYTES`` (2 MB) is refused with a problem: the largest seed is 4.5 KB and the
largest BBC article record in shared/data 25 KB, so a file eighty times that is a book, a log or
a dump, and would slow every later stage (shingling, sentence splitting) for no gain.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from digest.errors import SourceError
from digest.models import Article, Problem, stable_id
from digest.sources import blocks, charset, html
from digest.sources.eml import read_eml

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
EMAIL_SUFFIXES = {".eml"}
MAX_BYTES = 2 * 1024 * 1024
_META_KEYS = {"title", "outlet", "url", "published", "date", "author", "include"}


def read_folder(root: Path, source: str = "", outlet: str = "", recursive: bool = True) -> tuple[list[Article], list[Problem]]:
    """Every article file under ``root``, in path order; unreadable files become Problems."""
    articles, problems = [], []
    pattern = "**/*" if recursive else "*"
    for path in sorted(p for p in root.glob(pattern) if (p.is_file() or p.is_symlink()) and not p.name.startswith(".")):
        if ".meta." in path.name:
            continue
        if not path.exists():
            problems.append(Problem(str(path), "cannot read file: a link to a file that does not exist",
                                    "restore the file or remove the link"))
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES | HTML_SUFFIXES | EMAIL_SUFFIXES:
            problems.append(Problem(str(path), f"skipped: unsupported file type {path.suffix or '(none)'}",
                                    "use .txt, .md, .html or .eml"))
            continue
        try:
            articles.append(read_file(path, root=root, source=source, outlet=outlet))
        except SourceError as error:
            problems.append(Problem(error.where, error.what, error.hint))
        except Exception as error:  # noqa: BLE001 - one file a parser chokes on never stops the run
            logger.exception("%s: reading failed", path)
            problems.append(Problem(str(path), f"cannot read file: {type(error).__name__}: {str(error)[:120]}",
                                    "the other files were read; please report this file"))
    return articles, problems


def read_file(path: Path, root: Path | None = None, source: str = "", outlet: str = "") -> Article:
    """One article file -> Article; raises SourceError with what is wrong and a hint."""
    meta, layout = _layout(path, _read_bytes(path), _sidecar(path))
    if not any(b.kind in ("paragraph", "bullet") for b in layout.blocks):
        raise SourceError(str(path), "no article text found", "is the file empty or only headings?")
    return _article(path, root, source, outlet, meta, layout)


def _layout(path: Path, raw: bytes, meta: dict) -> tuple[dict, blocks.Layout]:
    """The file's metadata (what the file says, under the sidecar's) and its laid-out text."""
    content: bytes | str = raw
    is_html = path.suffix.lower() in HTML_SUFFIXES
    if path.suffix.lower() in EMAIL_SUFFIXES:
        headers, content, is_html = read_eml(raw, str(path))
        meta = {**headers, **meta}
    if is_html:
        page = html.read_page(content, url=meta.get("url"))
        meta = {**page.meta, **meta}
        return meta, blocks.arrange(page.blocks, title=meta.get("title"))
    front, body = _front_matter(content if isinstance(content, str) else _decode(content, path), path)
    meta = {**front, **meta}
    return meta, blocks.parse(body, title=meta.get("title"))


def _article(path: Path, root: Path | None, source: str, outlet: str, meta: dict, layout: blocks.Layout) -> Article:
    relative = path.relative_to(root).as_posix() if root else path.name
    url = meta.get("url") or None
    inferred = ["title"] if layout.title_inferred else []
    name = meta.get("outlet") or ""
    if not name:
        name = outlet or (urlsplit(url).hostname or "").removeprefix("www.") or path.name
        inferred.append("outlet")
    published = _date(meta.get("published") or meta.get("date"), path)
    return Article(
        id=stable_id(url) if url else stable_id("file", source, relative),
        location=str(path),
        title=layout.title,
        outlet=str(name),
        blocks=layout.blocks,
        url=url,
        published=published,
        author=meta.get("author"),
        source=source,
        dropped=layout.dropped,
        inferred=tuple(inferred) + (() if published else ("published",)),
        pinned=meta.get("include") is True,  # "include: true": featured whatever its topic score
    )


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(str(path), f"file is {size // 1024} KB, over the {MAX_BYTES // 1024 // 1024} MB limit",
                              "split it or remove it from the folder")
        raw = path.read_bytes()
    except PermissionError:
        raise SourceError(str(path), "cannot read file: permission denied", "check the file's permissions") from None
    except OSError as error:
        raise SourceError(str(path), f"cannot read file: {error.strerror or error}") from None
    if not raw.strip():
        raise SourceError(str(path), "empty file", "remove it or add the article text")
    if b"\x00" in raw[:8192]:
        raise SourceError(str(path), "binary file, not an article", "only text, Markdown and HTML are read")
    return raw


def _decode(raw: bytes, path: Path) -> str:
    """A text or Markdown file: byte order mark, UTF-8, else the detector's guess (``charset``)."""
    decoded = charset.decode(raw, markup=False)
    if decoded.by not in ("UTF-8", "byte order mark"):
        logger.info("%s: not UTF-8, read as %s (%s)", path, decoded.encoding, decoded.by)
    return decoded.text


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    try:
        data = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as error:
        raise SourceError(str(path), f"front matter is not valid YAML: {getattr(error, 'problem', error)}") from None
    if not isinstance(data, dict):
        raise SourceError(str(path), "front matter must be a mapping of key: value lines")
    return _known(data), text[end + 4:].lstrip("-\n")


def _sidecar(path: Path) -> dict:
    for suffix in (".meta.yaml", ".meta.yml", ".meta.json"):
        side = path.with_name(path.name + suffix)
        if not side.exists():
            side = path.with_name(path.stem + suffix)
        if side.exists():
            try:
                text = side.read_text(encoding="utf-8")
                data = json.loads(text) if suffix == ".meta.json" else yaml.safe_load(text)
            except (OSError, ValueError, yaml.YAMLError) as error:
                raise SourceError(str(side), f"cannot read metadata: {error}") from None
            if not isinstance(data, dict):
                raise SourceError(str(side), "metadata must be a mapping of key: value lines")
            return _known(data)
    return {}


def _known(data: dict) -> dict:
    return {k: v for k, v in data.items() if k in _META_KEYS and v not in (None, "")}


def _date(value: object, path: Path) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise SourceError(str(path), f"published date {value!r} is not an ISO date",
                              "write it as 2025-07-17 or 2025-07-17T09:00:00+00:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
