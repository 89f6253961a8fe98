"""Copies found again on a re-run of a week: only the pairs that involve a new or changed profile are worked.

``copies.find_copies`` compares, every run, every LSH candidate pair of the week (125,000 on the
benchmark's 10,000 articles). Nothing about a pair depends on the rest of the week but the two
*profiles* (``copies._Profile``: the shingles left once every outlet's boilerplate is out, the
canonical URL, the outlet, the dateline): whether their signatures collide in an LSH band is a
function of the two profiles' shingles, and ``copies.confirm``'s verdict (rule, score, detail)
of the two profiles. So a run keeps (``Kept``), by a 128-bit hash of each profile (``profile_key``):

- the candidate pairs (by profile key) and every verdict, a copy or not;
- the signatures it had to compute (a profile with boilerplate taken out is signed again).

The next run builds the profiles in full (the boilerplate depends on the whole week), and then:
a pair of two profiles the last run knew is a candidate exactly when it was one then, with the
verdict it had then; only the *fresh* profiles (new, or changed by new boilerplate) are looked
up in each LSH band against all, and only pairs without a kept verdict are confirmed. Pairs of
one URL or dateline are listed in full as ``find_copies`` does. The merges are those of
``find_copies``, exactly (``tests/test_dedup_again.py`` compares them on weeks built to have
copies of every kind, with the kept path on and off).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import xxhash

from digest.config import DedupSettings
from digest.models import Article, Merge
from digest.stories import copies
from digest.stories.features import Features, Signer

NONE = ("", 0.0, "")  # the verdict "not a copy"


@dataclass
class Kept:
    """What one run's copy detection leaves for the next: verdicts and signatures by profile key."""

    verdicts: dict[tuple[bytes, bytes], tuple[str, float, str]] = field(default_factory=dict)  # (key, key) smaller first
    signatures: dict[bytes, np.ndarray] = field(default_factory=dict)  # profiles signed again (boilerplate out)
    keys: set[bytes] = field(default_factory=set)  # every profile the run saw
    fresh: int = 0  # profiles of this run the last one did not have (not kept)
    confirmed: int = 0  # pairs confirmed this run (not kept)


def profile_key(profile) -> bytes:
    """A 128-bit hash of everything ``confirm`` and the LSH bands read of a profile."""
    digest = xxhash.xxh3_128(json.dumps([profile.url, profile.outlet, profile.dateline]).encode())
    digest.update(profile.shingles.astype("<u8").tobytes())
    return digest.digest()


def find_copies(articles: Sequence[Article], settings: DedupSettings, features: Mapping[str, Features],
                kept: Kept | None = None) -> tuple[list[Merge], Kept]:
    """``copies.find_copies`` (articles sorted by id), with the last run's ``kept`` verdicts and
    signatures; returns the merges and what to keep for the next run."""
    kept = kept or Kept()
    signer = Signer(settings.num_perm)
    profiles = copies.profiles_of(articles, settings, features)
    keys = [profile_key(p) for p in profiles]
    signatures, signed_again = _signatures(profiles, keys, kept, signer)
    pairs = _lsh_pairs(profiles, keys, signatures, settings, kept)
    by_id = {p.id: p for p in profiles}
    pairs |= copies._sharing(profiles, "url") | copies._sharing(profiles, "dateline")
    key_of = {p.id: k for p, k in zip(profiles, keys)}
    pairs = sorted(pairs)
    keyed = [_pair(key_of[a], key_of[b]) for a, b in pairs]
    todo = [n for n, pair in enumerate(keyed) if pair not in kept.verdicts]
    confirmed = {}
    for n, shared in zip(todo, copies._shared_counts([pairs[n] for n in todo], by_id)):
        merge = copies.confirm(by_id[pairs[n][0]], by_id[pairs[n][1]], settings, shared)
        confirmed[keyed[n]] = (merge.rule, merge.score, merge.detail) if merge else NONE
    verdicts = {pair: confirmed[pair] if pair in confirmed else kept.verdicts[pair] for pair in keyed}
    merges = [Merge(a, b, *verdicts[pair]) for (a, b), pair in zip(pairs, keyed) if verdicts[pair] != NONE]
    fresh = sum(k not in kept.keys for k in set(keys))
    return merges, Kept(verdicts, signed_again, set(keys), fresh, len(confirmed))


