"""Candidate disputes in stories no rule was written for, mined without the box's rules: the NeuS
stories and Emergent claims outside every gold (``consensus_outside``) and the MSRP pairs.

    python3 benchmarks/dispute_mine.py DATA_PATH --list [--seed S --stories N]
    python3 benchmarks/dispute_mine.py DATA_PATH --score benchmarks/dispute_sample.yaml [--half tune|report|all]
    python3 benchmarks/dispute_mine.py DATA_PATH --dump FILE   (every MSRP pair's lines, for consensus_outside --compare)

A candidate is two sentences of different sources of one story, each with a number of the same unit
(money, percent, or the plural noun right after the number: "people", "seats", "votes"; a number with
no noun is keyed by the word before it: "killed 50") and at least one content word in common within
eight words of the number (the predicate, most often: "killed", "won", "raised"), whose values differ.
The miner reads words only (its own regular expressions, not ``digest.facts``), so what it finds does
not depend on the rules being measured.

``--list`` draws ``--stories`` candidates at random (``--seed``) from the pool (``pool``: once per story
and pair of values; MSRP money and percentages left out) and prints them, to be labelled by reading
(the frozen sample, ``dispute_sample.yaml``, was written this way, before any rule was changed). ``--score`` runs the box (``find_facts``, every line) on the
labelled stories and reports, per half (SHA-1 of the story id even: tune, odd: report):
- dispute recall: candidates labelled ``dispute`` that some disputed or changed line shows, that is a
  line with both candidate values, each in its own value (numbers compared, words read as digits);
- dispute precision: disputed or changed lines on the sampled stories that show a labelled
  ``dispute``; a line showing a candidate labelled otherwise (``rounded``, ``different``, ``other``)
  or no candidate at all is counted wrong.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_outside as co  # noqa: E402
from digest.config import ConsensusSettings  # noqa: E402
from digest.text.sentences import split  # noqa: E402

_WORDS = {w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve thirteen "
                                          "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORDS |= {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
           "hundred": 100, "dozen": 12}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(r"(?P<cur>\$|€|£)?(?<![\w.,/-])(?P<num>\d[\d,]*(?:\.\d+)?|" + "|".join(_WORDS) + r")\b"
                     r"(?:\s+(?P<scale>thousand|million|billion|trillion)\b)?(?P<pct>\s?(?:%|percent\b|per cent\b))?"
                     r"(?!-year|-day|-month|-week|-hour|-point|[-/:]\d)", re.IGNORECASE)
_STOP = frozenset("that this with from have been were they their there which about more than said says also into "
                  "after before over under when what while would could will some other others most least nearly "
                  "almost around according including among since just only many much those these them being".split())
REQUIRE = True  # a content word in common near both numbers (without it: 108 candidates, not 77, on NeuS+Emergent)
_SKIP = frozenset("more other others additional new of the".split())


def numbers(sentence: str) -> list[dict]:
    """Each number with its value, unit and nearby content words."""
    found = []
    for m in _NUMBER.finditer(sentence):
        raw = m["num"].lower().replace(",", "")
        value = float(_WORDS.get(raw) or raw) * _SCALE.get((m["scale"] or "").lower(), 1.0)
        if re.fullmatch(r"(?:19|20)\d\d", raw) or re.match(r"\s*(?:a\.?m|p\.?m|years? old)\b", sentence[m.end():], re.I):
            continue
        if re.search(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|No\.)\s*$",
                     sentence[:m.start()]):
            continue
        after = re.findall(r"[A-Za-z][A-Za-z-]*", sentence[m.end():])[:3]
        before = re.findall(r"[A-Za-z][A-Za-z-]*", sentence[:m.start()])
        unit = "money" if m["cur"] else "percent" if m["pct"] else ""
        if not unit:
            heads = [w.lower() for w in after if w.lower() not in _SKIP]
            unit = next((w for w in heads[:2] if (w.endswith("s") and not w.endswith("ss") and len(w) > 3)
                         or w in ("people", "dead", "killed", "injured", "wounded", "missing")), "")
        if not unit and before:
            unit = f"after {before[-1].lower()}"
        if not unit or unit in ("years", "months", "weeks", "days", "hours", "minutes", "times", "points"):
            continue
        near = before[-8:] + re.findall(r"[A-Za-z][A-Za-z-]*", sentence[m.end():])[:8]
        words = {w.lower()[:5] for w in near if len(w) > 3 and w.lower() not in _STOP}
        found.append({"value": value, "text": m[0].strip(), "unit": unit, "words": words - {unit[:5]}})
    return found


def story_sentences(story) -> list[tuple[str, str]]:
    return [(origin.id, s) for origin in sorted(story.origins, key=lambda o: o.id)
            for article in origin.articles for block in article.blocks for s in split(block.text)]


def candidates(story) -> list[dict]:
    said = [(source, sentence, n) for source, sentence in story_sentences(story) for n in numbers(sentence)]
    found, seen = [], set()
    for i, (sa, ta, na) in enumerate(said):
        for sb, tb, nb in said[i + 1:]:
            if sa == sb or na["unit"] != nb["unit"] or na["value"] == nb["value"] or (REQUIRE and not na["words"] & nb["words"]):
                continue
            key = (sa, na["text"], sb, nb["text"])
            if key not in seen:
                seen.add(key)
                found.append({"a": {"source": sa, "value": na["text"], "sentence": ta},
                              "b": {"source": sb, "value": nb["text"], "sentence": tb},
                              "unit": na["unit"], "shared": sorted(na["words"] & nb["words"])})
    return found


def msrp_stories(data: Path) -> dict:
    """Each MSRP pair (two outlets' sentences about one event) as a story of two sources, "1" and "2"
    (no dedup: a paraphrase pair would be taken for one syndicated copy)."""
    from digest.models import Origin, Story
    stories = {}
    for name in ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt"):
        for line in (data / "msrp" / name).read_text(encoding="utf-8-sig").splitlines()[1:]:
            _, one, two, first, second = line.split("\t")
            sid = f"msrp-{one}-{two}"
            stories[sid] = Story(sid, sid, tuple(Origin(n, (co.ce._article(n, f"outlet {n}", text),))
                                                 for n, text in (("1", first), ("2", second))))
    return stories


def all_stories(data: Path) -> dict:
    """The stories nobody wrote rules for: NeuS and Emergent outside every gold, and the MSRP pairs."""
    return co.outside_stories(data) | co.outside_claims(data) | msrp_stories(data)


def half(story_id: str) -> str:
    return "tune" if int(hashlib.sha1(story_id.encode()).hexdigest(), 16) % 2 == 0 else "report"


_MARKET_UNITS = ("money", "percent", "cents", "shares", "basis", "points") # prices and rates: mostly another time


def pool(data: Path) -> list[tuple[str, dict]]:
    """Candidates once per story and pair of values: the NeuS and Emergent stories' all, the MSRP pairs'
    counts of things only (their money and percentages are mostly one market at two times of a day), and
    never a number with no noun (dates, phone numbers, scores)."""
    found = []
    for sid, story in all_stories(data).items():
        seen = set()
        for c in candidates(story):
            key = frozenset((c["a"]["value"], c["b"]["value"]))
            if key in seen or c["unit"].startswith("after ") or (sid.startswith("msrp") and c["unit"] in _MARKET_UNITS):
                continue
            seen.add(key)
            found.append((sid, c))
    return found


def listing(data: Path, seed: int, count: int) -> None:
    found = pool(data)
    print(f"# pool: {len(found)} candidates in {len({sid for sid, _ in found})} stories; drawn {count} (seed {seed})")
    for sid, c in sorted(random.Random(seed).sample(found, min(count, len(found))), key=lambda x: x[0]):
        print(f"- story: {sid}   # {half(sid)}; unit {c['unit']}")
        for side in "ab":
            print(f"  {side}: {{source: '{c[side]['source']}', value: '{c[side]['value']}'}}   # {c[side]['sentence'][:200]}")
        print("  label: ")


def _values(text: str) -> set[float]:
    """The numbers a value holds, words read as digits ("Ten" -> 10, "$1.2 trillion" -> 1.2e12)."""
    return {n["value"] for n in numbers(text + " things")} | {n["value"] for n in numbers(text)}


def shows(fact, candidate: dict) -> bool:
    """Does a disputed or changed line hold both of the candidate's values, each in its own value?"""
    held = [_values(v.value) for v in fact.values]
    a, b = (_values(candidate[side]["value"]) for side in "ab")
    return any(a & x and b & y for i, x in enumerate(held) for j, y in enumerate(held) if i != j)


def score(data: Path, sample: Path, which: str) -> dict:
    from digest.facts.consensus import find_facts
    labelled = yaml.safe_load(sample.read_text(encoding="utf-8"))["candidates"]
    stories = all_stories(data)
    totals = {h: {"real": 0, "shown": 0, "lines": 0, "right": 0} for h in ("tune", "report", "all")}
    for sid in sorted({str(c["story"]) for c in labelled}):
        h = half(sid)
        if which != "all" and h != which:
            continue
        mine = [c for c in labelled if str(c["story"]) == sid]
        facts = [f for f in find_facts(stories[sid], ConsensusSettings(max_facts=50), every=True)
                 if f.status in ("disputed", "changed")]
        for c in (c for c in mine if c["label"] == "dispute"):
            hit = any(shows(f, c) for f in facts)
            for t in (h, "all"):
                totals[t]["real"] += 1
                totals[t]["shown"] += hit
            print(f"{'SHOWN ' if hit else 'MISSED'} {h:6} {sid} {c['a']['value']} / {c['b']['value']}: {c['note']}")
        for f in facts:
            right = any(shows(f, c) and c["label"] == "dispute" for c in mine)
            for t in (h, "all"):
                totals[t]["lines"] += 1
                totals[t]["right"] += right
            print(f"LINE {'right' if right else 'WRONG'} {h:6} {sid}: {f.text} | {' / '.join(v.value for v in f.values)}")
    for h, t in totals.items():
        print(f"{h:7} dispute recall {t['shown']}/{t['real']}  precision {t['right']}/{t['lines']}")
    return totals


def dump(data: Path, path: Path) -> None:
    """Every line of every MSRP pair (two sources each), for ``consensus_outside.py --compare``: what a
    rule does to disputes on sentences nobody wrote rules for."""
    import json
    from digest.facts.consensus import find_facts
    lines = {}
    for sid, story in msrp_stories(data).items():
        facts = find_facts(story, ConsensusSettings(max_facts=50), every=True)
        lines[sid] = [{"status": f.status, "text": f.text, "sources": list(f.origin_ids),
                       "evidence": [e.sentence for e in f.evidence]} for f in facts]
    path.write_text(json.dumps({"matcher": "words", "stories": len(lines), "ms_per_story": 0, "lines": lines},
                               indent=1, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--stories", type=int, default=40)
    parser.add_argument("--score", type=Path)
    parser.add_argument("--half", choices=("tune", "report", "all"), default="all")
    parser.add_argument("--dump", type=Path, help="every MSRP pair's lines, as consensus_outside.py --dump writes them")
    args = parser.parse_args()
    if args.dump:
        dump(args.data, args.dump)
    elif args.score:
        score(args.data, args.score, args.half)
    else:
        listing(args.data, args.seed, args.stories)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
