"""Paraphrase signal: sentence embeddings from WordLlama's ``l2_supercat`` model (256 dimensions).

Word overlap (``statements.StatementMatcher``) misses sources that state one fact in other words;
the cosine of two sentences' embeddings is a second signal for pairing statements.

The model ships inside its own PyPI package, ``wordllama`` 0.4.0.post1 (MIT, by its author,
D. Lee Miller; weights ``weights/l2_supercat_256.safetensors``, tokenizer
``tokenizers/l2_supercat_tokenizer_config.json``): token embeddings distilled from a large language
model's, averaged, numpy only, ~0.4 ms a sentence and ~0.3 s to load. It was chosen over
all-MiniLM-L6-v2 (sentence-transformers and torch: 20-27 s to import here under load, 30-70 ms a
sentence) after the same evaluations gave the same lines (news gold tuning half, seeds, older gold;
MSRP: ``benchmarks/consensus_paraphrase.py``). Both files must have their ``PINNED`` sha256; any
other file is refused with a message and the box falls back to word overlap, as it does when the
switch is off (``consensus.paraphrase`` in config.yaml, or DIGEST_PARAPHRASE=0). Nothing is
downloaded: the files are read from the package folder (or ``consensus.paraphrase_model``) by
``WordLlama`` below, with the package's own libraries (tokenizers, safetensors, numpy) but not the
package: its import (requests, its model configurations) cost 0.45-0.6 s of the ~0.85 s a load
took; the vectors are the package's to the bit (``tests/test_paraphrase.py``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.config import ConsensusSettings

log = logging.getLogger(__name__)

PACKAGE = "wordllama"
MODEL_NAME = "WordLlama l2_supercat 256"
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
PINNED = {  # the files wordllama 0.4.0.post1 ships and the loader reads
    WEIGHTS: "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    TOKENIZER: "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
}
MODEL_SHA256 = PINNED[WEIGHTS]
INSTALL = "pip install wordllama==0.4.0.post1"


class Encoder:
    """Unit-length sentence vectors, each text embedded once per encoder (one per run)."""

    def __init__(self, model, folder: Path):
        self.model = model
        self.folder = folder
        self._cache: dict[str, object] = {}
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]):
        """A (len(texts), dim) float32 array of unit vectors, in the order of ``texts``."""
        import numpy

        with self._lock:
            new = sorted({t for t in texts if t not in self._cache})
            if new:
                found = self.model.embed(new, norm=True, batch_size=64)
                self._cache.update(zip(new, found))
            if not texts:
                return numpy.zeros((0, 1), dtype="float32")
            return numpy.stack([self._cache[t] for t in texts])

    def similarity(self, texts: Sequence[str]):
        """Cosine similarity of every pair of ``texts``: a square array."""
        found = self.vectors(texts)
        return found @ found.T


@dataclass(frozen=True)
class Loaded:
    """The matcher a run uses: ``encoder`` (None: word overlap alone) and what ``digest facts`` says of it."""

    encoder: Encoder | None
    note: str


def package_folder() -> Path | None:
    """The installed package's folder (it holds the model's files), found without importing anything."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def why_not(folder: Path | None) -> str:
    """Why the model in ``folder`` cannot be used ("" if it can): absent, or a file not the pinned one."""
    if folder is None:
        return f"wordllama is not installed ({INSTALL})"
    for name, expected in PINNED.items():
        path = folder / name
        if not path.is_file():
            return f"no {name} in {folder}"
        found = sha256(path)
        if found != expected:
            return (f"{path} has sha256 {found}, not {MODEL_NAME}'s {expected}: "
                    "refused (the model is used only with the files it was measured with)")
    return ""


OFF = {"0", "false", "no", "off"}


def switched_on(settings: ConsensusSettings, environ: Mapping[str, str]) -> bool:
    """``consensus.paraphrase``, unless the environment says DIGEST_PARAPHRASE=0 (a small machine, a test run)."""
    return settings.paraphrase and environ.get("DIGEST_PARAPHRASE", "").strip().lower() not in OFF


def folder_of(settings: ConsensusSettings) -> Path | None:
    return settings.paraphrase_model.expanduser() if settings.paraphrase_model else package_folder()


