"""Draw the stories of the frozen multi-source golds (``tests/gold/news_facts*.yaml``) reproducibly.

    python3 benchmarks/consensus_pick.py DATA_PATH [--draw 1|2|3] [--show]

Draw 1 (the default, ``news_facts.yaml``; the rule fixed before any gold was written, never tuned):
- NeuS/AllSides (test.jsonl and val.jsonl): a story qualifies when at least two of its three
  articles each state a number other than a year (digits, "1900"-"2099" without a comma are
  years) and the story's numbers are not all the same (room for a disagreement); stories already
  in ``neus_facts.yaml`` are left out. Qualifying stories are ordered by the SHA-1 of their id and
  the first ``NEUS`` are taken.
- Emergent: a claim qualifies when at least three different outlets' headlines state a number
  other than a year, and not all the same number. Ordered by SHA-1 of the claim id, the first
  ``EMERGENT`` are taken.
- Candidate disagreements (a second draw, so that the gold holds disputes): a NeuS story or an
  Emergent claim where two different articles state two different numbers (not years, at least
  one of them 5 or more) within a factor of 1.34 of each other ("13 percent" / "12%"). The first
  ``NEUS_CLOSE`` NeuS stories and ``EMERGENT_CLOSE`` claims by SHA-1 of the id not already drawn.
- Held-out half: a story is held out when the SHA-1 of its id, read as a number, is odd; the
  others are the tuning half. Tune only on the tuning half.

Draw 2 (``news_facts_2.yaml``; rule stated here before that gold was written, never tuned): the
same qualifying rules and order, over the stories no gold holds yet. NeuS stories in
``neus_facts.yaml`` or ``news_facts.yaml`` and Emergent claims in ``emergent_facts.yaml`` or
``news_facts.yaml`` are left out; then the first ``NEUS_2`` NeuS stories of the first rule by
SHA-1 of the id, the first ``NEUS_CLOSE_2`` of the candidate-disagreement rule not already drawn,
the first ``EMERGENT_2`` Emergent claims of the first rule and the first ``EMERGENT_CLOSE_2`` of
the candidate-disagreement rule not already drawn (20 + 10 NeuS, 3 + 2 Emergent: disputes are
better represented than in draw 1). Same held-out rule (SHA-1 odd).

Draw 3 (``news_facts_3.yaml``; rule stated here and committed before any drawn story was read,
never tuned): the same qualifying rules and order, over the stories no gold holds yet. NeuS
stories and Emergent claims in ``neus_facts.yaml``, ``emergent_facts.yaml``, ``news_facts.yaml``
or ``news_facts_2.yaml`` are left out; then the first ``NEUS_3`` NeuS stories of the first rule
by SHA-1 of the id, the first ``NEUS_CLOSE_3`` of the candidate-disagreement rule not already
drawn, the first ``EMERGENT_3`` Emergent claims of the first rule and the first
``EMERGENT_CLOSE_3`` of the candidate-disagreement rule not already drawn (10 + 16 NeuS, 2 + 4
Emergent: weighted to disputes, since the held-out dispute measure of draws 1 and 2 rests on a
handful of them; Emergent claims whose outlets' headlines state different numbers are where
disputes are). Same held-out rule (SHA-1 odd).

``--show`` prints each drawn story's texts (to write the gold from); the data is read in place.
``--check GOLD`` checks a gold file against the texts instead (exit 1 on a problem): every listed
source (not ``also``) holds at least one ``match`` alternative (all its words, case-insensitive),
every alternative occurs in some listed source, every disputed value occurs in each of its sources
("eleven" counts as "11"), values' sources and ``copies`` are among the fact's sources, fact ids
are unique in a story and ``split`` follows the held-out rule.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
from pathlib import Path

from anyascii import anyascii

NEUS, EMERGENT = 30, 6
NEUS_CLOSE, EMERGENT_CLOSE = 12, 4
NEUS_2, NEUS_CLOSE_2, EMERGENT_2, EMERGENT_CLOSE_2 = 20, 10, 3, 2
NEUS_3, NEUS_CLOSE_3, EMERGENT_3, EMERGENT_CLOSE_3 = 10, 16, 2, 4
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _sha(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)


def held_out(story_id: str) -> bool:
    return _sha(story_id) % 2 == 1


def numbers(text: str) -> list[str]:
    found = [n.rstrip(",") for n in _NUMBER.findall(text)]
    return [n for n in found if not (n.isdigit() and len(n) == 4 and 1900 <= int(n) <= 2099)]


def _values(texts: list[str]) -> list[tuple[int, float]]:
    return [(i, float(n.replace(",", ""))) for i, text in enumerate(texts) for n in numbers(text)
            if n.replace(",", "").replace(".", "", 1).isdigit()]


def close(texts: list[str]) -> bool:
    """Two articles give two different numbers within a factor of 1.34: a candidate disagreement."""
    found = _values(texts)
    return any(i < j and a != b and min(a, b) > 0 and max(a, b) >= 5 and max(a, b) / min(a, b) <= 1.34
               for i, a in found for j, b in found)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def neus(data: Path, exclude: set[str], first: int = NEUS, more_close: int = NEUS_CLOSE) -> list[dict]:
    rows = _lines(data / "neus_allsides" / "test.jsonl") + _lines(data / "neus_allsides" / "val.jsonl")
    chosen = []
    for row in rows:
        per = [numbers(a["text"]) for a in row["source_articles"]]
        if row["id"] not in exclude and sum(bool(n) for n in per) >= 2 and len({x for n in per for x in n}) >= 2:
            chosen.append(row)
    chosen = sorted(chosen, key=lambda r: _sha(r["id"]))[:first]
    taken = exclude | {r["id"] for r in chosen}
    more = [r for r in rows if r["id"] not in taken and close([a["text"] for a in r["source_articles"]])]
    return chosen + sorted(more, key=lambda r: _sha(r["id"]))[:more_close]


def emergent(data: Path, exclude: frozenset[str] = frozenset(), first: int = EMERGENT,
             more_close: int = EMERGENT_CLOSE) -> list[dict]:
    rows = [r for r in _lines(data / "emergent" / "emergent_claims.jsonl") if r["claim_id"] not in exclude]
    chosen = []
    for row in rows:
        per = {a["source"]: numbers(a["headline"]) for a in row["articles"]}
        found = [n for n in per.values() if n]
        if len(found) >= 3 and len({x for n in found for x in n}) >= 2:
            chosen.append(row)
    chosen = sorted(chosen, key=lambda r: _sha(r["claim_id"]))[:first]
    taken = {r["claim_id"] for r in chosen}
    more = [r for r in rows if r["claim_id"] not in taken and close([a["headline"] for a in r["articles"]])]
    return chosen + sorted(more, key=lambda r: _sha(r["claim_id"]))[:more_close]


def _gold_ids(root: Path, *names: str) -> set[str]:
    import yaml

    return {str(s["id"]) for name in names
            for s in yaml.safe_load((root / "tests" / "gold" / name).read_text(encoding="utf-8"))["stories"]}


def draw(data: Path, number: int, root: Path) -> tuple[list[dict], list[dict]]:
    """The NeuS rows and Emergent claims of draw ``number`` (1: ``news_facts.yaml``, 2: ``news_facts_2.yaml``,
    3: ``news_facts_3.yaml``)."""
    if number == 1:
        return neus(data, _gold_ids(root, "neus_facts.yaml")), emergent(data)
    if number == 2:
        told = _gold_ids(root, "neus_facts.yaml", "news_facts.yaml", "emergent_facts.yaml")
        return (neus(data, told, NEUS_2, NEUS_CLOSE_2),
                emergent(data, frozenset(told), EMERGENT_2, EMERGENT_CLOSE_2))
    told = _gold_ids(root, "neus_facts.yaml", "news_facts.yaml", "news_facts_2.yaml", "emergent_facts.yaml")
    return (neus(data, told, NEUS_3, NEUS_CLOSE_3),
            emergent(data, frozenset(told), EMERGENT_3, EMERGENT_CLOSE_3))


_WORDS = {word: n for n, word in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                             "ten", "eleven", "twelve"), start=1)}


@functools.lru_cache(maxsize=None)
def _rows_by_id(data: Path, kind: str) -> dict[str, dict]:
    """Every NeuS row or Emergent claim by its id, read once for all of a gold's stories."""
    if kind == "neus":
        rows = _lines(data / "neus_allsides" / "test.jsonl") + _lines(data / "neus_allsides" / "val.jsonl")
        return {r["id"]: r for r in reversed(rows)}  # the first row of an id, as a scan finds it
    return {r["claim_id"]: r for r in reversed(_lines(data / "emergent" / "emergent_claims.jsonl"))}


