"""Every consensus-box line on the NeuS stories outside every gold, and what a change does to them.

    python3 benchmarks/consensus_outside.py DATA_PATH --dump FILE [--words] [--emergent]
    python3 benchmarks/consensus_outside.py --compare BEFORE AFTER [--sample N] [--seed S]

The golds (``tests/gold/*.yaml``) are what rules are tuned on and reported on; the other NeuS stories
(``neus_allsides/test.jsonl`` and ``val.jsonl``, three outlets each, read in place) are what a change
does to stories nobody wrote rules for: the proxy for held-out. ``--dump`` writes every line
``find_facts`` lists (``every``, as ``digest facts`` does) for each such story, as JSON, with the
sentences each line rests on, and the cost per story. ``--compare`` counts lines added, removed and
changed (the same text with other sources) between two dumps, and prints ``--sample`` of the added
lines drawn at random (``--seed``) with their evidence, to be judged by reading them.

``--emergent``: the Emergent claims outside every gold instead (``emergent/emergent_claims.jsonl``, those with
two outlets or more, built as ``consensus_eval.emergent_stories`` builds them): many outlets' headlines about
one rumour, what a change does to headlines nobody wrote rules for.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_eval as ce  # noqa: E402
from digest.config import ConsensusSettings  # noqa: E402
from digest.facts.consensus import find_facts  # noqa: E402


def gold_ids() -> set[str]:
    """Every story id any gold file names (NeuS or not)."""
    ids = set()
    for path in sorted((ROOT / "tests" / "gold").glob("*.yaml")):
        ids |= {str(s["id"]) for s in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stories", [])}
    return ids


def outside_stories(data: Path) -> dict:
    """The NeuS stories no gold names, in file order, as ``consensus_eval`` builds them."""
    golds, stories = gold_ids(), {}
    for name in ("test.jsonl", "val.jsonl"):
        for line in (data / "neus_allsides" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["id"] not in golds:
                stories[row["id"]] = ce.neus_story(row)
    return stories


def outside_claims(data: Path) -> dict:
    """The Emergent claims no gold names with two outlets or more, in file order."""
    golds, ids = gold_ids(), []
    for line in (data / "emergent" / "emergent_claims.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["claim_id"] not in golds and len({a["source"] for a in row["articles"]}) >= 2:
            ids.append(row["claim_id"])
    stories = ce.emergent_stories(data, set(ids))
    return {i: stories[i] for i in ids}


def dump(data: Path, words: bool, emergent: bool = False) -> dict:
    used = ce.matcher(words)
    settings = ConsensusSettings(max_facts=50)
    stories, lines, spent = (outside_claims if emergent else outside_stories)(data), {}, 0.0
    for story_id, story in stories.items():
        start = time.perf_counter()
        facts = find_facts(story, settings, every=True, encoder=used.encoder)
        spent += time.perf_counter() - start
        lines[story_id] = [{"status": f.status, "text": f.text, "sources": list(f.origin_ids),
                            "evidence": [e.sentence for e in f.evidence]} for f in facts]
    return {"matcher": used.note, "stories": len(stories), "ms_per_story": round(1000 * spent / max(len(stories), 1), 2),
            "lines": lines}


def compare(before: dict, after: dict) -> dict:
    """Lines added, removed and changed (same status and text, other sources), story by story."""
    added, removed, changed = [], [], []
    for story_id in sorted(set(before["lines"]) | set(after["lines"])):
        old = {(f["status"], f["text"]): f for f in before["lines"].get(story_id, [])}
        new = {(f["status"], f["text"]): f for f in after["lines"].get(story_id, [])}
        added += [(story_id, new[k]) for k in sorted(new.keys() - old.keys())]
        removed += [(story_id, old[k]) for k in sorted(old.keys() - new.keys())]
        changed += [(story_id, new[k]) for k in sorted(new.keys() & old.keys()) if new[k]["sources"] != old[k]["sources"]]
    return {"added": added, "removed": removed, "changed": changed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", help="the shared data folder (holding neus_allsides/ and emergent/)")
    parser.add_argument("--dump", type=Path, help="write every line of every outside story here (JSON)")
    parser.add_argument("--words", action="store_true", help="pair statements by word overlap alone (no model)")
    parser.add_argument("--emergent", action="store_true", help="the Emergent claims outside every gold, not NeuS")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--sample", type=int, default=20, help="added lines to print, drawn at random")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        found = compare(before, after)
        print(f"stories {after['stories']}; lines {sum(map(len, before['lines'].values()))} -> "
              f"{sum(map(len, after['lines'].values()))}; ms per story {before['ms_per_story']} -> {after['ms_per_story']}")
        print(" ".join(f"{key} {len(rows)}" for key, rows in found.items()))
        for key in ("removed", "changed"):
            for story_id, line in found[key]:
                print(f"  {key.upper():8} {story_id} {line['status']} {len(line['sources'])} srcs: {line['text'][:150]}")
        sample = random.Random(args.seed).sample(found["added"], min(args.sample, len(found["added"])))
        for story_id, line in sample:
            print(f"\nADDED {story_id} {line['status']} {len(line['sources'])} srcs: {line['text']}")
            for sentence in line["evidence"]:
                print(f"    | {sentence}")
        return 0
    if not (args.data and args.dump):
        parser.error("give DATA_PATH and --dump FILE, or --compare BEFORE AFTER")
    result = dump(args.data, args.words, args.emergent)
    args.dump.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{result['stories']} stories, {sum(map(len, result['lines'].values()))} lines, "
          f"{result['ms_per_story']} ms per story ({result['matcher']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
