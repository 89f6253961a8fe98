"""digest's page reader against ``trafilatura.extract`` on trafilatura's own evaluation set.

    python3 benchmarks/extraction_eval.py DIR [--limit N] [--only digest|trafilatura] [--json OUT]
        [--misses N]

DIR is the ``tests`` folder of a checkout of github.com/adbar/trafilatura (``evaldata.json`` and
the saved pages under ``cache/`` and ``eval/``); the pages are never copied into this project.
Scoring is trafilatura's own: its ``eval_common.py`` (``load_evaldata``, ``validate``, ``resolve``,
``count_item``: whitespace-normalised substring matching of the "with" / "without" snippets,
summed into one confusion matrix) is imported from DIR, so the two rows are counted exactly as
trafilatura counts itself. Its row runs ``extract(html_bytes, fast=False, **EXTRACT_OPTS)``
(comments out, tables in, no formatting: the "trafilatura" row of its ``evaluate.py``).

digest's row reads each page as a saved file of a folder source (``digest.sources.folder.read_file``,
the path every folder page and fetched page takes) and scores the article's text blocks, joined
(the title is metadata, as trafilatura's output without metadata has none). A page digest
refuses (SourceError) scores as an empty result, as a crash does in trafilatura's evaluation.

Both run in the same process, one page after the other, so their times share the machine's load;
compare the ratio, not the seconds (the machine is shared).

Measured on trafilatura e90b0ef5 (990 pages, trafilatura 2.3.1, shared 2-core machine):

    reader                         P      R      F1      empty  time vs trafilatura
    digest before issue 16         0.902  0.918  0.9098  12     2.66x (72.5 s vs 27.2 s)
    digest after issue 16          0.910  0.945  0.9274  0      1.17x (127.0 s vs 108.4 s, loaded)
    trafilatura.extract            0.907  0.946  0.9261  0      1.00x
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_scoring(folder: Path):
    """trafilatura's own evaluation module from its tests folder."""
    if not (folder / "eval_common.py").is_file() or not (folder / "evaldata.json").is_file():
        sys.exit(f"{folder}: not trafilatura's tests folder (needs eval_common.py and evaldata.json)")
    sys.path.insert(0, str(folder))
    import eval_common  # noqa: PLC0415 - trafilatura's own scoring, from DIR

    return eval_common


def digest_reader():
    from digest.errors import SourceError
    from digest.sources.folder import read_file

    def run(path: Path) -> str | None:
        try:
            return read_file(path, root=path.parent, source="eval").text
        except SourceError:
            return None
    return run


def trafilatura_reader(scoring):
    from trafilatura import extract

    def run(path: Path) -> str | None:
        return extract(path.read_bytes(), fast=False, **scoring.EXTRACT_OPTS)
    return run


class Row:
    def __init__(self, name: str, scoring):
        self.name, self.matrix, self.seconds = name, scoring.ConfusionMatrix(), 0.0
        self.empty: set[str] = set()
        self.errors: dict[str, str] = {}
        self.per_page: dict[str, tuple[int, int, int, int]] = {}

    def score(self, scoring, url: str, item: dict, run, path: Path) -> None:
        start = time.perf_counter()
        try:
            result = run(path)
        except Exception as error:  # counted as a full miss, as trafilatura's evaluation does
            result = None
            self.errors[url] = f"{type(error).__name__}: {error}"
        self.seconds += time.perf_counter() - start
        if not result:
            self.empty.add(url)
        counts = scoring.count_item(item, result)
        self.per_page[url] = counts
        self.matrix.add(counts)

    def summary(self) -> dict:
        precision, recall, accuracy, f1 = self.matrix.scores()
        return {"reader": self.name, "precision": round(precision, 3), "recall": round(recall, 3),
                "accuracy": round(accuracy, 3), "f1": round(f1, 4), "seconds": round(self.seconds, 1),
                "empty": len(self.empty), "errors": len(self.errors)}


def evaluate(folder: Path, limit: int | None, only: str | None) -> tuple[list[Row], int]:
    scoring = load_scoring(folder)
    data = scoring.load_evaldata(str(folder))
    scoring.validate(data)
    urls = sorted(data)[:limit] if limit else sorted(data)
    readers = {"digest": digest_reader(), "trafilatura": trafilatura_reader(scoring)}
    rows = {name: Row(name, scoring) for name in readers if only in (None, name)}
    warm = Path(scoring.resolve(str(folder), data[urls[0]]["file"]))
    for name in rows:  # lazy imports and first-call set-up out of the timing
        readers[name](warm)
    for i, url in enumerate(urls, 1):
        path = Path(scoring.resolve(str(folder), data[url]["file"]))
        for name, row in rows.items():
            row.score(scoring, url, data[url], readers[name], path)
        if i % 100 == 0:
            print(f"{i}/{len(urls)} pages", file=sys.stderr)
    return list(rows.values()), len(urls)


def table(rows: list[Row], pages: int) -> str:
    lines = [f"{pages} pages", "| reader | precision | recall | accuracy | F1 | seconds | empty | errors |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        s = row.summary()
        lines.append(f"| {s['reader']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['accuracy']:.3f} | "
                     f"{s['f1']:.4f} | {s['seconds']:.1f} | {s['empty']} | {s['errors']} |")
    named = {row.name: row for row in rows}
    if len(named) == 2:
        ours, theirs = named["digest"], named["trafilatura"]
        refused = sorted(ours.empty - theirs.empty)
        ratio = ours.seconds / theirs.seconds if theirs.seconds else 0.0
        lines.append(f"digest empty where trafilatura reads: {len(refused)}; time ratio digest/trafilatura: {ratio:.2f}")
    return "\n".join(lines)


def misses(rows: list[Row], count: int) -> str:
    """The pages where digest does worst against trafilatura (for looking, not for tuning on)."""
    named = {row.name: row for row in rows}
    if len(named) < 2 or not count:
        return ""
    ours, theirs = named["digest"], named["trafilatura"]

    def loss(url: str) -> int:
        a, b = ours.per_page[url], theirs.per_page[url]
        return (b[0] - a[0]) + (a[1] - b[1])
    worst = sorted(ours.per_page, key=lambda u: (-loss(u), u))[:count]
    return "\n".join(f"{loss(u):+d} {u} digest={ours.per_page[u]} trafilatura={theirs.per_page[u]}"
                     f"{' ERROR ' + ours.errors[u] if u in ours.errors else ''}" for u in worst if loss(u) > 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path, help="trafilatura's tests folder (evaldata.json, cache/, eval/)")
    parser.add_argument("--limit", type=int, help="only the first N pages (sorted by URL)")
    parser.add_argument("--only", choices=("digest", "trafilatura"), help="run one reader")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--misses", type=int, default=0, help="list the N pages where digest loses most")
    args = parser.parse_args(argv)
    rows, pages = evaluate(args.dir, args.limit, args.only)
    print(table(rows, pages))
    worst = misses(rows, args.misses)
    if worst:
        print(worst)
    if args.json:
        args.json.write_text(json.dumps({"pages": pages, "rows": [r.summary() for r in rows],
                                         "empty": {r.name: sorted(r.empty) for r in rows}}, indent=2) + "\n")


if __name__ == "__main__":
    main()
