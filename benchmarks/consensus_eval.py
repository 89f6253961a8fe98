"""Score the consensus box against hand-written gold facts: the seeds and multi-source stories.

    python3 benchmarks/consensus_eval.py DATA_PATH [--max-facts N] [--verbose] [--words]

Statements are paired as a run pairs them: with the paraphrase model where the extra is installed
(``digest.facts.paraphrase``), else by word overlap; ``--words``: word overlap alone. The matcher
used is printed.

DATA_PATH is the shared data folder (``../shared/data``); the gold files in ``tests/gold/``
name their data set and story ids, and the data is read in place, never copied. Stories:
- seeds: the five seed articles (``seed_facts.yaml``), one origin each, named "000".."004";
- NeuS (``neus_facts.yaml``): a story's three outlets (body text; titles are headlines the box
  does not read), named "0", "1", "2" by their place in ``source_articles``;
- Emergent (``emergent_facts.yaml``): the headlines collected for one claim, one article each,
  named by the outlet's domain. Articles go through ``digest.stories.dedup`` first, so near-verbatim
  headlines are one origin, and one outlet counts once (``find_facts``), as in a real run.

Matching is lenient (the rules are in ``seed_facts.yaml``'s header). The table reports, per
gold file: precision and recall of consensus lines and of disputes (recall over required gold
facts), support-count exactness (matched lines whose k equals the gold count, a source in
``also`` being allowed but not required), variant grouping (gold variants produced with exactly
the gold spellings and sources) and two kinds of wrong consensus line: "single", a fact one
source states (a ``not_consensus`` entry with one source, or a line with fewer than two sources),
and "merged", two sources' figures for different things taken as one fact.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from anyascii import anyascii

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.stories import dedup  # noqa: E402
from digest.config import ConsensusSettings, DedupSettings  # noqa: E402
from digest.facts.consensus import find_facts  # noqa: E402
from digest.models import Article, Block, Fact, Origin, Story, stable_id  # noqa: E402
from digest.sources import read_folder  # noqa: E402

GOLD = ROOT / "tests" / "gold"
FILES = ("seed_facts.yaml", "neus_facts.yaml", "emergent_facts.yaml")


# --- stories ---------------------------------------------------------------------------------

def seed_story() -> Story:
    articles, problems = read_folder(ROOT / "seeds", source="seeds")
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    return Story("seeds", "Netflix and generative AI", tuple(Origin(Path(a.location).name[:3], (a,)) for a in articles))


def _article(name: str, outlet: str, text: str) -> Article:
    blocks = tuple(Block("paragraph", line) for line in text.split("\n") if line.strip())
    return Article(stable_id("eval", name, text), f"{name}.txt", "", outlet, blocks)


def _story(story_id: str, named: list[tuple[str, Article]]) -> Story:
    """Copies grouped by ``digest.stories.dedup``; each origin is named after its lead article."""
    name = {a.id: n for n, a in named}
    grouped = dedup.group([a for _, a in named], DedupSettings())
    origins = tuple(Origin(name[o.lead.id], o.articles) for s in grouped for o in s.origins)
    return Story(story_id, story_id, origins)


def neus_story(row: dict) -> Story:
    """A NeuS row (``neus_allsides/*.jsonl``) as a story: its source articles, named by position, deduplicated."""
    named = [(str(i), _article(str(i), f"outlet {i}", a["text"])) for i, a in enumerate(row["source_articles"])]
    return _story(row["id"], named)


def neus_stories(data: Path, ids: set[str]) -> dict[str, Story]:
    stories = {}
    for line in (data / "neus_allsides" / "test.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in ids:
            stories[row["id"]] = neus_story(row)
    return stories


def emergent_stories(data: Path, ids: set[str]) -> dict[str, Story]:
    stories = {}
    for line in (data / "emergent" / "emergent_claims.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["claim_id"] in ids:
            named, seen = [], {}
            for a in sorted(row["articles"], key=lambda a: a["article_id"]):
                domain = a["source"].removeprefix("www.")
                seen[domain] = seen.get(domain, 0) + 1
                key = domain if seen[domain] == 1 else f"{domain}#{seen[domain]}"
                named.append((key, _article(key, domain, a["headline"])))
            stories[row["claim_id"]] = _story(row["claim_id"], named)
    return stories


# --- matching --------------------------------------------------------------------------------

def _name(origin_id: str) -> str:
    return origin_id.split("#")[0]


def _words(fact: Fact) -> str:
    return anyascii(" ".join([fact.text, *(v.value for v in fact.values)])).lower()


def _plain(text: str) -> str:
    return anyascii(text).lower().replace(",", "")


def _values_fit(fact: Fact, gold: dict) -> bool:
    """Every produced value is a gold value (the gold text, found in it: "111,800" in "111,800
    employees"; the longest such wins) given by a subset of the gold value's sources."""
    if fact.status == "consensus" or "values" not in gold:
        return True
    for value in fact.values:
        known = [v for v in gold["values"] if _plain(v["value"]) in _plain(value.value)]
        best = max(known, key=lambda v: len(v["value"]), default=None)
        if best is None or not {_name(o) for o in value.origin_ids} <= set(best["sources"]):
            return False
    return True


def matches(fact: Fact, gold: dict) -> bool:
    """The lenient match described in ``seed_facts.yaml``'s header."""
    words = _words(fact)
    allowed = set(gold["sources"]) | set(gold.get("also", ()))
    return (fact.status == gold.get("status", "consensus")
            and any(all(anyascii(w).lower() in words for w in alternative) for alternative in gold["match"])
            and {_name(o) for o in fact.origin_ids} <= allowed
            and _values_fit(fact, gold))


def expected_count(gold: dict) -> range:
    least = len(gold["sources"]) - sum(len(group) - 1 for group in gold.get("copies", ()))
    return range(least, least + len(gold.get("also", ())) + 1)


def score(facts: tuple[Fact, ...], gold: list[dict]) -> tuple[list[tuple[Fact, str]], dict[str, float]]:
    """Each fact with the gold id it matched ("" if none), and precision, recall, F0.5 over all lines."""
    taken: set[str] = set()
    pairs = []
    for fact in facts:
        found = next((g["id"] for g in gold if g["id"] not in taken and matches(fact, g)), "")
        taken.add(found)
        pairs.append((fact, found))
    required = [g["id"] for g in gold if not g.get("optional")]
    correct = sum(1 for _, found in pairs if found)
    precision = correct / len(facts) if facts else 1.0
    recall = sum(1 for g in required if g in taken) / len(required) if required else 1.0
    f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    return pairs, {"facts": len(facts), "correct": correct, "precision": precision, "recall": recall, "f0.5": f05}


@dataclass
class Tally:
    """Counts over the stories of one gold file."""

    stories: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("consensus", "consensus_ok", "consensus_gold", "consensus_found", "disputed", "disputed_ok",
         "disputed_gold", "disputed_found", "support", "support_ok", "variant_gold", "variant_ok", "single", "merged"), 0))

    def add(self, facts: tuple[Fact, ...], gold: dict) -> list[str]:
        self.stories += 1
        facts_gold = gold.get("facts", [])
        pairs, _ = score(facts, facts_gold)
        by_id = {g["id"]: g for g in facts_gold}
        c, lines = self.counts, []
        for fact, found in pairs:
            if fact.status in ("consensus", "disputed"):
                c[fact.status] += 1
                c[f"{fact.status}_ok"] += bool(found)
            if found and fact.status in ("consensus", "disputed"):
                c["support"] += 1
                c["support_ok"] += fact.count in expected_count(by_id[found])
            hit = [g for g in gold.get("not_consensus", []) if matches(fact, {**g, "status": "consensus"})]
            bad = fact.status == "consensus" and (fact.count < 2 or bool(hit))
            if bad:
                c["merged" if hit and len(hit[0]["sources"]) > 1 else "single"] += 1
            lines.append(f"  {'!' if bad else ' '} {fact.status:9} {fact.count}/{fact.total:<2} {found or '-':24} "
                         f"{fact.text[:70]}")
        for g in facts_gold:
            status = g.get("status", "consensus")
            if status in ("consensus", "disputed") and not g.get("optional"):
                c[f"{status}_gold"] += 1
                c[f"{status}_found"] += any(found == g["id"] for _, found in pairs)
            if status == "variant":
                c["variant_gold"] += 1
                c["variant_ok"] += any(found == g["id"] and _grouped(f, g) for f, found in pairs)
        return lines

    def row(self, name: str) -> str:
        c = self.counts

        def ratio(a: str, b: str) -> str:
            return f"{c[a] / c[b]:.2f} ({c[a]}/{c[b]})" if c[b] else "  -"

        return (f"{name:20} {self.stories:>3}  {ratio('consensus_ok', 'consensus'):>13} "
                f"{ratio('consensus_found', 'consensus_gold'):>13} {ratio('disputed_ok', 'disputed'):>11} "
                f"{ratio('disputed_found', 'disputed_gold'):>11} {ratio('support_ok', 'support'):>13} "
                f"{ratio('variant_ok', 'variant_gold'):>10} {c['single']:>6} {c['merged']:>6}")


def _grouped(fact: Fact, gold: dict) -> bool:
    produced = {v.value.lower(): {_name(o) for o in v.origin_ids} for v in fact.values}
    return produced == {v["value"].lower(): set(v["sources"]) for v in gold["values"]}


HEADER = (f"{'gold file':20} {'n':>3}  {'cons. prec.':>13} {'cons. recall':>13} {'disp. prec.':>11} "
          f"{'disp. rec.':>11} {'support k':>13} {'variants':>10} {'single':>6} {'merged':>6}")


def matcher(words: bool):
    """The run's statement matcher (``paraphrase.load``); ``words``: word overlap alone."""
    import os

    from digest.facts import paraphrase

    return paraphrase.load(ConsensusSettings(paraphrase=not words), os.environ)


def evaluate(data: Path, settings: ConsensusSettings, verbose: bool = False, encoder=None) -> dict[str, Tally]:
    tallies = {}
    for file in FILES:
        spec = yaml.safe_load((GOLD / file).read_text(encoding="utf-8"))
        if file == "seed_facts.yaml":
            golds, stories = {"seeds": spec}, {"seeds": seed_story()}
        else:
            golds = {str(s["id"]): s for s in spec["stories"]}
            load = neus_stories if spec["data"].startswith("neus") else emergent_stories
            stories = load(data, set(golds))
        tally = Tally()
        for story_id, gold in golds.items():
            lines = tally.add(find_facts(stories[story_id], settings, encoder=encoder), gold)
            if verbose:
                print(f"\n{file} {story_id}\n" + "\n".join(lines))
        tallies[file] = tally
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holding neus_allsides/ and emergent/)")
    parser.add_argument("--max-facts", type=int, default=ConsensusSettings().max_facts)
    parser.add_argument("--verbose", action="store_true", help="print every produced line with its gold match")
    parser.add_argument("--words", action="store_true", help="pair statements by word overlap alone (no model)")
    args = parser.parse_args()
    used = matcher(args.words)
    tallies = evaluate(args.data, ConsensusSettings(max_facts=args.max_facts), args.verbose, used.encoder)
    print(f"\nmax_facts={args.max_facts} statements paired by: {used.note}\n{HEADER}")
    for file, tally in tallies.items():
        print(tally.row(file.removesuffix("_facts.yaml")))
    total = Tally()
    for tally in tallies.values():
        total.stories += tally.stories
        for key, value in tally.counts.items():
            total.counts[key] += value
    print(total.row("all"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
