"""Which articles are copies of one another: the pairs that make one origin, with their evidence.

A *copy* is one article republished: wire syndication, a new headline, a boilerplate footer, a
local paragraph added, a paragraph dropped, a few words changed, a truncated reprint, an outlet's
own update. Everything here is pure: Articles in, ``Merge`` pairs out.

Evidence, from the most certain. Figures from ``benchmarks/dedup_copies.py`` (5,366 articles: all
2,225 BBC articles, 2,220 realistic copies of 360 BBC and 100 NeuS articles, the 307 NeuS
three-outlet triples); run it again before changing a threshold.

1. Same canonical URL (scheme, ``www.``, fragment and trailing slash ignored): a copy, no scoring.
2. Word 5-shingles (64-bit hashes), compared exactly. *Resemblance* (Jaccard >=
   ``copy_resemblance``, 0.7) catches a copy with a new headline, a footer or a few words changed
   (lowest measured: 0.84 with a word in 80 changed); *containment* (shared shingles over the
   smaller set >= ``copy_containment``, 0.8) catches a copy with a local paragraph added (lowest
   1.0), a dropped paragraph (0.96), a truncated reprint (1.0 even at a fifth of the length,
   Jaccard 0.19) and all edits at once (0.84). Containment needs ``copy_min_shingles`` (20) in
   the smaller set: a 10-word headline found inside a longer one is not a reprint. Independent
   articles stay below: the highest containment of two different articles is 0.70 (BBC running
   stories reusing a paragraph), NeuS's three outlets on one story never share a 5-shingle run
   that matters (no pair merged).
3. A shared certain context lowers the bar. The same outlet (``outlet_containment``, 0.7): an
   outlet updating its own article; BBC's 169 updated or duplicated pairs all reach 0.723, while
   its different articles on one running story reach 0.676 -- a thin margin, measured on one
   outlet. The same wire dateline (``wire_containment``, 0.5): "LOS ANGELES (Reuters) -",
   "(AP) —", one agency's dispatch from one place, trimmed and edited by each paper (a copy with
   two paragraphs dropped and a word in 20 changed: lowest 0.55), while two different
   dispatches with one dateline reached 0.45. Articles sharing a dateline are always compared.
4. Boilerplate: a shingle found in ``boilerplate_articles`` (5) or more articles of one outlet is
   its footer or sign-up line and is left out of every comparison. Without this, short items of
   one outlet with the same footer were merged by the outlet rule.

Candidates. MinHash signatures (datasketch, 128 permutations) in LSH banded for a Jaccard of
``lsh_threshold`` (0.1: 64 bands of 2 rows) find candidate pairs without comparing all pairs.
Not the usual 0.5: a truncated reprint has a low Jaccard with its original (0.19 at a fifth of
the length). At an LSH threshold of 0.3, 2 of the 2,220 copies were missed (both truncated to a
fifth; 8 in an earlier run with other hash seeds); at 0.1, none, for 10.0 s of CPU instead of
7.1 s on the 5,366 articles: unrelated articles almost never share 5-shingles, so the extra
candidates stay few (1,146 pairs among 2,000 synthetic 600-word articles). The limit: a reprint
of one opening paragraph (~40 words of a 600-word article, Jaccard 0.03) is rarely a candidate.
On 2,000 synthetic articles (``benchmarks/dedup_speed.py``) LSH found 229 of the 234 copy pairs
an exact all-pairs check confirms; 4 misses were such teasers, 1 a truncation at Jaccard 0.23
(LSH finds that Jaccard 97% of the time). A containment index (datasketch's LSH Ensemble) would
close this gap; it is not used yet.

At 10,000 articles: shingles are sorted ``uint64`` arrays, boilerplate is found with
``np.unique`` over an outlet's arrays, the LSH bands are datasketch's (``MinHashLSH`` picks them; ``BANDS`` pins its choice for the
shipped settings)
but collisions are found by sorting each band's values (the same pairs as datasketch's index,
``tests/test_dedup_scale.py``), and the shingles a pair shares are counted for all the partners
of one article at once.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, groupby
from urllib.parse import urlsplit

import numpy as np

from digest.config import DedupSettings
from digest.models import Article, Merge
from digest.stories import sets
from digest.stories.features import WORD, Features, Signer, features_of, shingles

__all__ = ["WORD", "canonical_url", "confirm", "dateline", "find_copies", "profiles_of", "shingles"]
_AGENCIES = r"AP|Reuters|AFP|Bloomberg|UPI|PA|dpa|ANSA|EFE|Xinhua|CNA|IANS|PTI"
_DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Z .'’\-]{{1,40}}?)?(?:,\s*[A-Z][\w. ]{{1,30}}?)?\s*\((?P<agency>{_AGENCIES})\)\s*[-—–]")


@dataclass(frozen=True, slots=True, eq=False)
class _Profile:
    """What copy detection knows about one article."""

    id: str
    shingles: np.ndarray  # sorted, unique uint64 (``features.shingles``)
    url: str
    outlet: str
    dateline: str
    signature: np.ndarray | None = None  # MinHash values of ``shingles`` if known


def dateline(text: str) -> str:
    """The wire dateline opening ``text``, as "agency|PLACE" ("" if none): "LOS ANGELES (Reuters) -"."""
    found = _DATELINE.match(text[:200])
    if not found:
        return ""
    return f"{found['agency'].lower()}|{' '.join((found['place'] or '').split())}"


def canonical_url(url: str | None) -> str:
    """The URL without scheme, ``www.``, fragment or trailing slash: the same page, however linked."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def find_copies(articles: Sequence[Article], settings: DedupSettings,
                features: Mapping[str, Features] | None = None) -> list[Merge]:
    """Every confirmed copy pair, with the rule and score that confirmed it, sorted. ``features``
    (``features.features_of``, by article id) are computed here when not given."""
    signer = Signer(settings.num_perm)
    features = features if features is not None else features_of(articles, settings, signer=signer)[0]
    profiles = {p.id: p for p in profiles_of(articles, settings, features)}
    pairs = _candidates(list(profiles.values()), settings, signer) | _sharing(profiles.values(), "url") | _sharing(profiles.values(), "dateline")
    pairs = sorted(pairs)
    merges = (confirm(profiles[a], profiles[b], settings, shared) for (a, b), shared in zip(pairs, _shared_counts(pairs, profiles)))
    return [m for m in merges if m is not None]


