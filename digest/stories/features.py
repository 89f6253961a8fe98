"""What dedup computes from one article alone, once, and how it is kept between runs.

Dedup's per-article work is the article's word 5-shingles (``copies.shingles``), their MinHash
signature, and the content-word counts of its story text (title and lead words) for TF-IDF. None
of it depends on the other articles of the week, so ``features_of`` computes it for the articles
it is not handed (``known``) and returns the new values in a form the work cache keeps
(``digest/work.py``, kind ``dedup``), keyed by ``work_key``: a hash of the article's title and
text and of the settings that shape the values (``shingle_words``, ``num_perm``,
``story_lead_words``) and ``_VERSION``. What depends on the whole week (an outlet's boilerplate,
LSH candidates, idf, average-link) is computed afresh every run from these values, so the stories
are exactly those of a run that kept nothing.

The signature is of the article's own shingles; when an outlet's boilerplate is taken out of an
article, ``copies`` signs what is left again (the minimum of a smaller set cannot be derived).

Compact on purpose, for 10,000 articles a week: shingles are a sorted ``uint64`` array (a
frozenset of Python ints took ~10x the memory), the words a tuple of (interned) strings with a
count array, and the cached value is these arrays packed as bytes (``encode``: a 16-byte header,
the shingles, the signature, the words in UTF-8, their counts), decoded with ``np.frombuffer``
instead of JSON and base64. Signatures are datasketch's values computed on the whole array at
once (``Signer``), without importing datasketch; a test checks them against datasketch itself.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import struct
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import chain

import numpy as np
import xxhash

from digest.config import DedupSettings
from digest.models import Article
from digest.sources import judging
from digest.stories import sets
from digest.text.words import STOP_WORDS

WORD = re.compile(r"[^\W_]+", re.UNICODE)
_VERSION = "dedup-2 xxh64 minhash-low32 packed"  # change when the code changes what a value holds
_EMPTY = np.zeros(0, dtype=np.uint64)


class Features:
    """Dedup's view of one article: its shingles (sorted 64-bit hashes), their MinHash values, and
    the content words of its story text with their counts, in the text's order.

    Read back from the work cache (``decode``), the words and counts stay packed until they are
    asked for: a re-run reads those of its new articles' leads only (``stories/regroup.py``)."""

    __slots__ = ("shingles", "signature", "_terms", "_counts")

    def __init__(self, shingles: np.ndarray, signature: np.ndarray | None, terms: tuple[str, ...] | bytes,
                 counts: np.ndarray | tuple[bytes, int]):
        self.shingles = shingles  # sorted, unique uint64
        self.signature = signature  # MinHash hash values of ``shingles``; None when there are none
        self._terms = terms  # the words, or them packed (UTF-8, one a line) until asked for
        self._counts = counts  # how often each of ``terms`` occurs, or (packed value, where they start)

    @property
    def terms(self) -> tuple[str, ...]:
        if isinstance(self._terms, bytes):
            self._terms = tuple(map(sys.intern, self._terms.decode().split("\n"))) if self._terms else ()
        return self._terms

    @property
    def counts(self) -> np.ndarray:
        if isinstance(self._counts, tuple):
            value, at = self._counts
            self._counts = np.frombuffer(value, _COUNT, -1, at)
        return self._counts

    @property
    def words(self) -> dict[str, int]:
        return dict(zip(self.terms, self.counts.tolist()))

    def __repr__(self) -> str:
        return f"Features({len(self.shingles)} shingles, {len(self.counts)} words)"