def _texts(data: Path, story: dict, kind: str) -> dict[str, str]:
    """Source name -> its text ("0".."2" for NeuS; outlet domain -> its headlines for Emergent), lower-cased."""
    row = _rows_by_id(data, "neus" if kind == "neus" else "emergent")[story["id"]]
    if kind == "neus":
        return {str(i): anyascii(a["text"]).lower() for i, a in enumerate(row["source_articles"])}
    texts: dict[str, str] = {}
    for a in row["articles"]:
        domain = a["source"].removeprefix("www.")
        texts[domain] = texts.get(domain, "") + " | " + anyascii(a["headline"]).lower()
    return texts


def _holds(text: str, words: list, commas: bool = True) -> bool:
    """Every word occurs in ``text`` (a number word counts as its digits; ``commas=False``: "5000" is "5,000")."""
    text += " " + " ".join(str(n) for w, n in _WORDS.items() if re.search(rf"\b{w}\b", text))
    text = text if commas else text.replace(",", "")
    return all((anyascii(str(w)).lower() if commas else anyascii(str(w)).lower().replace(",", "")) in text
               for w in words)


def _fact_problems(fact: dict, texts: dict[str, str]) -> list[str]:
    sources, also = [str(s) for s in fact["sources"]], [str(s) for s in fact.get("also", ())]
    valued = {str(s) for v in fact.get("values", ()) for s in v["sources"]}   # a dispute's side may hold only its value
    where = f"{fact['id']}:"
    problems = [f"{where} no source {s!r}" for s in sources + also if s not in texts]
    problems += [f"{where} source {s} holds no match alternative" for s in sources
                 if s in texts and s not in valued and not any(_holds(texts[s], alt) for alt in fact["match"])]
    problems += [f"{where} alternative {alt} in no listed source" for alt in fact["match"]
                 if not any(_holds(texts.get(s, ""), alt, commas=False) for s in sources + also)]
    for value in fact.get("values", ()):
        problems += [f"{where} value {value['value']!r}: source {s} not among the fact's sources"
                     for s in value["sources"] if s not in sources + also]
        problems += [f"{where} value {value['value']!r} not in source {s}" for s in value["sources"]
                     if not _holds(texts.get(s, ""), [value["value"]])]
    problems += [f"{where} copies {group} not among its sources" for group in fact.get("copies", ())
                 if not set(group) <= set(sources + also)]
    return problems


