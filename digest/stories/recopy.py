"""Copies found again on a re-run of a week: only the pairs that involve a new or changed profile are worked.

``copies.find_copies`` compares, every run, every LSH candidate pair of the week (125,000 on the
benchmark's 10,000 articles). Nothing about a pair depends on the rest of the week but the two
*profiles* (``copies._Profile``: the shingles left once every outlet's boilerplate is out, the
canonical URL, the outlet, the dateline): whether their signatures collide in an LSH band is a
function of the two profiles' shingles, and ``copies.confirm``'s verdict (rule, score, detail)
of the two profiles. So a run keeps (``Kept``), by a 128-bit hash of each profile (``profile_key``):

- the candidate pairs (by profile key) and every verdict, a copy or not;
- the signatures it had to compute (a profile with boilerplate taken out is signed again).

The next run builds the profiles in full (the boilerplate depends on the whole week; each outlet's
is kept with its articles' keys and found again only for an outlet with a new or changed article), and then:
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
from digest.stories import copies, sets
from digest.stories.features import Features, Signer
from digest.stories.rows import pair_codes



@dataclass
class Kept:
    """What one run's copy detection leaves for the next, by profile key (``profile_key``)."""

    keys: list[bytes] = field(default_factory=list)  # every profile the run saw, once each
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # candidate pairs: positions in
    second: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # ``keys``, two different keys
    verdict: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # 0: not a copy; n: ``found[n - 1]``
    found: list[tuple[str, float, str]] = field(default_factory=list)  # (rule, score, detail) of the copies
    signatures: dict[bytes, np.ndarray] = field(default_factory=dict)  # profiles signed again (boilerplate out)
    boilerplate: np.ndarray | None = None  # the week's boilerplate (``copies.raw_profiles``)
    articles: list[bytes] = field(default_factory=list)  # each article's ``article_key``
    profiled: list[bytes] = field(default_factory=list)  # its profile's key
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # its signature: ``SIGNED``...
    sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # its shingles without boilerplate
    plates: dict[bytes, np.ndarray] = field(default_factory=dict)  # each outlet's boilerplate, by ``outlet_key``
    fresh: int = 0  # profiles of this run the last one did not have (not kept)
    confirmed: int = 0  # pairs confirmed this run (not kept)
    pairs: int = 0  # candidate pairs this run (not kept)


def profile_key(profile) -> bytes:
    """A 128-bit hash of everything ``confirm`` and the LSH bands read of a profile."""
    digest = xxhash.xxh3_128(json.dumps([profile.url, profile.outlet, profile.dateline]).encode())
    digest.update(profile.shingles.astype("<u8").tobytes())
    return digest.digest()


OWN, SIGNED, EMPTY = 0, 1, 2  # a profile's signature: its article's; signed again (kept); none (no shingles left)


def article_key(article: Article, work_key: str) -> bytes:
    """What an article's profile is made of, besides the week's boilerplate: its id, content, URL and outlet."""
    return xxhash.xxh3_128("\0".join([article.id, work_key, article.url or "", article.outlet]).encode()).digest()


