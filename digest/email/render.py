"""Digest -> Email: the HTML part through Jinja2 + MJML, the plain-text part from the same view.

``digest.view`` computes every word and number; the templates only loop and branch. Two Jinja2
environments share one loader: the MJML one escapes (``autoescape=True``: feed text is untrusted
and ``select_autoescape`` does not cover ``.mjml``), the text one must not, or ``&`` would reach
text/plain as ``&amp;``. Templates in ``email.templates`` override the defaults by file name.

Size (EMAIL.md S1, S4): Gmail clips HTML past about 102 KB and takes the footer (with the
unsubscribe link) with it, so an issue at or over 102 * 1024 bytes is refused; above 90,000
bytes the editor is warned. Either way the message says what to cut: the largest sections by
bytes, and how much of the HTML is link URLs (long tracking parameters are the usual culprit).
Measured: the five seed articles 26 KB, a typical issue 20 KB; 25 stories (100 articles) with
120-character titles and 230-character tracking URLs 78.5 KB (``tests/issues.py::worst_case``).
All themes share one mj-section: a section per theme cost ~1.4 KB each of MJML scaffolding.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import jinja2
from mjml import mjml2html

from digest.config import EmailSettings
from digest.errors import RenderError
from digest.models import Digest, Email
from digest.email import wrap
from digest.email.view import IssueView, build_view

logger = logging.getLogger(__name__)

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HTML_TEMPLATE = "digest.mjml.j2"
TEXT_TEMPLATE = "digest.txt.j2"
CLIP_BYTES = 102 * 1024
WARN_BYTES = 90_000

_MJML_TAG = re.compile(r"</?mj-")
_HREF = re.compile(r'href="([^"]*)"')
_TAG = re.compile(r"<[^>]*>")

class TooBig(RenderError):
    """The HTML would pass Gmail's clip (the pipeline then features fewer stories)."""


Budget = NamedTuple("Budget", [("size", int), ("level", str), ("message", str)])  # level: ok, warn, clip


def render(digest: Digest, settings: EmailSettings, template_dirs: Sequence[Path] = ()) -> Email:
    """Render one issue; raise RenderError when a template or MJML fails or the HTML is too big."""
    view = build_view(digest, settings)
    folders = _folders(template_dirs, settings)
    html = _compile(_render_template(folders, HTML_TEMPLATE, view, escape=True))
    budget = check_size(html)
    if budget.level == "clip":
        raise TooBig(budget.message)
    if budget.level == "warn":
        logger.warning("%s", budget.message)
    text = _render_template(folders, TEXT_TEMPLATE, view, escape=False)
    return Email(subject=view.subject, preheader=view.preheader, html=html, text=text)


def render_mjml(digest: Digest, settings: EmailSettings, template_dirs: Sequence[Path] = ()) -> str:
    """The MJML source before compiling (what T1 inspects and ``mjml --validate`` can lint)."""
    return _render_template(_folders(template_dirs, settings), HTML_TEMPLATE, build_view(digest, settings), escape=True)


def check_size(html: str) -> Budget:
    """How the HTML stands against Gmail's clipping, with what to cut when it is close or over."""
    size = len(html.encode("utf-8"))
    if size < WARN_BYTES:
        return Budget(size, "ok", f"the HTML is {size:,} bytes")
    over = size >= CLIP_BYTES
    head = (f"the HTML is {size:,} bytes; Gmail clips at about {CLIP_BYTES:,} and hides the footer with the "
            f"unsubscribe link: cut at least {size - CLIP_BYTES + 1:,} bytes" if over else
            f"the HTML is {size:,} bytes, close to Gmail's clipping at about {CLIP_BYTES:,} (aim under {WARN_BYTES:,})")
    parts = ", ".join(f"{name!r} {part / 1024:.1f} KB" for name, part in _largest_parts(html))
    urls = sum(len(u.encode("utf-8")) for u in _HREF.findall(html))
    advice = (f"largest parts: {parts}; link URLs take {urls / 1024:.1f} KB (shorter tracking parameters save "
              "the most); else fewer stories in the largest sections (summary.max_sentences, fewer themes)")
    return Budget(size, "clip" if over else "warn", f"{head}. {advice}")


def _largest_parts(html: str, count: int = 3) -> list[tuple[str, int]]:
    """Bytes from each <h2> to the next (the header before the first), largest first."""
    starts = [(m.start(), _text(m.group(1))) for m in re.finditer(r"<h2\b[^>]*>(.*?)</h2>", html, re.S)]
    bounds = [(0, "header"), *starts, (len(html), "")]
    sizes = [(name, len(html[a:b].encode("utf-8"))) for (a, name), (b, _) in zip(bounds, bounds[1:])]
    return sorted(sizes, key=lambda pair: -pair[1])[:count]


