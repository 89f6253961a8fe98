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
from digest.weeks import week_window
from digest.email.style import StyleSettings
from digest.models import Theme


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def as_json(value: object) -> object:
    """A settings model (or a list of them) as ``model_dump(mode="json")`` gives it, for the keys
    of kept work, without pydantic's serializer: the models are built lazily (``defer_build``) and
    ``load`` builds only Config's, so a part's first ``model_dump`` built its own, ~4-17 ms of a
    re-run for each part dumped. Knows models, lists, paths and JSON scalars, which is all the
    settings hold (tests/test_config.py compares it with ``model_dump`` on every part)."""
    if isinstance(value, BaseModel):
        return {name: as_json(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"{type(value).__name__} in the settings: as_json knows models, lists, paths and JSON scalars")


class FolderSource(_Model):
    path: Path
    name: str = ""
    outlet: str = ""  # used when an article names none
    recursive: bool = True


class FeedSource(_Model):
    url: str  # http(s) URL or a file path
    name: str = ""
    outlet: str = ""


class FetchSettings(_Model):
    """How feeds and article pages are fetched (see ``digest.sources.fetch`` for the figures)."""

    timeout_seconds: float = Field(15.0, gt=0, le=300)
    concurrency: int = Field(6, ge=1, le=64)  # feeds fetched at once
    max_redirects: int = Field(5, ge=0, le=20)
    retries: int = Field(2, ge=0, le=10)  # extra attempts after a 5xx or a timeout
    backoff_seconds: float = Field(1.0, ge=0, le=60)  # wait before retry n: backoff * 2**(n-1)
    max_bytes: int = Field(5 * 1024 * 1024, ge=1024)  # every body, feed or page
    user_agent: str = "digest/0.1 (weekly newsletter builder; +https://news.example.com/about)"
    teaser_words: int = Field(150, ge=0, le=2000)  # an item with less text is fetched from its page; 0: never


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
    """Thresholds for copies and stories; digest/stories/copies.py and digest/stories/dedup.py explain each figure."""

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
    algorithm: Literal["lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "edmundson"] = "textrank"
    words_per_theme: int = Field(110, ge=20, le=1000)
    max_sentences: int = Field(4, ge=1, le=20)
    max_candidates: int = Field(200, ge=10, le=5000)  # LexRank is quadratic: bound its input
    redundancy: float = Field(0.5, gt=0, le=1)  # word-overlap above which two sentences repeat
    max_themes: int = Field(6, ge=1, le=30)  # sections per issue: configured themes first, then discovered
    max_stories_per_theme: int = Field(5, ge=1, le=100)  # stories one theme summary may quote
    max_stories: int = Field(12, ge=1, le=200)  # stories featured in the email (stories/select.py); the rest listed
    discover_themes: bool = True  # a theme, labelled from key terms, for stories no configured theme fits


class ConsensusSettings(_Model):
    min_origins: int = Field(2, ge=2)
    max_facts: int = Field(10, ge=1, le=50)
    paraphrase: bool = True  # pair statements by meaning too (facts/paraphrase.py: WordLlama embeddings)
    paraphrase_model: Path | None = None  # the model folder; default: the installed wordllama package's (facts/paraphrase.py)


class SmtpSettings(_Model):
    """The relay that sends the issue. TLS always: STARTTLS (port 587) or implicit TLS (465)."""

    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl"] = "starttls"
    username_env: str = "DIGEST_SMTP_USERNAME"  # names of environment variables, never the secrets
    password_env: str = "DIGEST_SMTP_PASSWORD"
    ca_file: Path | None = None  # extra certificate to trust (a self-hosted relay's own)
    timeout: float = Field(30, gt=0)  # seconds for a whole message's conversation (connect to reply), not per read
    rate_per_minute: int = Field(60, ge=1, le=100_000)
    retries: int = Field(3, ge=0, le=20)
    retry_delay: float = Field(5.0, ge=0)  # seconds before the first retry; doubled for each next one


class UnsubscribeSettings(_Model):
    """`digest serve-unsubscribe`: loopback by default, put it behind the HTTPS unsubscribe_url."""

    secret_env: str = "DIGEST_UNSUBSCRIBE_SECRET"
    host: str = "127.0.0.1"
    port: int = Field(8058, ge=0, le=65535)
    idle_seconds: float = Field(10.0, gt=0, le=300)  # a connection with no request in progress is closed after this
    max_connections: int = Field(4096, ge=1)  # open connections at once; beyond, new requests get 503
    write_patience: float = Field(120.0, gt=0)  # how long a POST waits for a busy store before answering 503


class EmailSettings(_Model):
    title: str = "AI in Entertainment Weekly"
    from_address: str = "digest@news.example.com"
    from_name: str = "AI in Entertainment Weekly"
    to_address: str = "subscribers@news.example.com"
    postal_address: str = "Digest Newsletter, 123 Example Street, Springfield, USA"
    archive_url: str = "https://news.example.com/archive"
    unsubscribe_url: str = "https://news.example.com/unsubscribe"
    preferences_url: str = "https://news.example.com/preferences"
    language: str = "en"
    first_issue: str = "2025-W29"  # the ISO week of issue 1; later issues are numbered by week
    templates: Path | None = None  # a folder whose files override the default templates by name
    subscribers: Path | None = None  # a CSV or YAML list, merged into the store before each send
    editor_address: str = ""  # the editor's own address: the desk's test send goes here only
    style: StyleSettings = Field(default_factory=StyleSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    unsubscribe: UnsubscribeSettings = Field(default_factory=UnsubscribeSettings)

    @field_validator("first_issue")
    @classmethod
    def _week(cls, value: str) -> str:
        try:
            week_window(value)
        except ValueError:
            raise ValueError("must be an ISO week that exists, like 2025-W29") from None
        return value

    @field_validator("archive_url", "unsubscribe_url", "preferences_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL")
        return value.rstrip("/")

    @field_validator("from_address", "to_address", "editor_address")
    @classmethod
    def _address(cls, value: str, info) -> str:
        if not value and info.field_name == "editor_address":
            return value
        local, at, domain = value.partition("@")
        if not (local and at and "." in domain) or " " in value:
            raise ValueError(f"{value!r} is not an email address")
        return value


class ScheduleSettings(_Model):
    """When ``digest schedule`` builds and sends (cron expressions of five fields, in ``timezone``),
    and what it may send: ``auto`` what was built, ``approve`` only an issue an editor approved (the
    same rule binds ``digest send``), ``never`` nothing (build only)."""

    timezone: str = "UTC"
    build: str = "0 7 * * mon"
    send: str = "0 9 * * mon"
    send_policy: Literal["auto", "approve", "never"] = "auto"
    misfire_grace_minutes: int = Field(360, ge=1, le=7 * 24 * 60)  # a run missed while down is caught up within this

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name such as Europe/London or UTC") from None
        return value

    @field_validator("build", "send")
    @classmethod
    def _cron(cls, value: str) -> str:
        from digest.runs.schedule import CronError, check

        try:
            check(value)
        except CronError as error:
            raise ValueError(str(error)) from None
        return value


class ConceptGroup(_Model):
    """One side of the topic: an article must speak of every group to be on topic."""

    name: str
    terms: list[str] = Field(min_length=1)


class Sense(_Model):
    """A word-sense trap: ``term`` does not count next to ``not_with`` words or inside ``not_in`` phrases."""

    term: str
    not_with: list[str] = Field(default_factory=list)  # in the same paragraph (or the title, for the title)
    not_in: list[str] = Field(default_factory=list)  # e.g. "game changer", "Spielberg's AI"


_AI_TERMS = [
    "AI", "A.I.", "artificial intelligence", "machine learning", "deep learning", "neural network",
    "generative", "GenAI", "deepfake", "synthetic voice", "voice clone", "voice cloning", "digital replica",
    "digital double", "digital human", "LLM", "large language model", "language model",
    "chatbot", "ChatGPT", "OpenAI", "Sora", "Midjourney", "Stable Diffusion", "Runway", "Suno", "Udio",
    "ElevenLabs", "Eleven Labs", "Gemini", "Copilot", "text-to-video", "text-to-image", "algorithm", "de-aging",
    "reinforcement learning", "computer vision", "speech recognition", "voice synthesis", "face-swapping",
    "face swap", "synthetic performer", "synthetic actor", "foundation model", "diffusion model", "video model",
    "Veo", "DALL-E", "DeepMind", "Anthropic", "Respeecher", "Metaphysic",
]
_ENTERTAINMENT_TERMS = [
    "entertainment", "film", "movie", "cinema", "box office", "TV", "television", "series", "TV show", "the show",
    "a show", "talent show", "game show", "talk show", "stage show", "live show",
    "streaming", "streamer", "Netflix", "Disney", "Pixar", "Warner Bros", "HBO", "Paramount", "Universal",
    "Amazon Studios", "Prime Video", "Apple TV", "Hulu", "Peacock", "YouTube", "TikTok", "Spotify",
    "music", "song", "singer", "album", "record label", "musician", "band", "concert", "tour", "festival",
    "video game", "game", "gaming", "gamer", "console", "PlayStation", "Xbox", "Nintendo", "esports",
    "theme park", "live event", "theatre", "theater", "Broadway", "actor", "actress", "performer",
    "voice actor", "dubbing", "studio", "Hollywood", "Bollywood", "SAG-AFTRA", "WGA", "screenwriter",
    "director", "animation", "animated", "VFX", "visual effects", "CGI", "Oscar", "Emmy", "Grammy",
    "trailer", "soundtrack", "podcast", "comedian", "celebrity", "Lucasfilm", "Marvel", "Sony Pictures",
    "Lionsgate", "A24", "Ubisoft", "Activision", "Electronic Arts", "Epic Games", "Fortnite", "Roblox", "Minecraft",
    "Steam", "K-pop", "virtual idol", "idol group", "anime", "manga", "webtoon", "opera", "ballet", "comedy",
    "TV drama", "K-drama", "period drama", "drama series", "sitcom", "documentary", "audiobook", "screenplay",
    "showrunner", "animator", "stunt performer", "stunt double", "stuntman", "stuntwoman", "motion capture",
    "virtual production", "playlist", "DJ", "rapper", "composer", "songwriter", "Billboard", "Tribeca",
    "Sundance", "Cannes", "Bafta", "Eurovision", "Ticketmaster", "Live Nation", "Apple Music", "Deezer",
    "SoundCloud", "Crunchyroll",
]
_SPORT = ["football", "soccer", "rugby", "cricket", "tennis", "golf", "league", "coach", "goal",
          "striker", "midfielder", "quarterback", "referee", "playoff", "NFL", "NBA", "NHL", "MLB",
          "Premier League", "World Cup", "Olympic", "wicket", "innings", "tournament", "match", "scored",
          "defender", "kick-off", "touchdown", "umpire", "club"]


class TopicSettings(_Model):
    """What the issue is about: an article is featured when it joins every concept group (see relevance.py)."""

    description: str = ("AI in entertainment: artificial intelligence as used in, or fought over by, film, TV, "
                        "streaming, music, games, theme parks, live events and the people who make them.")
    groups: list[ConceptGroup] = Field(min_length=1, default_factory=lambda: [
        ConceptGroup(name="AI", terms=_AI_TERMS), ConceptGroup(name="entertainment", terms=_ENTERTAINMENT_TERMS)])
    senses: list[Sense] = Field(default_factory=lambda: [
        Sense(term="game", not_with=_SPORT + ["chess", "poker"],
              not_in=["game changer", "game theory", "game plan", "long game", "end game", "game the system"]),
        Sense(term="Gemini", not_with=["horoscope", "zodiac", "star sign", "astrology"]),
        Sense(term="AI", not_in=["Spielberg's AI", "Amnesty International (AI)"]),
        Sense(term="the show", not_with=["trade show", "motor show", "show floor"]),
        Sense(term="series", not_in=["Series A", "Series B", "Series C", "time series", "test series", "World Series",
                                        "series of"]),
        Sense(term="streaming", not_with=["river", "creek"], not_in=["revenue stream", "income stream", "data stream"]),
        Sense(term="tour", not_with=["golf", "tennis", "cycling", "Tour de France"],
              not_in=["tour of", "guided tour", "factory tour"]),
        Sense(term="studio", not_in=["studio flat", "studio apartment", "AI Studio", "Copilot Studio", "design studio",
                                     "yoga studio"]),
        Sense(term="Universal", not_in=["Universal Credit", "universal basic income"]),
        Sense(term="actor", not_in=["state actor", "bad actor", "threat actor", "malicious actor"]),
        Sense(term="performer", not_in=["top performer", "best performer", "worst performer", "strong performer"]),
        Sense(term="animated", not_in=["animated discussion", "animated debate"]),
        Sense(term="concert", not_in=["in concert"]),
        Sense(term="album", not_in=["photo album"]),
        Sense(term="gaming", not_in=["gaming the system"]),
        Sense(term="director", not_with=["hospital", "bank", "board of directors", "radiology", "research",
                                         "finance", "managing director", "company director"]),
        Sense(term="band", not_with=["frequency", "spectrum", "radio band", "wristband"]),
        Sense(term="entertainment", not_with=["medicine", "healthcare", "finance", "banking", "education", "law",
                                              "manufacturing", "agriculture", "retail"]),
    ])
    exclusions: list[str] = Field(default_factory=lambda: ["horoscope", "sponsored content"])
    threshold: float = Field(0.3, ge=0, le=1)  # relevance.py explains the scale and the figure behind it
    include: list[str] = Field(default_factory=list)  # article ids, file paths or URLs featured whatever their score


class Config(_Model):
    sources: Sources = Field(default_factory=Sources)
    themes: list[ThemeConfig] = Field(default_factory=list)
    dedup: DedupSettings = Field(default_factory=DedupSettings)
    summary: SummarySettings = Field(default_factory=SummarySettings)
    consensus: ConsensusSettings = Field(default_factory=ConsensusSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    topic: TopicSettings = Field(default_factory=TopicSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    window_days: int = Field(7, ge=1, le=366)
    output: Path = Path("out")
    archive: Path | None = None  # the web archive each run refreshes (default <output>/archive)
    store: Path = Path("digest.sqlite")
    corrections: Path = Path("corrections.yaml")  # the editor's corrections (digest/corrections.py); may not exist

    @property
    def archive_folder(self) -> Path:
        """Where the web archive is written: ``archive:``, or ``<output>/archive``."""
        return self.archive or self.output / "archive"

    @property
    def theme_list(self) -> tuple[Theme, ...]:
        return tuple(t.to_theme() for t in self.themes)


def load(path: Path | str) -> Config:
    """Read and validate a config file; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found (pass --config FILE)"]) from None
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


def read_yaml(path: Path) -> object:
    """A YAML file's data; ConfigError naming the file (and line) if it cannot be read or parsed.
    A missing file raises FileNotFoundError: what that means is the caller's to say."""
    try:
        return _parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{path}: cannot read: {error}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError([f"{where}: not valid YAML: {getattr(error, 'problem', error)}"]) from None


def _parse_yaml(text: str) -> object:
    """libyaml when it is there (the shipped config: 8 ms instead of 40); a file it refuses is
    parsed again by the pure-Python parser, whose messages say more (and tests read them)."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    email = config.email
    smtp = email.smtp.model_copy(update={"ca_file": email.smtp.ca_file and absolute(email.smtp.ca_file)})
    consensus = config.consensus.model_copy(
        update={"paraphrase_model": config.consensus.paraphrase_model and absolute(config.consensus.paraphrase_model)})
    email = email.model_copy(update={"templates": email.templates and absolute(email.templates),
                                     "subscribers": email.subscribers and absolute(email.subscribers), "smtp": smtp})
    return config.model_copy(
        update={"sources": sources, "output": absolute(config.output),
                "archive": config.archive and absolute(config.archive), "store": absolute(config.store), "email": email,
                "consensus": consensus,
                "corrections": absolute(config.corrections)}
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
    email = raw.get("email")
    templates = email.get("templates") if isinstance(email, dict) else None
    if isinstance(templates, str) and not (path.parent / templates).is_dir():
        problems.append(f"{path}: email.templates: folder not found: {path.parent / templates}"
                        " (it holds templates that override the defaults by file name)")
    return problems
