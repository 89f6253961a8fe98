"""Dedup on a re-run of a week: the copies of ``dedup.group`` exactly, the stories continued from the last run's.

A week is often run again with a few new articles (a cron run each day, an editor's preview).
``group_again`` takes what the last run left (``state``: bytes the pipeline keeps in the work
cache, kind ``KIND``; ~18 MB at 10,000 articles) and returns the stories with the state for the
next run:

- copies (``recopy``): LSH candidates and verdicts kept by the two profiles' content, so only
  pairs with a new or changed profile are looked up and confirmed; the origins are exactly
  ``dedup.group``'s;
- stories (``regroup``): idf frozen at the last full computation, old rows' vectors and links
  kept, only new rows weighed and compared with all, average-link continued from the last run's
  groups. This is not a from-scratch ``group`` of the same articles: an old story that kept all
  its rows only grows (one that lost a row is taken apart and its rows joined again), and idf does
  not follow the new articles. ``regroup`` says exactly what it equals;
  ``benchmarks/dedup_again.py`` measures how far it is from a from-scratch run. When the rows new
  or gone since the full computation reach ``regroup.REFRESH`` (10 %) of the week, the run
  computes everything again, and its stories are ``group``'s.

A state that cannot be read (another version, damaged) or other settings (another key) only mean
a run that works everything again.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

from digest.config import DedupSettings, as_json
from digest.models import Article, Story
from digest.stories import dedup, recopy, regroup
from digest.stories.rows import Rows
from digest.stories.features import Features

KIND = "dedup-week"  # the work cache's kind for the state
_VERSION = 7  # 7: the arrays in ``_packed``'s layout, not an .npz; row keys of a date's instant


@dataclass(frozen=True)
class Work:
    """What a run worked again (for the run log and tests)."""

    articles: int
    fresh_profiles: int  # profiles the last run did not have
    confirmed: int  # candidate pairs confirmed this run (the others' verdicts were kept)
    kept_verdicts: int
    all_pairs: bool  # everything computed again (no usable state, or too much changed): the stories are ``group``'s

    def summary(self) -> str:
        links = "all pairs compared, stories grouped afresh" if self.all_pairs else "new rows compared with all, stories continued"
        return (f"{self.articles} articles, {self.fresh_profiles} new or changed profiles; {self.confirmed} copy "
                f"candidates confirmed, {self.kept_verdicts} verdicts kept; links: {links}")


def state_key(settings: DedupSettings) -> str:
    """The work cache key of the state: every dedup setting shapes it."""
    shaping = json.dumps([_VERSION, as_json(settings)], sort_keys=True)
    return f"week:{hashlib.sha256(shaping.encode()).hexdigest()[:16]}"


def group_again(articles: Sequence[Article], settings: DedupSettings, features: Mapping[str, Features],
                state: bytes | None = None, keys: Mapping[str, str] | None = None) -> tuple[tuple[Story, ...], bytes, Work]:
    """``dedup.group`` with the last run's ``state`` (see the module's text for what it then equals);
    returns the stories, the next state and ``Work``. ``keys``: the articles' ``features.work_key``
    by id, if known (they then stand for the leads' words)."""
    kept, week = unpack(state)
    articles = sorted({a.id: a for a in articles}.values(), key=lambda a: a.id)
    merges, kept = recopy.find_copies(articles, settings, features, kept, keys)
    copies = dedup._spanning(merges, [a.id for a in articles])
    origins = dedup._origins(articles, copies)
    leads = [features[o.lead.id] for o in origins]
    rows = [regroup.row_key(o, f, (keys or {}).get(o.lead.id)) for o, f in zip(origins, leads)]
    related, week, full = regroup.related(origins, leads, rows, settings, week)
    work = Work(len(articles), kept.fresh, kept.confirmed, kept.pairs - kept.confirmed, full)
    return dedup._stories(origins, copies, related), pack(kept, week), work


def pack(kept: recopy.Kept, week: regroup.Week) -> bytes:
    signed = sorted(kept.signatures)
    arrays = {"keys": _halves(kept.keys), "first": kept.first.astype(np.int32), "second": kept.second.astype(np.int32),
              "verdict": kept.verdict.astype(np.int32), "signed": _halves(signed),
              "signatures": np.stack([kept.signatures[k] for k in signed]) if signed else np.zeros((0, 0), np.uint32),
              "found": _text(json.dumps([_VERSION, kept.found, week.documents, week.changed])),
              "boilerplate": kept.boilerplate if kept.boilerplate is not None else np.zeros(0, np.uint64),
              "articles": _halves(kept.articles), "profiled": _halves(kept.profiled if kept.articles else []),
              "codes": kept.codes.astype(np.int8), "sizes": kept.sizes.astype(np.int64),
              "outlets": _halves(list(kept.plates)), "plates": _joined(list(kept.plates.values())),
              "plate_sizes": np.array([len(p) for p in kept.plates.values()], dtype=np.int64),
              "rows": _halves(week.keys), "tally": _narrow(week.counts.data), "indices": _narrow(week.counts.indices),
              "indptr": week.counts.indptr.astype(np.int64), "norms": week.norms, "words": _text("\n".join(week.words)), "idf": week.idf,
              "links": week.links.astype(np.int32), "scores": week.scores, "joins": week.joins.astype(np.int32),
              "averages": week.averages, "last": week.last}
    return _packed(arrays)


def unpack(state: bytes | None) -> tuple[recopy.Kept | None, regroup.Week | None]:
    """The last run's copies and week, or (None, None) for nothing or a state this version cannot read."""
    if not state:
        return None, None
    try:
        arrays = _unpacked(state)
        version, found, documents, changed = json.loads(arrays["found"].tobytes())
        if version != _VERSION:
            return None, None
        return _kept_of(arrays, found), _week_of(arrays, int(documents), int(changed))
    except Exception:  # a damaged value fails its checksum; one this version did not write fails on its way, each
        return None, None  # its own way: all mean "work it all"


def _kept_of(arrays: Mapping[str, np.ndarray], found: list) -> recopy.Kept:
    return recopy.Kept(_whole(arrays["keys"]), arrays["first"].astype(np.int64), arrays["second"].astype(np.int64),
                       arrays["verdict"].astype(np.int64), [tuple(f) for f in found],
                       dict(zip(_whole(arrays["signed"]), arrays["signatures"])),
                       boilerplate=arrays["boilerplate"], articles=_whole(arrays["articles"]),
                       profiled=_whole(arrays["profiled"]), codes=arrays["codes"], sizes=arrays["sizes"],
                       plates=_parts(_whole(arrays["outlets"]), arrays["plates"], arrays["plate_sizes"]))


def _week_of(arrays: Mapping[str, np.ndarray], documents: int, changed: int) -> regroup.Week:
    words = arrays["words"].tobytes().decode()
    words = words.split("\n") if words else []
    counts = Rows(arrays["tally"], arrays["indices"], arrays["indptr"], max(len(words), 1))  # weighed by regroup when needed
    return regroup.Week(_whole(arrays["rows"]), counts, arrays["norms"], words, arrays["idf"], documents,
                        arrays["links"].astype(np.int64), arrays["scores"], arrays["joins"].astype(np.int64),
                        arrays["averages"], arrays["last"], changed)


_MAGIC = b"DDW1"
_HEAD = struct.Struct("<4sQ")  # magic, xxh3_64 of all that follows
_SIZE = struct.Struct("<Q")  # the length of the JSON table of arrays


def _packed(arrays: Mapping[str, np.ndarray]) -> bytes:
    """The arrays as one value: a table of them (name, dtype, shape, where) in JSON, then each
    array's bytes, at a multiple of 8, all under a checksum. ``np.savez`` wrote a zip, whose reading
    (zipfile, and numpy's header parser per array) took ~7 ms of a re-run's 28 arrays; ``_unpacked``
    reads these as views of the value."""
    table, parts, at = [], [], 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array).tobytes()
        table.append([name, array.dtype.str, list(array.shape), at])
        parts += [data, bytes(-len(data) % 8)]
        at += len(data) + (-len(data) % 8)
    head = json.dumps(table).encode()
    body = b"".join([_SIZE.pack(len(head)), head, bytes(-len(head) % 8), *parts])
    return _HEAD.pack(_MAGIC, xxhash.xxh3_64_intdigest(body)) + body