def _text(markup: str) -> str:
    """A heading's words: tags dropped, entities decoded (no HTML parser to load for one message;
    ``html`` and its 2,000 entities load only for an issue this close to the clip)."""
    from html import unescape

    return " ".join(unescape(_TAG.sub(" ", markup)).split())


def template_loader(template_dirs: Sequence[Path]) -> jinja2.BaseLoader:
    """User folders first, so a file there overrides the default of the same name."""
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder)) for folder in [*template_dirs, DEFAULT_TEMPLATES]])


def _folders(template_dirs: Sequence[Path], settings: EmailSettings) -> tuple[Path, ...]:
    return (*template_dirs, *filter(None, [settings.templates]))


class _Bytecode(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates, kept between runs (a run otherwise compiles its
    five templates again: ~70 ms of CPU, measured). Each entry is keyed by the template's name and
    file and holds a hash of its source: an edited template is compiled again, whatever its
    modification time. Jinja's key leaves out the environment, yet its options are compiled in
    (escaping, trim_blocks, ...): they and Jinja's version are added to the name, so another
    environment or a digest or Jinja with other ones never runs this code. An entry that cannot be
    read or written is skipped, never an error."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        return super().get_bucket(environment, f"{compiled_with(environment)}|{name}", filename, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - torn or foreign (pickle, marshal, I/O errors): compile as before
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a full or read-only temp folder costs time, never the run
            pass


_COMPILED_IN = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
                "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "autoescape",
                "optimized", "is_async", "finalize")


def compiled_with(environment: jinja2.Environment) -> str:
    """A hash of what shapes ``environment``'s compiled code besides the source: Jinja's version,
    the options above and the extensions."""
    shaping = [jinja2.__version__, *(repr(getattr(environment, name)) for name in _COMPILED_IN),
               sorted(environment.extensions)]
    return hashlib.sha256(repr(shaping).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The compiled-template cache in Jinja's default place (``_jinja2-cache-<uid>`` in the temp
    folder, the user's own, mode 0700); None when there is no safe one."""
    try:
        return _Bytecode()
    except (OSError, RuntimeError):
        return None


@functools.lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...], escape: bool, contents: str) -> jinja2.Environment:
    """One environment per template folders, escaping and the folders' ``contents`` (a hash), so
    its compiled templates serve every render of a process (a run renders up to three times while
    fitting, the desk at every build) and an edited template is compiled again (the archive's pages too). Not Jinja's
    auto_reload: it compares modification times, which two saves within a few milliseconds share.
    Compiled code is also kept between processes (``bytecode_cache``)."""
    environment = jinja2.Environment(
        loader=template_loader(folders),
        autoescape=escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=bytecode_cache(),
    )
    environment.filters["wordwrap"] = wrap.wordwrap  # Jinja's, the same text faster (email/wrap.py)
    return environment


def template_contents(folders: tuple[Path, ...]) -> str:
    """A hash of every file in the template folders (a few small files)."""
    found = hashlib.sha256()
    for folder in (*folders, DEFAULT_TEMPLATES):
        for path in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else ():
            if path.is_file():
                found.update(f"{path}\0{path.stat().st_size}\0".encode() + path.read_bytes())
    return found.hexdigest()


def _render_template(folders: tuple[Path, ...], name: str, view: IssueView, escape: bool) -> str:
    env = _environment(folders, escape, template_contents(folders))
    try:
        return env.get_template(name).render(issue=view)
    except jinja2.TemplateError as error:
        where = getattr(error, "filename", None) or name
        line = getattr(error, "lineno", None)
        raise RenderError(f"template {where}{f':{line}' if line else ''}: {error}") from error


def _compile(mjml: str) -> str:
    try:
        html = mjml2html(mjml, disable_comments=True, fonts={})
    except Exception as error:  # mjml-python raises bare ValueError with the parser's message
        raise RenderError(f"{HTML_TEMPLATE}: MJML could not be compiled: {error}") from error
    leftover = _MJML_TAG.search(html)
    if leftover:
        snippet = html[leftover.start() : leftover.start() + 40]
        raise RenderError(f"{HTML_TEMPLATE}: unknown MJML tag left in the output: {snippet!r} (check its spelling)")
    return html