def _shared_counts(pairs: list[tuple[str, str]], profiles: Mapping[str, _Profile]) -> list[int]:
    """How many shingles each pair shares: the partners of one article looked up in its shingles at once."""
    counts: list[int] = []
    for left, group in groupby(pairs, key=lambda pair: pair[0]):
        own = profiles[left].shingles
        partners = [profiles[right].shingles for _, right in group]
        if not len(own):
            counts += [0] * len(partners)
            continue
        ends = np.cumsum([len(p) for p in partners])
        hits = np.concatenate([[0], np.cumsum(_within(np.concatenate(partners), own))])
        counts += (hits[ends] - hits[ends - [len(p) for p in partners]]).tolist()
    return counts


def profiles_of(articles: Sequence[Article], settings: DedupSettings,
                features: Mapping[str, Features] | None = None) -> list[_Profile]:
    """What copy detection compares, without boilerplate: shingles repeated across one outlet's articles.

    The boilerplate of every outlet is taken out of every article, so a pair is compared on the
    same footing whichever outlets published it.
    """
    found, boilerplate = raw_profiles(articles, settings, features)
    return [trimmed(p, boilerplate) for p in found] if len(boilerplate) else found


def raw_profiles(articles: Sequence[Article], settings: DedupSettings,
                 features: Mapping[str, Features] | None = None) -> tuple[list[_Profile], np.ndarray]:
    """The profiles with their boilerplate still in, and the week's boilerplate (sorted shingles)."""
    found = untrimmed(articles, settings, features)
    return found, week_boilerplate([outlet_boilerplate(members, settings.boilerplate_articles)
                                    for members in by_outlet(found).values()])


def untrimmed(articles: Sequence[Article], settings: DedupSettings,
              features: Mapping[str, Features] | None = None) -> list[_Profile]:
    """Each article's profile, its outlet's boilerplate still in."""
    features = features if features is not None else features_of(articles, settings)[0]
    return [_Profile(a.id, features[a.id].shingles, canonical_url(a.url), " ".join(a.outlet.lower().split()),
                     dateline(_opening(a)), features[a.id].signature) for a in articles]


def by_outlet(profiles: Sequence[_Profile]) -> dict[str, list[_Profile]]:
    """The profiles of each outlet that has a name (in order of first appearance)."""
    found: dict[str, list[_Profile]] = {}
    for profile in profiles:
        if profile.outlet:
            found.setdefault(profile.outlet, []).append(profile)
    return found