def _unpacked(state: bytes) -> dict[str, np.ndarray]:
    """``_packed``'s arrays by name (read-only views of ``state``); a ValueError for a value it did not
    write or one with any byte changed or missing."""
    magic, checksum = _HEAD.unpack_from(state)
    body = memoryview(state)[_HEAD.size:]
    if magic != _MAGIC or xxhash.xxh3_64_intdigest(body) != checksum:
        raise ValueError("not a dedup state, or a damaged one")
    (size,) = _SIZE.unpack_from(body)
    start = _SIZE.size + size + (-size % 8)
    return {name: np.frombuffer(body, dtype=np.dtype(kind), count=int(np.prod(shape)), offset=start + at).reshape(shape)
            for name, kind, shape, at in json.loads(bytes(body[_SIZE.size:_SIZE.size + size]))}


def _narrow(values: np.ndarray) -> np.ndarray:
    """Non-negative integers in 16 bits when they fit (a week's counts and columns nearly always do)."""
    return values.astype(np.uint16 if values.max(initial=0) < 2**16 else np.uint32)


def _text(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _halves(keys: list[bytes]) -> np.ndarray:
    """16-byte keys as one array of them."""
    return np.frombuffer(b"".join(keys), dtype="V16") if keys else np.zeros(0, dtype="V16")


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([np.zeros(0, np.uint64), *arrays]).astype(np.uint64)


def _parts(keys: list[bytes], joined: np.ndarray, sizes: np.ndarray) -> dict[bytes, np.ndarray]:
    """``_joined``'s arrays again, by key."""
    ends = np.cumsum(sizes)
    return {key: joined[end - size:end] for key, end, size in zip(keys, ends.tolist(), sizes.tolist())}


def _whole(array: np.ndarray) -> list[bytes]:
    whole = array.tobytes()
    return [whole[at:at + 16] for at in range(0, len(whole), 16)]