def find_copies(articles: Sequence[Article], settings: DedupSettings, features: Mapping[str, Features],
                kept: Kept | None = None, work_keys: Mapping[str, str] | None = None) -> tuple[list[Merge], Kept]:
    """``copies.find_copies`` (articles sorted by id), with the last run's ``kept`` verdicts and
    signatures; returns the merges and what to keep for the next run. Pairs are numbers i * n + j
    (i < j: positions of the articles, so in the order of their ids). With ``work_keys`` (the
    articles' ``features.work_key``), an article the last run had, in a week whose boilerplate is
    unchanged, keeps its profile's key, signature and size, and its boilerplate is taken out only
    if a pair with another such article has to be confirmed."""
    kept = kept or Kept()
    raw = copies.untrimmed(articles, settings, features)
    lookups = [article_key(a, work_keys[a.id]) for a in articles] if work_keys is not None else None
    boilerplate, plates = _boilerplate(raw, lookups, kept, settings.boilerplate_articles)
    profiles, keys, signed, sizes, lazy = _profiles(raw, boilerplate, lookups, kept)
    where = {k: n for n, k in enumerate(dict.fromkeys(keys))}
    key_of = np.array([where[k] for k in keys], dtype=np.int64)  # each article's position in this run's keys
    before = {k: n for n, k in enumerate(kept.keys)}
    old = np.array([before.get(k, -1) for k in where], dtype=np.int64)[key_of] if keys else key_of  # in kept.keys
    signatures, signed_again = _signatures(profiles, keys, signed, kept, Signer(settings.num_perm))
    known_codes, known_verdicts = _kept_pairs(old, signatures, kept)
    others = np.concatenate([_lsh_codes(signatures, old >= 0, settings),
                             _codes(len(profiles), copies._sharing(profiles, "url") | copies._sharing(profiles, "dateline"),
                                    {p.id: n for n, p in enumerate(profiles)})])
    todo = sets.without(others, known_codes)  # np.setdiff1d(np.union1d(...), known_codes)
    first, second = np.divmod(todo, max(len(profiles), 1))
    both = np.array([a in lazy and b in lazy for a, b in zip(first.tolist(), second.tolist())], dtype=bool)
    for n in set(first[both].tolist() + second[both].tolist()):
        profiles[n] = copies.trimmed(profiles[n], boilerplate)  # a pair of two untrimmed profiles: trim one at least
    found = list(kept.found)
    verdicts = np.concatenate([known_verdicts, _confirm(profiles, todo, settings, found, sizes)])
    codes = np.concatenate([known_codes, todo])
    order = np.argsort(codes)
    codes, verdicts = codes[order], verdicts[order]
    i, j = np.divmod(codes, max(len(profiles), 1))
    merges = [Merge(profiles[a].id, profiles[b].id, *found[v - 1])
              for a, b, v in zip(i.tolist(), j.tolist(), verdicts.tolist()) if v]
    fresh = int((old[np.unique(key_of, return_index=True)[1]] < 0).sum())
    state = _kept(list(where), key_of[i], key_of[j], verdicts, found, signed_again, fresh, len(todo))
    state.boilerplate, state.articles, state.profiled, state.codes, state.sizes = (boilerplate, lookups or [], keys,
                                                                                   signed, sizes)
    state.plates = plates
    return merges, state


def _boilerplate(raw: list, lookups: list[bytes] | None, kept: Kept, least: int) -> tuple[np.ndarray, dict]:
    """The week's boilerplate (``copies.raw_profiles``'s) and each outlet's, by ``outlet_key``: an
    outlet whose articles are the last run's (``lookups``: their ``article_key``) keeps its
    boilerplate, so a re-run sorts the shingles of the outlets with a new or changed article only
    (the benchmark's 1,010 articles: ~10 of 120 outlets, whose sorts took ~20 ms)."""
    where = {id(p): n for n, p in enumerate(raw)} if lookups is not None else {}
    parts, plates = [], {}
    for outlet, members in copies.by_outlet(raw).items():
        if len(members) < least:
            continue  # none: fewer articles than a shingle must be in
        key = outlet_key(outlet, [lookups[where[id(p)]] for p in members]) if where else None
        plate = kept.plates.get(key) if key is not None else None
        plate = copies.outlet_boilerplate(members, least) if plate is None else plate
        parts.append(plate)
        if key is not None:
            plates[key] = plate
    return copies.week_boilerplate(parts), plates


def outlet_key(outlet: str, articles: list[bytes]) -> bytes:
    """What an outlet's boilerplate is made of: its name and its articles (``article_key``s, in any order)."""
    digest = xxhash.xxh3_128(outlet.encode())
    for key in sorted(articles):
        digest.update(key)
    return digest.digest()


def _profiles(raw: list, boilerplate: np.ndarray, lookups: list[bytes] | None, kept: Kept):
    """Each article's profile, its key and signature code, and which profiles were left untrimmed
    (``lazy``: key and code kept from the last run, which had this article, and none of whose
    shingles joined or left the boilerplate since)."""
    usable = lookups is not None and kept.boilerplate is not None
    before = {k: n for n, k in enumerate(kept.articles)} if usable else {}
    moved = _touching(raw, sets.either(kept.boilerplate, boilerplate)) if before else np.zeros(len(raw), dtype=bool)
    profiles, keys, codes, sizes, lazy = [], [], [], [], set()
    kept_codes, kept_sizes = kept.codes.tolist(), kept.sizes.tolist()  # Python ints: no numpy scalar per article
    for n, (profile, unmoved) in enumerate(zip(raw, (~moved).tolist())):
        at = before.get(lookups[n], -1) if before and unmoved else -1
        if at >= 0 and (kept_codes[at] != SIGNED or kept.profiled[at] in kept.signatures):
            keys.append(kept.profiled[at])
            codes.append(kept_codes[at])
            sizes.append(kept_sizes[at])
            lazy.add(n)
        else:
            profile = copies.trimmed(profile, boilerplate)
            keys.append(profile_key(profile))
            codes.append(OWN if profile is raw[n] else SIGNED if len(profile.shingles) else EMPTY)
            sizes.append(len(profile.shingles))
        profiles.append(profile)
    return profiles, keys, np.array(codes, dtype=np.int8), np.array(sizes, dtype=np.int64), lazy


