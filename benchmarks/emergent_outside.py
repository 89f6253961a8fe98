"""Every consensus-box line on the Emergent claims outside every gold: ``consensus_outside.py`` for headlines.

    python3 benchmarks/emergent_outside.py DATA_PATH --dump FILE [--words]
    python3 benchmarks/consensus_outside.py --compare BEFORE AFTER [--sample N]

An Emergent claim is many outlets' headlines about one rumour (``emergent/emergent_claims.jsonl``, read in
place, built into stories as ``consensus_eval.emergent_stories`` builds them). The claims no gold names are
what a change does to headlines nobody wrote rules for; the dump has ``consensus_outside.py``'s format, so
its ``--compare`` reads two of them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_eval as ce  # noqa: E402
import consensus_outside as co  # noqa: E402
from digest.config import ConsensusSettings  # noqa: E402
from digest.facts.consensus import find_facts  # noqa: E402


def outside_claims(data: Path) -> dict:
    """The Emergent claims no gold names with two outlets or more, in file order."""
    golds, ids = co.gold_ids(), []
    for line in (data / "emergent" / "emergent_claims.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["claim_id"] not in golds and len({a["source"] for a in row["articles"]}) >= 2:
            ids.append(row["claim_id"])
    stories = ce.emergent_stories(data, set(ids))
    return {i: stories[i] for i in ids}


def dump(data: Path, words: bool) -> dict:
    used = ce.matcher(words)
    settings = ConsensusSettings(max_facts=50)
    stories, lines, spent = outside_claims(data), {}, 0.0
    for story_id, story in stories.items():
        start = time.perf_counter()
        facts = find_facts(story, settings, every=True, encoder=used.encoder)
        spent += time.perf_counter() - start
        lines[story_id] = [{"status": f.status, "text": f.text, "sources": list(f.origin_ids),
                            "evidence": [e.sentence for e in f.evidence]} for f in facts]
    return {"matcher": used.note, "stories": len(stories), "ms_per_story": round(1000 * spent / max(len(stories), 1), 2),
            "lines": lines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holding emergent/)")
    parser.add_argument("--dump", type=Path, required=True, help="write every line of every outside claim here (JSON)")
    parser.add_argument("--words", action="store_true", help="pair statements by word overlap alone (no model)")
    args = parser.parse_args()
    result = dump(args.data, args.words)
    args.dump.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{result['stories']} claims, {sum(map(len, result['lines'].values()))} lines, "
          f"{result['ms_per_story']} ms per claim ({result['matcher']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
