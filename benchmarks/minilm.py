"""all-MiniLM-L6-v2 in numpy: the sentence-transformers model's forward pass without torch.

The model (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0, revision 1110a243: a 6-layer BERT,
hidden 384, 12 heads) is read from its own files: ``model.safetensors`` (``safetensors.numpy``),
``tokenizer.json`` (``tokenizers``), ``config.json``. As sentence-transformers runs it
(``modules.json``: Transformer, mean Pooling, Normalize; ``sentence_bert_config.json``: at most 256
tokens): WordPiece ids with [CLS]/[SEP], token + position + type embeddings, LayerNorm, six
post-norm encoder layers (self-attention over the unpadded tokens, erf-GELU feed-forward), the
mean of the last hidden states over the attention mask, L2-normalised.
Checked against sentence-transformers 6.2.0 under torch 2.13.0 (CPU) on 200 news sentences
(``consensus_minilm.py --reference``: largest difference 1.7e-7).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy

MAX_TOKENS = 256  # sentence_bert_config.json's max_seq_length (tokenizer.json says 128; the library overrides it)
BATCH = 32


class MiniLM:
    """Unit-length 384-dimension sentence vectors from a folder holding the model's files."""

    def __init__(self, folder: Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.w = {name: numpy.ascontiguousarray(value.T) if name.endswith("dense.weight") or "self." in name
                  and name.endswith(".weight") else value
                  for name, value in load_file(str(folder / "model.safetensors")).items()}
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest of the batch

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        """A (len(texts), 384) float32 array of unit vectors; batches sorted by length (less padding)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        found = numpy.zeros((len(texts), self.w["embeddings.word_embeddings.weight"].shape[1]), dtype="float32")
        for start in range(0, len(order), BATCH):
            chosen = order[start:start + BATCH]
            found[chosen] = self._batch([texts[i] for i in chosen])
        return found

    def _batch(self, texts: list[str]) -> numpy.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = numpy.array([e.ids for e in encoded], dtype="int64")
        types = numpy.array([e.type_ids for e in encoded], dtype="int64")
        mask = numpy.array([e.attention_mask for e in encoded], dtype="float32")
        hidden = self._encode(ids, types, mask)
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / numpy.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return pooled / numpy.maximum(numpy.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _encode(self, ids, types, mask) -> numpy.ndarray:
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][numpy.arange(ids.shape[1])][None]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = self._norm(x, "embeddings.LayerNorm")
        blocked = ((1.0 - mask) * numpy.finfo("float32").min)[:, None, None, :]  # padding gets no attention
        for k in range(self.layers):
            x = self._layer(x, blocked, f"encoder.layer.{k}.")
        return x

    def _layer(self, x, blocked, at: str) -> numpy.ndarray:
        attended = self._attention(x, blocked, at + "attention.self.")
        x = self._norm(self._dense(attended, at + "attention.output.dense") + x, at + "attention.output.LayerNorm")
        inner = _gelu(self._dense(x, at + "intermediate.dense"))
        return self._norm(self._dense(inner, at + "output.dense") + x, at + "output.LayerNorm")

    def _attention(self, x, blocked, at: str) -> numpy.ndarray:
        batch, length, width = x.shape
        size = width // self.heads

        def heads(name: str):
            return self._dense(x, at + name).reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        scores = heads("query") @ heads("key").transpose(0, 1, 3, 2) / numpy.float32(numpy.sqrt(size)) + blocked
        scores = numpy.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        return (scores @ heads("value")).transpose(0, 2, 1, 3).reshape(batch, length, width)

    def _dense(self, x, name: str) -> numpy.ndarray:
        """``x @ W.T + b`` as one 2-D product with W transposed once at load (a stacked product with a
        transposed view misses BLAS: 100 times slower here)."""
        weight = self.w[name + ".weight"]
        flat = x.reshape(-1, x.shape[-1]) @ weight + self.w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], weight.shape[1])

    def _norm(self, x, name: str) -> numpy.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / numpy.sqrt(var + self.eps) * self.w[name + ".weight"] + self.w[name + ".bias"]


def _gelu(x: numpy.ndarray) -> numpy.ndarray:
    from scipy.special import erf

    found = erf(x * numpy.float32(1 / numpy.sqrt(2.0)))  # the exact (erf) GELU BERT's "gelu" names, in place
    found += 1
    found *= x
    found *= numpy.float32(0.5)
    return found