def identity(settings: ConsensusSettings, environ: Mapping[str, str]) -> str:
    """Which matcher a run would use, without loading anything (a cache key for its boxes):
    "words", or the model's weights file with its size and time (a replaced file is a new key)."""
    folder = folder_of(settings) if switched_on(settings, environ) else None
    weights = folder / WEIGHTS if folder else None
    if weights is None or not weights.is_file():
        return "words"
    found = weights.stat()
    return f"{MODEL_NAME}:{MODEL_SHA256[:16]}:{weights}:{found.st_size}:{found.st_mtime_ns}"


_LOADED: dict[str, Loaded] = {}
_LOADING = threading.Lock()


def load(settings: ConsensusSettings, environ: Mapping[str, str]) -> Loaded:
    """The run's matcher: the model in ``consensus.paraphrase_model`` (default: the installed package's),
    loaded once per process and folder; word overlap when switched off, absent, refused or failing."""
    if not switched_on(settings, environ):
        why = "DIGEST_PARAPHRASE=0" if settings.paraphrase else "consensus.paraphrase is off"
        return Loaded(None, f"word overlap ({why})")
    folder = folder_of(settings)
    with _LOADING:
        if str(folder) not in _LOADED:
            _LOADED[str(folder)] = _load(folder)
        return _LOADED[str(folder)]


def _load(folder: Path | None) -> Loaded:
    reason = why_not(folder)
    if not reason:
        try:
            return Loaded(_model(folder), f"paraphrase model {MODEL_NAME} (sha256 {MODEL_SHA256[:12]}…) and word overlap")
        except Exception as error:  # a broken install must not stop the issue: fall back, say why
            reason = f"{MODEL_NAME} in {folder} failed to load: {type(error).__name__}: {error}"
    log.warning("consensus box: %s; statements are paired by word overlap only", reason)
    return Loaded(None, f"word overlap ({reason})")


def _model(folder: Path) -> Encoder:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # its threads and the facts pool's fork do not mix
    model = WordLlama(folder / WEIGHTS, folder / TOKENIZER)
    log.info("consensus box: %s loaded from %s", MODEL_NAME, folder)
    return Encoder(model, folder)


class WordLlama:
    """WordLlama's dense inference as wordllama 0.4.0.post1 does it (``WordLlama.load`` and
    ``WordLlamaInference.embed``: the same tokenizer settings and the same numpy steps in the same
    order, so every vector is the same to the bit), read from the two pinned files ``_model`` names.
    Importing the package itself (requests, its configurations) cost a box 0.3-0.6 s, more than
    the model's files; and its loader takes files from its own folder before the folder it is given.
    Of the ~0.3 s a load now takes, parsing the tokenizer's 1.8 MB of JSON is 0.14-0.23 s (its 61,249
    merges most of it; in Rust, holding Python's lock, so a thread would not hide it)."""

    def __init__(self, weights: Path, tokenizer: Path):
        from safetensors import safe_open
        from tokenizers import Tokenizer

        with safe_open(str(weights), framework="np", device="cpu") as handle:
            self.embedding = handle.get_tensor("embedding.weight")  # float16, widened (exactly) row by row when
            # read: wordllama's float32 copy of all of it (32 MB) took ~30-50 ms for a few hundred rows used
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_padding()
        self.tokenizer.no_truncation()

    def embed(self, texts: list[str], norm: bool = False, batch_size: int = 64):
        """A (len(texts), dim) float32 array: each text's token vectors averaged (unit length with ``norm``)."""
        import numpy

        found = numpy.empty((len(texts), self.embedding.shape[1]), dtype=numpy.float32)
        for start in range(0, len(texts), batch_size):
            encoded = self.tokenizer.encode_batch(texts[start:start + batch_size], is_pretokenized=False,
                                                  add_special_tokens=False)
            ids = numpy.array([e.ids for e in encoded], dtype=numpy.int32)
            mask = numpy.array([e.attention_mask for e in encoded], dtype=numpy.float32)
            numpy.clip(ids, 0, self.embedding.shape[0] - 1, out=ids)
            tokens = self.embedding[ids].astype(numpy.float32)
            count = numpy.maximum(mask.sum(axis=1, keepdims=True), 1.0).astype(numpy.float32)
            pooled = numpy.sum(tokens * mask[..., numpy.newaxis], axis=1, dtype=numpy.float32) / count
            if norm:
                pooled /= numpy.linalg.norm(pooled, axis=1, keepdims=True)
            found[start:start + pooled.shape[0]] = pooled
        return found
