"""Score every line the consensus box finds on the frozen news golds (``tests/gold/news_facts*.yaml``).

    python3 benchmarks/news_facts_eval.py DATA_PATH [--split held-out|tuning|all] [--gold FILE|all]
                                          [--verbose] [--missed] [--json] [--words]

``--gold``: the gold file (default ``tests/gold/news_facts.yaml``; the second and third, drawn by
``consensus_pick.py --draw 2`` and ``--draw 3``, are ``tests/gold/news_facts_2.yaml`` and
``tests/gold/news_facts_3.yaml``), or ``all`` for every file in ``GOLDS`` together (their stories
are distinct). The report names the file(s) scored.

DATA_PATH is the shared data folder (``../shared/data``), read in place. Every line
``find_facts`` returns is scored (as ``digest facts`` lists them, not only the box's top ten).
Matching is ``consensus_eval``'s lenient match. Reported, over the stories of the split:
- consensus precision / recall, dispute precision / recall (recall over required gold facts;
  a line matching an optional gold fact counts as correct);
- support k: matched lines whose source count is the gold count;
- publishable: share of all lines an editor could publish as they stand: the line matches a gold
  fact, its label is no bare noun ("People", "Jobs") and holds no stray year (a year fewer than two
  of its sentences state), and a statement is no fragment (``digest.facts.fragments``: unbalanced
  quotes, cut sentences, a first word that needs the previous sentence, a quote with no speaker);
- single: consensus lines of a fact one source states (gold ``not_consensus`` with one source, or
  a line with fewer than two sources); merged: one number two sources use for different things;
- bad labels: lines with a bare-noun or stray-year label.
Statements are paired as a run pairs them: with the paraphrase model where the extra is installed,
else by word overlap; ``--words``: word overlap alone. The matcher used is printed (``matcher``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_eval as ce  # noqa: E402
from digest.config import ConsensusSettings  # noqa: E402
from digest.facts.consensus import find_facts  # noqa: E402
from digest.facts.fragments import why_not_whole  # noqa: E402
from digest.models import Fact  # noqa: E402

GOLD = ROOT / "tests" / "gold" / "news_facts.yaml"
GOLDS = (GOLD, ROOT / "tests" / "gold" / "news_facts_2.yaml", ROOT / "tests" / "gold" / "news_facts_3.yaml")
_ATTRIBUTE_NOUNS = {"sales", "earnings", "revenues", "losses", "profits", "savings", "prices", "costs"}


def neus_stories(data: Path, ids: set[str]) -> dict:
    stories = {}
    for name in ("test.jsonl", "val.jsonl"):
        for line in (data / "neus_allsides" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["id"] in ids:
                stories[row["id"]] = ce.neus_story(row)
    return stories


def label(fact: Fact) -> str:
    """The slot label of a figure line ("Killed, Q2 2025"); "" for statements and variants."""
    if fact.status == "disputed" or fact.status == "changed":
        return fact.text
    if fact.status == "consensus" and fact.values:
        return fact.text.rsplit(": ", 1)[0]
    return ""


def bad_label(fact: Fact) -> str:
    """"bare noun", "stray year" or ""."""
    text = label(fact)
    if not text:
        return ""
    head = text.split(",")[0].split(" (")[0].strip().lower()
    if " " not in head and (head.endswith("s") or head in ("people", "staff")) and head not in _ATTRIBUTE_NOUNS:
        return "bare noun"
    sentences = [e.sentence for e in fact.evidence]
    for year in re.findall(r"\b(?:19|20)\d\d\b", text):
        if sum(year in s for s in sentences) < 2:
            return "stray year"
    return ""


def fragment(fact: Fact) -> str:
    """Why a statement line is not publishable as it stands ("" if it is): ``fragments.why_not_whole``."""
    if fact.values or fact.status != "consensus":
        return ""
    return why_not_whole(fact.text, fact.note.removeprefix("said by ") if fact.note.startswith("said by") else "")


def gold_files(choice: str) -> tuple[Path, ...]:
    """The gold files ``--gold`` names: ``all`` is every file in ``GOLDS``; a path is read as given."""
    if choice == "all":
        return GOLDS
    path = Path(choice) if Path(choice).is_file() else ROOT / choice   # as given, else from the project root
    if not path.is_file():
        raise SystemExit(f"news_facts_eval: no gold file {choice!r} (give a path, or 'all' for {', '.join(_names(GOLDS))})")
    return (path,)


def _names(files: tuple[Path, ...]) -> list[str]:
    return [str(f.resolve().relative_to(ROOT)) if f.resolve().is_relative_to(ROOT) else str(f) for f in files]


def load_golds(files: tuple[Path, ...]) -> list[dict]:
    """The stories of every file, in file order; a story id in two files is an error."""
    stories = [s for f in files for s in yaml.safe_load(f.read_text(encoding="utf-8"))["stories"]]
    ids = [str(s["id"]) for s in stories]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise SystemExit(f"news_facts_eval: story ids in more than one gold file: {', '.join(twice)}")
    return stories


def evaluate(data: Path, split: str, settings: ConsensusSettings, verbose: bool, missed: bool = False,
             encoder=None, files: tuple[Path, ...] = (GOLD,)) -> dict:
    chosen = [s for s in load_golds(files) if split == "all" or s["split"] == split]
    golds = {str(s["id"]): s for s in chosen}
    stories = neus_stories(data, {i for i, s in golds.items() if s["data"] == "neus"})
    stories |= ce.emergent_stories(data, {i for i, s in golds.items() if s["data"] == "emergent"})
    tally, lines, publishable, bad, out = ce.Tally(), 0, 0, [], []
    for story_id, gold in golds.items():
        facts = _every_line(stories[story_id], settings, encoder)
        shown = tally.add(facts, gold)
        pairs, _ = ce.score(facts, gold.get("facts", []))
        for (fact, found), text in zip(pairs, shown):
            why = bad_label(fact) or fragment(fact)
            lines += 1
            publishable += bool(found) and not why
            if bad_label(fact):
                bad.append(f"{story_id}: {fact.text}")
            out.append(f"{text}{'  [' + why + ']' if why else ''}")
        if missed:
            found = {f for _, f in pairs}
            out.extend(f"    MISSED {g.get('status', 'consensus'):9} {len(g['sources'])} srcs {g['id']:24} {g['match']}"
                       for g in gold.get("facts", []) if g["id"] not in found and not g.get("optional")
                       and g.get("status", "consensus") in ("consensus", "disputed"))
        if verbose or missed:
            print(f"\n{story_id} ({gold['split']})\n" + "\n".join(out))
        out.clear()
    c = tally.counts
    return {"gold": _names(files), "split": split, "stories": tally.stories, "lines": lines, "counts": c,
            "consensus_precision": _ratio(c["consensus_ok"], c["consensus"]),
            "consensus_recall": _ratio(c["consensus_found"], c["consensus_gold"]),
            "dispute_precision": _ratio(c["disputed_ok"], c["disputed"]),
            "dispute_recall": _ratio(c["disputed_found"], c["disputed_gold"]),
            "support_exact": _ratio(c["support_ok"], c["support"]),
            "publishable": _ratio(publishable, lines),
            "single_as_consensus": c["single"], "merged_as_consensus": c["merged"], "bad_labels": bad}


def _every_line(story, settings: ConsensusSettings, encoder=None):
    """Every line ``digest facts`` lists; code from before ``every`` (today's figures) gets max_facts=50."""
    if encoder is not None:
        return find_facts(story, settings, every=True, encoder=encoder)
    try:
        return find_facts(story, settings, every=True)
    except TypeError:
        return find_facts(story, settings)


def _ratio(a: int, b: int) -> list:
    return [round(a / b, 2) if b else None, a, b]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holding neus_allsides/ and emergent/)")
    parser.add_argument("--split", choices=("held-out", "tuning", "all"), default="held-out")
    parser.add_argument("--verbose", action="store_true", help="every line with its gold match")
    parser.add_argument("--missed", action="store_true", help="every line, and the required gold facts no line matched")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--words", action="store_true", help="pair statements by word overlap alone (no model)")
    parser.add_argument("--gold", default=str(GOLD.relative_to(ROOT)),
                        help="the gold file (default: %(default)s), or 'all' for every news gold (GOLDS) together")
    args = parser.parse_args()
    files = gold_files(args.gold)
    used = ce.matcher(args.words)
    result = evaluate(args.data, args.split, ConsensusSettings(max_facts=50), args.verbose, args.missed, used.encoder,
                      files)
    result["matcher"] = used.note
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"\ngold: {', '.join(result['gold'])}\nsplit={result['split']} stories={result['stories']} "
          f"lines={result['lines']}\nmatcher: {used.note}")
    for key in ("consensus_precision", "consensus_recall", "dispute_precision", "dispute_recall", "support_exact",
                "publishable"):
        value, a, b = result[key]
        print(f"{key:22} {value if value is not None else '-':>5} ({a}/{b})")
    print(f"{'single_as_consensus':22} {result['single_as_consensus']:>5}")
    print(f"{'merged_as_consensus':22} {result['merged_as_consensus']:>5}")
    print(f"{'bad_labels':22} {len(result['bad_labels']):>5}  " + "; ".join(result["bad_labels"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
