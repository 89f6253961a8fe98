"""config.yaml -> Config: the only place that reads YAML.

Defaults live in the pydantic models and nowhere else. Every model forbids unknown keys, so a typo
is an error, not a silently ignored setting. ``load`` turns every problem into one line with its
YAML path and a hint, e.g. ``config.yaml: dedup.treshold: unknown key (did you mean threshold?)``,
and raises ``ConfigError`` carrying all of them at once. Relative paths resolve against the config
file's folder, so a config works from any current directory.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from digest.errors import ConfigError
from digest.models import Theme


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FolderSource(_Model):
    path: Path
    name: str = ""
    outlet: str = ""  # used when an article names none
    recursive: bool = True


class FeedSource(_Model):
    url: str  # http(s) URL or a file path
    name: str = ""
    outlet: str = ""


class Sources(_Model):
    folders: list[FolderSource] = Field(default_factory=list)
    feeds: list[FeedSource] = Field(default_factory=list)


class ThemeConfig(_Model):
    name: str
    slug: str = ""
    description: str = ""
    phrases: list[str] = Field(default_factory=list)

    def to_theme(self) -> Theme:
        slug = self.slug or "-".join("".join(c if c.isalnum() else " " for c in self.name.lower()).split())
        return Theme(slug=slug, name=self.name, description=self.description, phrases=tuple(self.phrases))


class DedupSettings(_Model):
    """Thresholds for copies and stories; digest/copies.py and digest/dedup.py explain each figure."""

    shingle_words: int = Field(5, ge=1, le=20)
    num_perm: int = Field(128, ge=16, le=1024)
    lsh_threshold: float = Field(0.1, gt=0, le=1)
    copy_resemblance: float = Field(0.7, gt=0, le=1)
    copy_containment: float = Field(0.8, gt=0, le=1)
    copy_min_shingles: int = Field(20, ge=1)
    outlet_containment: float = Field(0.7, gt=0, le=1)
    wire_containment: float = Field(0.5, gt=0, le=1)
    boilerplate_articles: int = Field(5, ge=2)
    story_similarity: float = Field(0.18, gt=0, le=1)
    story_cohesion: float = Field(0.2, ge=0, le=1)
    story_lead_words: int = Field(0, ge=0)
    story_days: int = Field(7, ge=0)


class SummarySettings(_Model):
    algorithm: Literal["lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "edmundson"] = "lexrank"
    words_per_theme: int = Field(110, ge=20, le=1000)
    max_sentences: int = Field(4, ge=1, le=20)
    max_candidates: int = Field(200, ge=10, le=5000)  # LexRank is quadratic: bound its input
    redundancy: float = Field(0.5, gt=0, le=1)  # word-overlap above which two sentences repeat


class ConsensusSettings(_Model):
    min_origins: int = Field(2, ge=2)
    max_facts: int = Field(8, ge=1, le=50)


class EmailSettings(_Model):
    title: str = "AI in Entertainment Weekly"
    from_address: str = "digest@news.example.com"
    from_name: str = "AI in Entertainment Weekly"
    to_address: str = "subscribers@news.example.com"
    postal_address: str = "Digest Newsletter, 123 Example Street, Springfield, USA"
    archive_url: str = "https://news.example.com/archive"
    unsubscribe_url: str = "https://news.example.com/unsubscribe"
    language: str = "en"

    @field_validator("archive_url", "unsubscribe_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL")
        return value.rstrip("/")

    @field_validator("from_address", "to_address")
    @classmethod
    def _address(cls, value: str) -> str:
        local, at, domain = value.partition("@")
        if not (local and at and "." in domain) or " " in value:
            raise ValueError(f"{value!r} is not an email address")
        return value


class Config(_Model):
    sources: Sources = Field(default_factory=Sources)
    themes: list[ThemeConfig] = Field(default_factory=list)
    dedup: DedupSettings = Field(default_factory=DedupSettings)
    summary: SummarySettings = Field(default_factory=SummarySettings)
    consensus: ConsensusSettings = Field(default_factory=ConsensusSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    window_days: int = Field(7, ge=1, le=366)
    output: Path = Path("out")
    store: Path = Path("digest.sqlite")

    @property
    def theme_list(self) -> tuple[Theme, ...]:
        return tuple(t.to_theme() for t in self.themes)


def load(path: Path | str) -> Config:
    """Read and validate a config file; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found (pass --config FILE)"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{path}: cannot read: {error}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError([f"{where}: not valid YAML: {getattr(error, 'problem', error)}"]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([f"{path}: expected a mapping of settings at the top level"])
    problems = _missing_folders(raw, path)
    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_describe(path, e) for e in error.errors()] + problems) from None
    if problems:
        raise ConfigError(problems)
    return _resolve(config, path.parent)


def _describe(path: Path, error: dict) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        key = str(error["loc"][-1])
        known = _known_keys(error["loc"][:-1])
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else (f" (known: {', '.join(sorted(known))})" if known else "")
        return f"{path}: {loc}: unknown key{hint}"
    if error["type"] == "missing":
        return f"{path}: {loc}: required key is missing"
    got = error.get("input")
    shown = f" (got {got!r})" if got is not None and not isinstance(got, (dict, list)) else ""
    message = error["msg"].removeprefix("Value error, ")
    return f"{path}: {loc}: {message}{shown}"


def _known_keys(loc: tuple) -> list[str]:
    model: type[BaseModel] | None = Config
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        args = getattr(annotation, "__args__", ()) or (annotation,)
        model = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return list(model.model_fields) if model else []


def _resolve(config: Config, base: Path) -> Config:
    def absolute(p: Path) -> Path:
        return p if p.is_absolute() else (base / p).resolve()

    folders = [f.model_copy(update={"path": absolute(f.path)}) for f in config.sources.folders]
    feeds = [
        f if "://" in f.url else f.model_copy(update={"url": str(absolute(Path(f.url)))})
        for f in config.sources.feeds
    ]
    sources = config.sources.model_copy(update={"folders": folders, "feeds": feeds})
    return config.model_copy(
        update={"sources": sources, "output": absolute(config.output), "store": absolute(config.store)}
    )


def _missing_folders(raw: dict, path: Path) -> list[str]:
    """Folders that do not exist, checked on the raw YAML so they are reported with type errors."""
    sources = raw.get("sources")
    folders = sources.get("folders") if isinstance(sources, dict) else None
    problems = []
    for i, folder in enumerate(folders if isinstance(folders, list) else []):
        where = folder.get("path") if isinstance(folder, dict) else None
        if isinstance(where, str) and not (path.parent / where).is_dir():
            problems.append(f"{path}: sources.folders.{i}.path: folder not found: {path.parent / where}"
                            " (create it or fix the path; relative paths start at the config file's folder)")
    return problems