class Signer:
    """MinHash signatures with one set of permutations (drawn once, not per article).

    The values are datasketch's (``MinHash(num_perm)``: its ``affine32`` scheme and default seed 1,
    ``update_batch`` with the shingle's low 32 bits as its hash): the permutations are drawn as
    datasketch draws them and the values computed on the whole array at once, without importing
    datasketch (its package pulls in scipy.integrate, ~0.4 s of every run's start).
    ``tests/test_dedup_scale.py`` checks both against datasketch itself.
    """

    scheme = "affine32"
    SEED = 1  # datasketch's default

    def __init__(self, num_perm: int):
        # datasketch's ``MinHash._init_permutations``, bit for bit: numpy's ``RandomState(1)`` draws
        # ``randint(0, 2**31)`` then ``randint(0, 2**32)`` (uint32), one 32-bit Mersenne Twister output
        # each (the first masked to 31 bits); ``mersenne_outputs`` makes them without loading numpy.random
        # (~20 ms of a re-run; tests/test_dedup_scale.py checks them against numpy's)
        drawn = np.array(mersenne_outputs(self.SEED, 2 * num_perm), dtype=np.uint32)
        a = (drawn[:num_perm] & np.uint32(0x7FFFFFFF)) * np.uint32(2) + np.uint32(1)
        self.permutations = (a, drawn[num_perm:])

    def sign(self, values: np.ndarray) -> np.ndarray:
        """The MinHash values of a non-empty set of 64-bit hashes."""
        a, b = self.permutations
        mixed = _fmix32((values & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        least = np.full(len(a), np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, len(mixed), 1024):  # bounds the (values x permutations) table
            least = np.minimum(least, (mixed[start:start + 1024, None] * a + b).min(axis=0))
        return least

    def minhash(self, values, hashvalues: np.ndarray | None = None):
        """A datasketch ``MinHash`` of these values (for tests and benchmarks; imports datasketch)."""
        from datasketch import MinHash

        if hashvalues is None:
            hashvalues = self.sign(np.asarray(sorted(values), dtype=np.uint64))
        return MinHash(num_perm=len(self.permutations[0]), hashvalues=hashvalues, permutations=np.array(self.permutations),
                       scheme=self.scheme, hashfunc=_low_bits)


def mersenne_outputs(seed: int, count: int) -> list[int]:
    """The first ``count`` 32-bit outputs of MT19937 seeded with the 32-bit ``seed`` as numpy's
    ``RandomState(seed)`` seeds it (the reference ``init_genrand``), by Python's own MT19937 (the
    same generator: ``random.Random.getrandbits(32)`` is its next output) set to that state."""
    state = [seed & 0xFFFFFFFF]
    for n in range(1, 624):
        state.append((1812433253 * (state[-1] ^ (state[-1] >> 30)) + n) & 0xFFFFFFFF)
    twister = random.Random()
    twister.setstate((3, (*state, 624), None))  # position 624: the next output first twists the state
    return [twister.getrandbits(32) for _ in range(count)]


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch's ``affine32`` scheme applies it."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _low_bits(value: int) -> int:
    """MinHash's own hash of a shingle: the shingle is already a hash, its low 32 bits will do."""
    return value & 0xFFFFFFFF


def settings_print(settings: DedupSettings) -> str:
    shaping = [_VERSION, settings.shingle_words, settings.num_perm, settings.story_lead_words]
    return hashlib.sha256(json.dumps(shaping).encode()).hexdigest()[:16]


def text_hash(title: str, text: str) -> str:
    """A 128-bit xxh3 (hex) of ``title`` (length-prefixed) and ``text``: a fifth of the time of JSON
    and sha256 on 10,000 articles."""
    encoded = title.encode()
    content = xxhash.xxh3_128(b"%d\0" % len(encoded) + encoded)
    content.update(text.encode())
    return content.hexdigest()


def work_key(article: Article, stamp: str, content: str | None = None) -> str:
    """The article's title and text (``text_hash``; ``content``: that hash, if known)."""
    return f"{stamp}:{content or text_hash(article.title, article.text)}"


def work_keys(articles: Sequence[Article], settings: DedupSettings,
              known: Callable[[Article], str | None] = lambda article: None) -> dict[str, str]:
    """``work_key`` of every article, by article id: computed once per run (``known``: an article's
    ``text_hash`` when kept, e.g. ``WorkCache.text_hash``)."""
    stamp = settings_print(settings)
    return {a.id: work_key(a, stamp, known(a)) for a in articles}


def features_of(articles: Sequence[Article], settings: DedupSettings, known: Mapping[str, object] = {},
                signer: Signer | None = None, keys: Mapping[str, str] | None = None, processes: int | None = None,
                ) -> tuple[dict[str, Features], dict[str, bytes]]:
    """(Features by article id, new cache values by key); ``known`` holds kept values by key and
    ``keys`` the articles' ``work_key`` by id (computed here when not given). The new ones are
    computed in ``processes`` worker processes (default: ``judging.workers()``, one per core, up to 4) when
    there are at least ``POOL_MIN``; identical articles (one key) are computed once."""
    signer = signer or Signer(settings.num_perm)
    keys = keys if keys is not None else work_keys(articles, settings)
    todo = {keys[a.id]: a for a in articles if keys[a.id] not in known}
    computed = dict(zip(todo, _compute_all(list(todo.values()), settings, signer, processes)))
    decoded = {key: decode(known[key]) for key in {keys[a.id] for a in articles} - computed.keys()}
    found = {a.id: computed.get(keys[a.id]) or decoded[keys[a.id]] for a in articles}
    return found, {key: encode(value) for key, value in computed.items()}


POOL_MIN = 400  # below this, starting workers and shipping articles to them eat the gain (as in sources/judging.py)


def _compute_all(articles: list[Article], settings: DedupSettings, signer: Signer, processes: int | None) -> list[Features]:
    processes = judging.workers() if processes is None else processes
    if processes < 2 or len(articles) < POOL_MIN or (context := judging.fork_context()) is None:
        return [compute(a, settings, signer) for a in articles]
    from concurrent.futures import ProcessPoolExecutor  # the workers inherit the loaded code: no re-import

    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start, initargs=(settings,)) as pool:
        return list(pool.map(_compute_one, articles, chunksize=max(16, len(articles) // (processes * 8))))


_worker: tuple[DedupSettings, Signer] | None = None


def _start(settings: DedupSettings) -> None:
    global _worker
    _worker = (settings, Signer(settings.num_perm))


def _compute_one(article: Article) -> Features:
    return compute(article, *_worker)


def compute(article: Article, settings: DedupSettings, signer: Signer) -> Features:
    tokens = WORD.findall(article.text.lower())
    own = _shingles(tokens, settings.shingle_words)
    signature = signer.sign(own) if len(own) else None
    if settings.story_lead_words:
        words = content_words(story_text(article, settings.story_lead_words))
    else:  # the story text is the title and the whole text: its words are the title's and these tokens
        words = _content(Counter(chain(WORD.findall(article.title.lower()), tokens)))
    return Features(own, signature, tuple(words), np.fromiter(words.values(), dtype=np.uint32, count=len(words)))


_HEADER = struct.Struct("<4sIII")  # tag, shingles, signature values, bytes of terms


def encode(features: Features) -> bytes:
    """A compact value for the work cache: the arrays as they are in memory, the terms in UTF-8."""
    signature = features.signature.astype(np.uint32) if features.signature is not None else np.zeros(0, np.uint32)
    terms = "\n".join(features.terms).encode()
    return b"".join([_HEADER.pack(b"DD2\0", len(features.shingles), len(signature), len(terms)),
                     features.shingles.astype("<u8").tobytes(), signature.astype("<u4").tobytes(), terms,
                     features.counts.astype("<u4").tobytes()])


_SHINGLE, _MINHASH, _COUNT = np.dtype("<u8"), np.dtype("<u4"), np.dtype("<u4")  # as ``encode`` writes them


def decode(value: bytes) -> Features:
    """``encode``'s value read back: the arrays are read-only views of it; the words and their
    counts are read when asked for (a re-run decodes 1,010 values, ~11 -> ~3 ms)."""
    tag, count, perms, size = _HEADER.unpack_from(value)
    at = _HEADER.size + 8 * count + 4 * perms  # where the words start
    terms = value[at:at + size]
    if tag != b"DD2\0" or len(value) != at + size + 4 * (terms.count(b"\n") + 1 if size else 0):
        raise ValueError("not a dedup work value")
    own = np.frombuffer(value, _SHINGLE, count, _HEADER.size)  # positional: half the time of keywords
    signature = np.frombuffer(value, _MINHASH, perms, at - 4 * perms) if perms else None
    return Features(own, signature, terms, (value, at + size))


def shingles(text: str, size: int) -> np.ndarray:
    """Word ``size``-shingles of the lowercased text (the whole text if it is shorter), as sorted 64-bit hashes."""
    return _shingles(WORD.findall(text.lower()), size)


def _shingles(tokens: Sequence[str], size: int) -> np.ndarray:
    """``shingles`` of a text's lowercased words."""
    if len(tokens) < size:
        return np.array([xxhash.xxh64_intdigest(" ".join(tokens).encode())], dtype=np.uint64) if tokens else _EMPTY
    runs = map(" ".join, zip(*(tokens[i:len(tokens) - size + 1 + i] for i in range(size))))
    return sets.unique(np.fromiter((xxhash.xxh64_intdigest(run.encode()) for run in runs), dtype=np.uint64,
                                 count=len(tokens) - size + 1))


def story_text(article: Article, lead_words: int) -> str:
    """What TF-IDF compares: the title and the first ``lead_words`` words of the text (0: all)."""
    text = article.text if not lead_words else " ".join(article.text.split()[:lead_words])
    return f"{article.title}\n{text}"


def content_words(text: str) -> Counter:
    """Word counts without stop words, numbers and words of one or two letters."""
    return _content(Counter(WORD.findall(text.lower())))


def _content(counts: Counter) -> Counter:
    for word in [w for w in counts if w in STOP_WORDS or w.isdigit() or len(w) < 3]:
        del counts[word]
    return counts
