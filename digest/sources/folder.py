"""A folder of saved articles -> Articles, with a Problem for every file that cannot be one.

Files: ``.txt``, ``.md``/``.markdown``, ``.html``/``.htm`` and saved emails (``.eml``). Metadata (title, outlet, url,
published, author) comes from YAML front matter (``---`` block at the top of a text file), or a
sidecar ``NAME.meta.yaml`` / ``NAME.meta.json`` beside the file, or the HTML or email headers; what is still
missing is inferred and listed in ``Article.inferred``. The outlet of a file that names none is its
file name, never a shared default: one outlet counts once in the consensus box, so giving five
unknown files the same outlet would fake a single source. ``include: true`` in the metadata
features an article whatever its topic score (see ``digest/sources/relevance.py``).

digest's own output folder and store file are never walked into (a note says so; ``own.py`` does
the same for other sources), and with a work cache an unchanged file's Article is taken from the
cache instead of being parsed again (``kept.py``).

A file over ``MAX_BYTES`` (2 MB) is refused with a problem: the largest seed is 4.5 KB and the
largest BBC article record in shared/data 25 KB, so a file eighty times that is a book, a log or
a dump, and would slow every later stage (shingling, sentence splitting) for no gain.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from digest.errors import SourceError
from digest.models import Article, Problem, stable_id
from digest.sources import blocks, charset, kept
from digest.sources.eml import read_eml
from digest.sources.own import is_store, note as own_note

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
EMAIL_SUFFIXES = {".eml"}
MAX_BYTES = 2 * 1024 * 1024
_SIDECARS = (".meta.yaml", ".meta.yml", ".meta.json")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same values, ~10x faster front matter
_PLAIN = re.compile('(title|outlet|url|published|date|author): "([^"\\\\\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]*)"')
_META_KEYS = {"title", "outlet", "url", "published", "date", "author", "include"}


def read_folder(root: Path, source: str = "", outlet: str = "", recursive: bool = True,
                own: Sequence[tuple[str, Path]] = (),
                cache: kept.Cache | None = None) -> tuple[list[Article], list[Problem]]:
    """Every article file under ``root``, in path order; unreadable files become Problems.

    ``own``: ("output folder" | "store", path) of digest's own files, never walked into or read
    (a note says so, as ``own.leave_out`` does). ``cache``: unchanged files' Articles are taken from it and new
    ones kept in it (``sources/kept.py``)."""
    found, notes = _walk(root, recursive, own)
    keys = kept.file_keys(found, [str(root), source, outlet])
    known = cache.get_articles(kept.KIND, [k for k in keys.values() if k]) if cache else {}
    articles, problems, new = [], list(notes), {}
    for path, sidecars in found.items():
        if keys[path] in known:
            articles.append(known[keys[path]])
            continue
        article = _read_one(Path(path), root, source, outlet, [Path(s) for s in sidecars], problems)
        if article and keys[path] and kept.plain(article):
            new[keys[path]] = article
        if article:
            articles.append(article)
    if cache and new:
        cache.put_articles(kept.KIND, new)
    return articles, problems


def _read_one(path: Path, root: Path, source: str, outlet: str, sidecars: Sequence[Path],
              problems: list[Problem]) -> Article | None:
    if not path.exists():
        problems.append(Problem(str(path), "cannot read file: a link to a file that does not exist",
                                "restore the file or remove the link"))
        return None
    if path.suffix.lower() not in TEXT_SUFFIXES | HTML_SUFFIXES | EMAIL_SUFFIXES:
        problems.append(Problem(str(path), f"skipped: unsupported file type {path.suffix or '(none)'}",
                                "use .txt, .md, .html or .eml"))
        return None
    try:
        return read_file(path, root=root, source=source, outlet=outlet, sidecars=sidecars)
    except SourceError as error:
        problems.append(Problem(error.where, error.what, error.hint))
    except Exception as error:  # noqa: BLE001 - one file a parser chokes on never stops the run
        logger.exception("%s: reading failed", path)
        problems.append(Problem(str(path), f"cannot read file: {type(error).__name__}: {str(error)[:120]}",
                                "the other files were read; please report this file"))
    return None


def _walk(root: Path, recursive: bool, own: Sequence[tuple[str, Path]]) -> tuple[dict[str, list[str]], list[Problem]]:
    """Article files under ``root`` in path order, each with the sidecar files beside it; and a
    note for each of digest's own folders and files left out, and a problem for each folder that
    cannot be listed (a configured folder that is missing, a sub-folder without permission). Directories are listed once each
    (no per-file look-ups for sidecars); links to directories are not followed. Paths are the
    strings ``str(folder / name)`` gives (a Path is made only for a file read again: 1,000 kept
    files: 11-18 -> 5-7 ms of CPU, min of 60 calls, three alternated sittings). Path order is
    each folder's entries in name order, a sub-folder's files where its name falls (``_Listing``),
    so no path is split to sort them (10,100 files: 0.11 -> 0.04 s of CPU, measured)."""
    listing = _Listing([(kind, p.resolve()) for kind, p in own], recursive)
    found: dict[str, list[str]] = {}
    stack = [iter(listing(str(root)))]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif item[1] is None:
            stack.append(iter(listing(item[0])))
        else:
            found[item[0]] = item[1]
    notes = [own_note(kind, where) for kind, where in sorted(listing.skipped)]
    return found, notes + sorted(listing.unread, key=lambda p: p.where)


class _Listing:
    """A folder's entries as (path, its sidecars) for an article file, (path, None) for a folder
    to walk, in name order; digest's own files and folders are left out (``skipped``: what
    ``own.py`` tells, as (kind, which)), and a folder that cannot be listed is a problem (``unread``)."""

    def __init__(self, own: Sequence[tuple[str, Path]], recursive: bool = True):
        self.stores = [mine for kind, mine in own if kind == "store"]
        self.outputs = [(str(mine), mine) for kind, mine in own if kind == "output folder"]
        self.recursive = recursive
        self.skipped: set[tuple[str, Path]] = set()
        self.unread: list[Problem] = []

    def __call__(self, folder: str) -> list[tuple[str, list[str] | None]]:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_name)
        except OSError as error:  # a missing source folder or an unreadable sub-folder: said, not raised
            self.unread.append(Problem(folder, f"cannot read folder: {error.strerror or error}",
                                       "check that it exists and that digest may read it"))
            return []
        metas = {e.name for e in entries if ".meta." in e.name}
        here = os.path.realpath(folder) if self.stores else ""  # only the store is told by its folder
        prefix = "" if folder == os.curdir else folder if folder.endswith(os.sep) else folder + os.sep  # _child's
        items: list[tuple[str, list[str] | None]] = []
        for entry in entries:
            name = entry.name
            if self.stores and (mine := next((m for m in self.stores if is_store(here, name, m)), None)) \
                    and not entry.is_dir():
                self.skipped.add(("store", mine))
            elif self.outputs and entry.is_dir() and (mine := self._output(prefix + name)):
                self.skipped.add(("output folder", mine))
            elif entry.is_dir(follow_symlinks=False):
                if self.recursive:
                    items.append((prefix + name, None))
            elif (entry.is_file() or entry.is_symlink()) and not name.startswith(".") and ".meta." not in name:
                items.append((prefix + name, [prefix + n for n in _sidecar_names(name) if n in metas] if metas else []))
        return items

    def _output(self, path: str) -> Path | None:
        real = os.path.realpath(path)
        return next((mine for text, mine in self.outputs if real == text), None)


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _sidecar_names(name: str) -> list[str]:
    stem = Path(name).stem
    return [n for suffix in _SIDECARS for n in (name + suffix, stem + suffix)]


def read_file(path: Path, root: Path | None = None, source: str = "", outlet: str = "",
              sidecars: Sequence[Path] | None = None) -> Article:
    """One article file -> Article; raises SourceError with what is wrong and a hint.
    ``sidecars``: the metadata files beside it, when the caller has listed its folder."""
    meta, layout = _layout(path, _read_bytes(path), _sidecar(path, sidecars))
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
        from digest.sources import html  # lxml: loaded only for a folder that holds HTML

        page = html.read_page(content, url=meta.get("url"))
        meta = {**page.meta, **meta}
        return meta, blocks.arrange(page.blocks, title=meta.get("title"))
    front, body = _front_matter(content if isinstance(content, str) else _decode(content, path), path)
    meta = {**front, **meta}
    return meta, blocks.parse(body, title=meta.get("title"))


def _article(path: Path, root: Path | None, source: str, outlet: str, meta: dict, layout: blocks.Layout) -> Article:
    relative = _relative(path, root) if root else path.name
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


def _relative(path: Path, root: Path) -> str:
    """``path.relative_to(root).as_posix()``, by the strings when ``path`` was built from ``root``
    (as the folder walk builds it: ten times faster)."""
    text, base = str(path), str(root)
    if base not in (os.sep, os.curdir) and text.startswith(base) and text[len(base):len(base) + 1] == os.sep:
        return text[len(base) + 1:].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


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
        data = _plain_front_matter(text[4:end])
        data = yaml.load(text[4:end], Loader=_LOADER) or {} if data is None else data
    except yaml.YAMLError as error:
        raise SourceError(str(path), f"front matter is not valid YAML: {getattr(error, 'problem', error)}") from None
    if not isinstance(data, dict):
        raise SourceError(str(path), "front matter must be a mapping of key: value lines")
    return _known(data), text[end + 4:].lstrip("-\n")


def _plain_front_matter(text: str) -> dict | None:
    """Front matter of ``key: "text"`` lines only (what digest's own tools write), read without
    the YAML parser: such a double-quoted scalar with no escape, no character YAML refuses and
    none it reads as a line break (NEL, U+2028/9 fold to a space) is its text. Anything else: None (the YAML parser reads it)."""
    data = {}
    for line in text.split("\n"):
        match = _PLAIN.fullmatch(line)
        if not match:
            return None
        data[match[1]] = match[2]
    return data


def _sidecar(path: Path, present: Sequence[Path] | None = None) -> dict:
    if present is not None and not present:
        return {}
    exists = (lambda p: p in present) if present is not None else Path.exists
    for suffix in _SIDECARS:
        side = path.with_name(path.name + suffix)
        if not exists(side):
            side = path.with_name(path.stem + suffix)
        if exists(side):
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