def check(data: Path, gold: Path) -> list[str]:
    """Every problem of ``gold`` against the texts (see the module docstring); [] when it is sound."""
    import yaml

    loaded, problems = yaml.safe_load(gold.read_text(encoding="utf-8")), []
    for story in loaded["stories"]:
        story_id = str(story["id"])
        kind = story.get("data") or ("neus" if "neus" in loaded.get("data", "") else "emergent")
        texts = _texts(data, story, kind)
        if "split" in story and story["split"] != ("held-out" if held_out(story_id) else "tuning"):
            problems.append(f"{story_id}: split {story['split']} breaks the held-out rule")
        facts = story.get("facts", []) + story.get("not_consensus", [])
        ids = [f["id"] for f in facts]
        problems += [f"{story_id}: fact id {i} twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
        problems += [f"{story_id}: {p}" for fact in facts for p in _fact_problems(fact, texts)]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--draw", type=int, choices=(1, 2, 3), default=1,
                        help="1: the stories of news_facts.yaml (default); 2: those of news_facts_2.yaml; "
                             "3: those of news_facts_3.yaml")
    parser.add_argument("--show", action="store_true", help="print each story's texts")
    parser.add_argument("--check", type=Path, metavar="GOLD", help="check a gold file against the texts instead")
    args = parser.parse_args()
    if args.check:
        problems = check(args.data, args.check)
        print("\n".join(problems) or f"{args.check}: every check passed")
        return 1 if problems else 0
    rows, claims = draw(args.data, args.draw, Path(__file__).resolve().parent.parent)
    for row in rows:
        print(f"neus {row['id']} {'held-out' if held_out(row['id']) else 'tuning'}")
        for i, a in enumerate(row["source_articles"] if args.show else ()):
            print(f"  [{i}] {a['text']}")
    for row in claims:
        print(f"emergent {row['claim_id']} {'held-out' if held_out(row['claim_id']) else 'tuning'} {row['claim_headline']}")
        for a in sorted(row["articles"], key=lambda a: a["article_id"]) if args.show else ():
            print(f"  [{a['source'].removeprefix('www.')}] {a['headline']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
