"""Sentence splitters on known sentences: pysbd vs nupunkt, each with digest's repairs, accuracy and speed.

    python3 benchmarks/splitter_eval.py ../shared/data [--texts 2000] [--seed 18]

Gold: the MSRP sentences (``msrp/*.txt``, each field one complete news sentence, 2004-05 wire
copy full of "Mr.", "U.S.", "$2.5 billion", quotes). ``--texts`` paragraphs are built by joining
3-8 random sentences with a space; a splitter is right on a sentence when it returns exactly that
sentence (boundaries on both sides). Reported per backend: sentences recovered (recall), pieces
returned that are a gold sentence (precision), paragraphs split exactly right, and milliseconds
per 600 words. Both backends go through the same repairs (``sentences._join_abbreviations``,
``_skip_label``), so this measures what digest would return with each. Every piece is also
checked to be a verbatim substring of its paragraph.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.text import sentences  # noqa: E402


@lru_cache(maxsize=1)
def _pysbd():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def pysbd_spans(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for piece in _pysbd().segment(text):
        piece = piece.strip()
        start = text.find(piece, cursor) if piece else -1
        if start >= 0:
            spans.append((start, start + len(piece)))
            cursor = start + len(piece)
    return spans


BACKENDS = {"pysbd": pysbd_spans, "nupunkt": sentences.nupunkt_spans}


def gold(data: Path) -> list[str]:
    found = []
    for name in ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt"):
        with (data / "msrp" / name).open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                found += [row["#1 String"].strip(), row["#2 String"].strip()]
    return sorted({s for s in found if s[-1:] in ".!?\"'”"})


def split_with(backend, text: str) -> list[str]:
    spans = sentences._join_abbreviations(text, backend(text))
    return [text[a:b] for a, b in spans]


def evaluate(texts: list[list[str]], backend) -> dict:
    recovered = returned = correct = exact = words = 0
    started = time.perf_counter()
    results = [split_with(backend, " ".join(parts)) for parts in texts]
    seconds = time.perf_counter() - started
    for parts, pieces in zip(texts, results):
        joined = " ".join(parts)
        assert all(p in joined for p in pieces), "a piece is not a verbatim substring"
        wanted = set(parts)
        recovered += sum(1 for p in parts if p in pieces)
        returned += len(pieces)
        correct += sum(1 for p in pieces if p in wanted)
        exact += pieces == parts
        words += len(joined.split())
    total = sum(len(parts) for parts in texts)
    return {"recall": round(recovered / total, 4), "precision": round(correct / returned, 4),
            "paragraphs_exact": round(exact / len(texts), 4), "ms_per_600_words": round(seconds * 1000 * 600 / words, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    pool, rng = gold(args.data), random.Random(args.seed)
    texts = [rng.sample(pool, rng.randint(3, 8)) for _ in range(args.texts)]
    print(f"{len(pool)} gold sentences, {args.texts} paragraphs, {sum(map(len, texts))} sentences")
    for name, backend in BACKENDS.items():
        print(name, evaluate(texts, backend))


if __name__ == "__main__":
    main()
