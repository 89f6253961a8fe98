"""Dedup on a re-run of a week: the stories of ``dedup.group``, exactly, working again only what is new.

A week is often run again with a few new articles (a cron run each day, an editor's preview).
``group_again`` takes what the last run left (``state``: bytes the pipeline keeps in the work
cache, kind ``KIND``) and returns the stories with the state for the next run:

- copies (``recopy``): LSH candidates and verdicts kept by the two profiles' content, so only
  pairs with a new or changed profile are looked up and confirmed;
- links (``relink``): the base run's near pairs and idf, with a bound on how far idf's drift can
  move a cosine, so only new rows and rows whose idf moved too much are compared against all;
- average-link runs in full (every cosine moves a little when idf does, so no join order can be
  reused exactly).

Everything is exact: the stories, origins and merges are those of ``dedup.group``
(``tests/test_dedup_again.py`` compares them on weeks grown and changed run after run, and
``benchmarks/dedup_again.py`` on the benchmark's corpus). A state that cannot be read (another
version, damaged) only means a run that works everything again.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from digest.config import DedupSettings
from digest.models import Article, Story
from digest.stories import dedup, recopy, relink
from digest.stories.features import Features

KIND = "dedup-week"  # the work cache's kind for the state
_VERSION = 2


@dataclass(frozen=True)
class Work:
    """What a run worked again (for the run log and tests)."""

    articles: int
    fresh_profiles: int  # profiles the last run did not have
    confirmed: int  # candidate pairs confirmed this run (the others' verdicts were kept)
    kept_verdicts: int
    all_pairs: bool  # the links were computed over all pairs (no usable base)

    def summary(self) -> str:
        links = "all pairs compared" if self.all_pairs else "pairs compared again only where the bound requires"
        return (f"{self.articles} articles, {self.fresh_profiles} new or changed profiles; {self.confirmed} copy "
                f"candidates confirmed, {self.kept_verdicts} verdicts kept; links: {links}")


def state_key(settings: DedupSettings) -> str:
    """The work cache key of the state: every dedup setting shapes it."""
    shaping = json.dumps([_VERSION, settings.model_dump(mode="json")], sort_keys=True)
    return f"week:{hashlib.sha256(shaping.encode()).hexdigest()[:16]}"


def group_again(articles: Sequence[Article], settings: DedupSettings, features: Mapping[str, Features],
                state: bytes | None = None, keys: Mapping[str, str] | None = None) -> tuple[tuple[Story, ...], bytes, Work]:
    """``dedup.group`` with the last run's ``state``; returns the stories, the next state and ``Work``.
    ``keys``: the articles' ``features.work_key`` by id, if known (they then stand for the leads' words)."""
    kept, base = unpack(state)
    articles = sorted({a.id: a for a in articles}.values(), key=lambda a: a.id)
    merges, kept = recopy.find_copies(articles, settings, features, kept)
    copies = dedup._spanning(merges, [a.id for a in articles])
    origins = dedup._origins(articles, copies)
    leads = [features[o.lead.id] for o in origins]
    matrix, words, idf = dedup.weights([f.terms for f in leads], [f.counts for f in leads])
    rows = [relink.row_key(o.lead.id, f, (keys or {}).get(o.lead.id)) for o, f in zip(origins, leads)]
    first, second, scores, base, full = relink.links(matrix, words, idf, rows, settings.story_similarity, base)
    links = list(dedup.dated(first, second, scores, origins, settings.story_days))
    related = dedup.joined(matrix, origins, links, settings)
    work = Work(len(articles), kept.fresh, kept.confirmed, kept.pairs - kept.confirmed, full)
    return dedup._stories(origins, copies, related), pack(kept, base), work


def pack(kept: recopy.Kept, base: relink.Base) -> bytes:
    signed = sorted(kept.signatures)
    arrays = {"keys": _halves(kept.keys), "first": kept.first.astype(np.int32), "second": kept.second.astype(np.int32),
              "verdict": kept.verdict.astype(np.int32), "signed": _halves(signed),
              "signatures": np.stack([kept.signatures[k] for k in signed]) if signed else np.zeros((0, 0), np.uint32),
              "found": _text(json.dumps([_VERSION, kept.found])),
              "link_keys": _halves(base.keys), "link_first": base.first.astype(np.int32),
              "link_second": base.second.astype(np.int32), "link_values": base.values.astype(np.float32),
              "link_words": _text("\n".join(base.words)), "link_idf": base.idf}
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def unpack(state: bytes | None) -> tuple[recopy.Kept | None, relink.Base | None]:
    """The last run's copies and links state, or (None, None) for nothing or a state this version cannot read."""
    if not state:
        return None, None
    try:
        with np.load(io.BytesIO(state), allow_pickle=False) as arrays:
            version, found = json.loads(arrays["found"].tobytes())
            if version != _VERSION:
                return None, None
            kept = recopy.Kept(_whole(arrays["keys"]), arrays["first"].astype(np.int64), arrays["second"].astype(np.int64),
                               arrays["verdict"].astype(np.int64), [tuple(f) for f in found],
                               dict(zip(_whole(arrays["signed"]), arrays["signatures"])))
            words = arrays["link_words"].tobytes().decode()
            base = relink.Base(_whole(arrays["link_keys"]), arrays["link_first"].astype(np.int64),
                               arrays["link_second"].astype(np.int64), arrays["link_values"],
                               words.split("\n") if words else [], arrays["link_idf"])
            return kept, base
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
        return None, None


def _text(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _halves(keys: list[bytes]) -> np.ndarray:
    """16-byte keys as one array of them."""
    return np.frombuffer(b"".join(keys), dtype="V16") if keys else np.zeros(0, dtype="V16")


def _whole(array: np.ndarray) -> list[bytes]:
    whole = array.tobytes()
    return [whole[at:at + 16] for at in range(0, len(whole), 16)]