def _kept(keys, first, second, verdicts, found, signatures, fresh: int, confirmed: int) -> Kept:
    """This run's state: each pair of two different keys once, smaller position first, and only the
    copies' (rule, score, detail) those pairs hold (renumbered), so ``found`` does not grow run after run."""
    a, b = np.minimum(first, second), np.maximum(first, second)
    pairs, at = np.unique(a[a != b] * max(len(keys), 1) + b[a != b], return_index=True)
    first, second = np.divmod(pairs, max(len(keys), 1))
    kept = verdicts[a != b][at]
    used = sets.unique(kept[kept > 0])
    renumbered = np.zeros(len(found) + 1, dtype=np.int64)
    renumbered[used] = np.arange(1, len(used) + 1)
    return Kept(keys, first, second, renumbered[kept], [found[v - 1] for v in used.tolist()], signatures, fresh=fresh,
                confirmed=confirmed, pairs=len(verdicts))


def _codes(n: int, pairs, position: Mapping[str, int]) -> np.ndarray:
    """Pairs of ids as numbers i * n + j, i < j."""
    found = np.array([(position[a], position[b]) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    return sets.unique(pair_codes(found[:, 0], found[:, 1], n))


def _confirm(profiles, codes: np.ndarray, settings: DedupSettings, found: list, sizes: np.ndarray) -> np.ndarray:
    """``copies.confirm`` on each pair (``sizes``: each profile's shingles without boilerplate); a
    copy's (rule, score, detail) is added to ``found``. One profile of a pair may still hold its
    boilerplate: what the two share is the same, as the other holds none."""
    first, second = np.divmod(codes, max(len(profiles), 1))
    pairs = [(profiles[a].id, profiles[b].id) for a, b in zip(first.tolist(), second.tolist())]
    by_id = {p.id: p for p in profiles}
    size = dict(zip((p.id for p in profiles), sizes.tolist()))
    verdicts = np.zeros(len(codes), dtype=np.int64)
    for n, ((a, b), shared) in enumerate(zip(pairs, copies._shared_counts(pairs, by_id))):
        merge = copies.confirm(by_id[a], by_id[b], settings, shared, (size[a], size[b]))
        if merge:
            found.append((merge.rule, merge.score, merge.detail))
            verdicts[n] = len(found)
    return verdicts


def _touching(raw: list, shingles: np.ndarray) -> np.ndarray:
    """Which profiles hold any of ``shingles`` (sorted), looked up all at once."""
    lengths = np.fromiter((len(p.shingles) for p in raw), dtype=np.int64, count=len(raw))
    if not len(shingles) or not lengths.sum():
        return np.zeros(len(raw), dtype=bool)
    hit = sets.member(np.concatenate([p.shingles for p in raw]), shingles)  # a few: compared one by one, ~20x a search
    filled = np.flatnonzero(lengths > 0)
    found = np.zeros(len(raw), dtype=bool)
    found[filled] = np.logical_or.reduceat(hit, (np.cumsum(lengths) - lengths)[filled])
    return found


def _signatures(profiles, keys: list[bytes], codes: np.ndarray, kept: Kept, signer: Signer) -> tuple[list, dict[bytes, np.ndarray]]:
    """Each profile's signature (None without shingles): its article's, a kept one, or computed."""
    found, again = [], {}
    for profile, key, code in zip(profiles, keys, codes.tolist()):
        signature = profile.signature if code == OWN else None
        if code == SIGNED:
            signature = kept.signatures.get(key)
            if signature is None:
                signature = signer.sign(profile.shingles)
            again[key] = signature
        found.append(signature)
    return found, again


def _kept_pairs(old: np.ndarray, signatures: list, kept: Kept) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs of two known profiles, with their kept verdicts: the last run's pairs of
    two different keys, for every article holding each key. (Two signed articles of one key always
    collide: ``_lsh_codes`` finds them.)"""
    n = len(old)
    holders = np.argsort(old, kind="stable")
    holders = holders[old[holders] >= 0]
    starts = np.searchsorted(old[holders], np.arange(len(kept.keys)))
    counts = np.searchsorted(old[holders], np.arange(len(kept.keys)), "right") - starts
    first, second = kept.first, kept.second
    present = (counts[first] > 0) & (counts[second] > 0) if len(first) else np.zeros(0, bool)
    single = present & (counts[first] == 1) & (counts[second] == 1)
    a, b = holders[starts[first[single]]], holders[starts[second[single]]]
    codes, verdicts = [pair_codes(a, b, n)], [kept.verdict[single]]
    for p, q, v in zip(first[present & ~single].tolist(), second[present & ~single].tolist(),
                       kept.verdict[present & ~single].tolist()):
        for x in holders[starts[p]:starts[p] + counts[p]].tolist():
            for y in holders[starts[q]:starts[q] + counts[q]].tolist():
                codes.append(np.array([min(x, y) * n + max(x, y)]))
                verdicts.append(np.array([v]))
    return np.concatenate(codes).astype(np.int64), np.concatenate(verdicts).astype(np.int64)


def _lsh_codes(signatures: list, known: np.ndarray, settings: DedupSettings) -> np.ndarray:
    """``copies._candidates`` as pair numbers, but only pairs with a fresh profile or two articles
    of one profile when most are known (the other pairs are kept).

    Two signatures collide when one band's values are all equal; a band of two 32-bit values is one
    64-bit number, so the fresh rows are looked up in each band's sorted values. Other bandings
    (another ``lsh_threshold``) find every pair again with ``copies._colliding``."""
    signed = np.array([n for n, s in enumerate(signatures) if s is not None], dtype=np.int64)
    n = len(signatures)
    if len(signed) < 2:
        return np.zeros(0, dtype=np.int64)
    # one concatenation, not np.stack's view of each of 1,020 signatures (~6 ms of a cold re-run)
    table = np.concatenate([signatures[k] for k in signed.tolist()]).astype(np.uint64).reshape(len(signed), -1)
    bands, rows = copies._bands(settings.lsh_threshold, settings.num_perm)
    if rows != 2 or known[signed].sum() < 0.8 * len(signed):  # few known: every pair again costs less
        found = sets.unique(np.concatenate([copies._colliding(table[:, b * rows:(b + 1) * rows]) for b in range(bands)]))
        i, j = np.divmod(found, len(signed))
    else:
        i, j = _fresh_collisions(table, np.flatnonzero(~known[signed]), bands)
    i, j = signed[i], signed[j]
    return sets.unique(pair_codes(i, j, n))


def _fresh_collisions(table: np.ndarray, fresh: np.ndarray, bands: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows (i, j) colliding in some band of two values, i in ``fresh``, or both of one profile."""
    first, second = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    by_band = ((table[:, 0:2 * bands:2] << np.uint64(32)) | table[:, 1:2 * bands:2]).T.copy()  # a band's values together
    for values in by_band:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        low = np.searchsorted(ordered, values[fresh], "left")
        counts = np.searchsorted(ordered, values[fresh], "right") - low
        hit = counts > 1  # each fresh row with the rows of its value (itself too), all at once
        first.append(np.repeat(fresh[hit], counts[hit]))
        second.append(order[_ranges(low[hit], counts[hit])])
    same = _same_rows(table, by_band[0])
    first, second = np.concatenate([*first, same[0]]), np.concatenate([*second, same[1]])
    return first[first != second], second[first != second]


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[k]``, ``starts[k] + 1``... (``counts[k]`` numbers) for each k, one after the other:
    a Python loop over the fresh rows of each of 64 bands took ~0.1 s of a 10,000-article re-run."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + np.repeat(starts - (ends - counts), counts)


def _same_rows(table: np.ndarray, first_band: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows with equal signatures (articles of one profile collide in every band): of the
    pairs equal in the first band (its values), those equal in all (``np.unique`` of whole rows took
    ~7 ms of a 1,010-article re-run)."""
    _, bucket = np.unique(first_band, return_inverse=True)
    first, second = np.divmod(copies.bucket_pairs(bucket.ravel()), len(table))
    same = (table[first] == table[second]).all(axis=1)
    return first[same], second[same]
