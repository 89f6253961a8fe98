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
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xxhash
from datasketch import MinHash

from digest.config import DedupSettings
from digest.models import Article
from digest.text.words import STOP_WORDS

WORD = re.compile(r"[^\W_]+", re.UNICODE)
_VERSION = "dedup-1 xxh64 minhash-low32"  # change when the code changes what a value holds


@dataclass(frozen=True, slots=True)
class Features:
    """Dedup's view of one article: shingles, their MinHash values, story-text word counts."""

    shingles: frozenset[int]
    signature: np.ndarray | None  # MinHash hash values of ``shingles``; None when there are none
    words: Mapping[str, int]


class Signer:
    """MinHash signatures with one set of permutations (drawn once, not per article)."""

    def __init__(self, num_perm: int):
        self._template = MinHash(num_perm=num_perm, hashfunc=_low_bits)

    def minhash(self, values: frozenset[int] | Sequence[int], hashvalues: np.ndarray | None = None) -> MinHash:
        template = self._template
        if hashvalues is not None:
            return MinHash(num_perm=len(template), hashvalues=hashvalues, permutations=template.permutations,
                           scheme=template.scheme, hashfunc=_low_bits)
        signature = MinHash(num_perm=len(template), hashfunc=_low_bits, permutations=template.permutations,
                            scheme=template.scheme)
        signature.update_batch(sorted(values))
        return signature


def _low_bits(value: int) -> int:
    """MinHash's own hash of a shingle: the shingle is already a hash, its low 32 bits will do."""
    return value & 0xFFFFFFFF


def settings_print(settings: DedupSettings) -> str:
    shaping = [_VERSION, settings.shingle_words, settings.num_perm, settings.story_lead_words]
    return hashlib.sha256(json.dumps(shaping).encode()).hexdigest()[:16]


def work_key(article: Article, stamp: str) -> str:
    content = json.dumps([article.title, article.text], ensure_ascii=False).encode()
    return f"{stamp}:{hashlib.sha256(content).hexdigest()[:32]}"


def features_of(articles: Sequence[Article], settings: DedupSettings, known: Mapping[str, object] = {},
                signer: Signer | None = None) -> tuple[dict[str, Features], dict[str, object]]:
    """(Features by article id, new cache values by key); ``known`` holds kept values by key."""
    signer = signer or Signer(settings.num_perm)
    stamp = settings_print(settings)
    found, computed = {}, {}
    for article in articles:
        key = work_key(article, stamp)
        if key in known:
            found[article.id] = decode(known[key])
            continue
        if key not in computed:
            computed[key] = compute(article, settings, signer)
        found[article.id] = computed[key]
    return found, {key: encode(value) for key, value in computed.items()}


def compute(article: Article, settings: DedupSettings, signer: Signer) -> Features:
    own = shingles(article.text, settings.shingle_words)
    signature = signer.minhash(own).hashvalues if own else None
    return Features(own, signature, content_words(story_text(article, settings.story_lead_words)))


def encode(features: Features) -> dict:
    packed = np.array(sorted(features.shingles), dtype=np.uint64).tobytes()
    signature = features.signature.astype(np.uint64).tobytes() if features.signature is not None else b""
    return {"s": base64.b64encode(packed).decode("ascii"), "m": base64.b64encode(signature).decode("ascii"),
            "w": dict(features.words)}  # in the text's order: TF-IDF sums its weights in this order


def decode(value) -> Features:
    own = frozenset(np.frombuffer(base64.b64decode(value["s"]), dtype=np.uint64).tolist())
    signature = np.frombuffer(base64.b64decode(value["m"]), dtype=np.uint64).copy() if value["m"] else None
    return Features(own, signature, Counter(value["w"]))


def shingles(text: str, size: int) -> frozenset[int]:
    """Word ``size``-shingles of the lowercased text (the whole text if it is shorter), as 64-bit hashes."""
    tokens = WORD.findall(text.lower())
    if len(tokens) < size:
        return frozenset({xxhash.xxh64_intdigest(" ".join(tokens).encode())}) if tokens else frozenset()
    return frozenset(xxhash.xxh64_intdigest(" ".join(tokens[i:i + size]).encode()) for i in range(len(tokens) - size + 1))


def story_text(article: Article, lead_words: int) -> str:
    """What TF-IDF compares: the title and the first ``lead_words`` words of the text (0: all)."""
    text = article.text if not lead_words else " ".join(article.text.split()[:lead_words])
    return f"{article.title}\n{text}"


def content_words(text: str) -> Counter:
    """Word counts without stop words, numbers and words of one or two letters."""
    counts = Counter(WORD.findall(text.lower()))
    for word in [w for w in counts if w in STOP_WORDS or w.isdigit() or len(w) < 3]:
        del counts[word]
    return counts