def _pair(a: bytes, b: bytes) -> tuple[bytes, bytes]:
    return (a, b) if a <= b else (b, a)


def _signatures(profiles, keys: list[bytes], kept: Kept, signer: Signer) -> tuple[list, dict[bytes, np.ndarray]]:
    """Each profile's signature (None without shingles): its article's, a kept one, or computed."""
    found, again = [], {}
    for profile, key in zip(profiles, keys):
        signature = profile.signature
        if signature is None and len(profile.shingles):
            signature = kept.signatures.get(key)
            if signature is None:
                signature = signer.sign(profile.shingles)
            again[key] = signature
        found.append(signature)
    return found, again


def _lsh_pairs(profiles, keys: list[bytes], signatures: list, settings: DedupSettings, kept: Kept) -> set[tuple[str, str]]:
    """``copies._candidates``: kept pairs among profiles the last run knew, LSH for the fresh ones.

    Two signatures collide when one band's values are all equal; a band of two 32-bit values is one
    64-bit number, so the fresh rows are looked up in each band's sorted values. Other bandings
    (another ``lsh_threshold``) find every pair again with ``copies._colliding``."""
    signed = [n for n, s in enumerate(signatures) if s is not None]
    if len(signed) < 2:
        return set()
    table = np.stack([signatures[n] for n in signed]).astype(np.uint64)
    bands, rows = copies._bands(settings.lsh_threshold, settings.num_perm)
    ids = [profiles[n].id for n in signed]
    known = [keys[n] in kept.keys for n in signed]
    if rows != 2 or sum(known) < 0.8 * len(known):  # few known: every pair again costs less
        found = np.unique(np.concatenate([copies._colliding(table[:, b * rows:(b + 1) * rows]) for b in range(bands)]))
        return {(min(ids[i], ids[j]), max(ids[i], ids[j])) for i, j in zip(*np.divmod(found, len(signed)))}
    fresh = np.flatnonzero(~np.array(known))
    pairs = _fresh_collisions(table, fresh, bands)
    found = {(min(ids[i], ids[j]), max(ids[i], ids[j])) for i, j in pairs}
    return found | _kept_pairs([keys[n] for n in signed], ids, known, kept)


def _fresh_collisions(table: np.ndarray, fresh: np.ndarray, bands: int) -> set[tuple[int, int]]:
    """Rows (i, j) colliding in some band of two values, i or j in ``fresh``."""
    pairs: set[tuple[int, int]] = set()
    if not len(fresh):
        return pairs
    for band in range(bands):
        values = (table[:, 2 * band] << np.uint64(32)) | table[:, 2 * band + 1]
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        low = np.searchsorted(ordered, values[fresh], "left")
        high = np.searchsorted(ordered, values[fresh], "right")
        for row, start, stop in zip(fresh.tolist(), low.tolist(), high.tolist()):
            if stop - start > 1:
                pairs.update((row, other) for other in order[start:stop].tolist() if other != row)
    return pairs


def _kept_pairs(keys: list[bytes], ids: list[str], known: list[bool], kept: Kept) -> set[tuple[str, str]]:
    """Candidate pairs of two known profiles: those the last run had, and any two with one profile."""
    members: dict[bytes, list[str]] = {}
    for key, id_, old in zip(keys, ids, known):
        if old:
            members.setdefault(key, []).append(id_)
    found = set()
    for first, second in kept.verdicts:
        if first != second and first in members and second in members:
            found.update((min(a, b), max(a, b)) for a in members[first] for b in members[second])
    for group in members.values():
        found.update((a, b) for n, a in enumerate(sorted(group)) for b in sorted(group)[n + 1:])
    return found