def week_boilerplate(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The week's boilerplate (sorted shingles) from each outlet's (``outlet_boilerplate``)."""
    return sets.unique(np.concatenate([_EMPTY, *parts]))


def _opening(article: Article, size: int = 200) -> str:
    """``article.text[:size]`` without joining all its blocks."""
    parts, length = [], -2
    for block in article.blocks:
        parts.append(block.text)
        length += len(block.text) + 2  # the length of the blocks so far, joined as ``text`` joins them
        if length >= size:
            break
    return "\n\n".join(parts)[:size]


def trimmed(profile: _Profile, boilerplate: np.ndarray) -> _Profile:
    """The profile without ``boilerplate`` (signature None: to be signed again), or as it was if it holds none."""
    if not len(boilerplate):
        return profile
    kept = ~_within(profile.shingles, boilerplate)
    return profile if kept.all() else dataclasses.replace(profile, shingles=profile.shingles[kept], signature=None)


_EMPTY = np.zeros(0, dtype=np.uint64)


def _within(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_set`` (a sorted array)."""
    at = np.searchsorted(sorted_set, values)
    return sorted_set[np.minimum(at, len(sorted_set) - 1)] == values


def _shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted sets share."""
    if len(a) > len(b):
        a, b = b, a
    return int(_within(a, b).sum()) if len(a) else 0


def outlet_boilerplate(members: list[_Profile], least: int) -> np.ndarray:
    """Shingles in ``least`` or more articles of one outlet: its footer, its sign-up line."""
    if len(members) < least:
        return _EMPTY
    values, counts = np.unique(np.concatenate([p.shingles for p in members]), return_counts=True)
    return values[counts >= least]


def _candidates(profiles: list[_Profile], settings: DedupSettings, signer: Signer) -> set[tuple[str, str]]:
    """Pairs (smaller id first) whose MinHash signatures collide in some LSH band.

    The bands are datasketch's (``MinHashLSH`` chooses how many rows for ``lsh_threshold``); two
    signatures collide when one band's values are all equal, found by sorting each band's values.
    """
    signed = [p for p in profiles if len(p.shingles)]
    if len(signed) < 2:
        return set()
    table = np.stack([p.signature if p.signature is not None else signer.sign(p.shingles) for p in signed])
    bands, rows = _bands(settings.lsh_threshold, settings.num_perm)
    found = [_colliding(table[:, band * rows:(band + 1) * rows]) for band in range(bands)]
    pairs = sets.unique(np.concatenate(found))
    ids = [p.id for p in signed]
    return {(min(ids[i], ids[j]), max(ids[i], ids[j])) for i, j in zip(*np.divmod(pairs, len(signed)))}


BANDS = {(0.1, 128): (64, 2)}  # datasketch's choice for the shipped settings (tests/test_copies.py checks it)


@functools.lru_cache(maxsize=8)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) as ``MinHashLSH`` chooses them; pinned for the shipped settings, so a run needs no
    datasketch (its package pulls in scipy.integrate, ~0.4 s)."""
    if (threshold, num_perm) in BANDS:
        return BANDS[threshold, num_perm]
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _colliding(band: np.ndarray) -> np.ndarray:
    """Pairs i < j (as i * n + j) of rows with the same values in ``band``."""
    _, bucket = np.unique(band, axis=0, return_inverse=True)
    return bucket_pairs(bucket.ravel())


def bucket_pairs(bucket: np.ndarray) -> np.ndarray:
    """Pairs i < j (as i * n + j) of positions with the same number in ``bucket`` (0, 1... each used)."""
    n = len(bucket)
    order = np.argsort(bucket, kind="stable")  # rows of one bucket together, ascending
    sizes = np.bincount(bucket)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    two = starts[sizes == 2]
    pairs = [order[two].astype(np.int64) * n + order[two + 1]]
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
        members = order[start:start + size].astype(np.int64)
        i, j = np.triu_indices(size, 1)
        pairs.append(members[i] * n + members[j])
    return np.concatenate(pairs)


def _sharing(profiles, field: str) -> set[tuple[str, str]]:
    """Pairs with the same non-empty URL or dateline: checked whether or not their signatures collide."""
    groups: dict[str, list[str]] = {}
    for profile in profiles:
        if getattr(profile, field):
            groups.setdefault(getattr(profile, field), []).append(profile.id)
    return {pair for ids in groups.values() for pair in combinations(sorted(ids), 2)}


def confirm(a: _Profile, b: _Profile, settings: DedupSettings, shared: int | None = None,
            sizes: tuple[int, int] | None = None) -> Merge | None:
    """The first rule that makes ``a`` and ``b`` copies, or None (``shared``: their shingles in common,
    and ``sizes``: how many each has, if known)."""
    if a.url and a.url == b.url:
        return Merge(a.id, b.id, "copy: same canonical URL", 1.0, a.url)
    first, second = sizes or (len(a.shingles), len(b.shingles))
    if not first or not second:
        return None
    shared = _shared(a.shingles, b.shingles) if shared is None else shared
    smaller = min(first, second)
    resemblance = shared / (first + second - shared)
    containment = shared / smaller if smaller >= settings.copy_min_shingles else 0.0
    detail = f"Jaccard {resemblance:.3f}, {shared} of the smaller text's {smaller} 5-word runs shared"
    if resemblance >= settings.copy_resemblance:
        return Merge(a.id, b.id, "copy: shingle resemblance", round(resemblance, 3), detail)
    if containment >= settings.copy_containment:
        return Merge(a.id, b.id, "copy: shingle containment", round(containment, 3), detail)
    if containment >= settings.outlet_containment and a.outlet and a.outlet == b.outlet:
        return Merge(a.id, b.id, "copy: same outlet republished", round(containment, 3), f"{detail}; outlet {a.outlet}")
    if containment >= settings.wire_containment and a.dateline and a.dateline == b.dateline:
        return Merge(a.id, b.id, "copy: same wire dateline", round(containment, 3), f"{detail}; dateline {a.dateline}")
    return None
