"""Figure slots read by a dependency parse beside the rules' (``predicates``, through ``claims.figures_in``).

Run through ``statement_parse.py DATA --figures`` (tuning halves' figure facts) or alone on the NeuS stories
outside every gold, to read what the two ways disagree on:

    python3 benchmarks/figure_parse.py DATA_PATH [--sample N] [--seed S]

The parse's slot of a number: climb from the number through ``nummod``/``quantmod``/``compound`` to the
noun it counts, then from that noun (or the number itself) through ``prep``/``pobj``, ``conj`` and
``appos`` to the verb or noun that governs it; the slot is the ``predicates.EVENTS`` class of the governing
word ("killed 60", "60 people died", "injured 155", "the death toll rose to 60"), else that word's lemma with
the counted noun's ("vial remove"). The rules' slot is the figure's label or attribute, "" when
``claims.figures_in`` gives the number no figure.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from digest.facts import claims, predicates, quantities  # noqa: E402

_CLIMB = {"nummod", "quantmod", "compound", "nmod", "npadvmod"}
_UP = {"prep", "pobj", "conj", "appos", "acl", "amod", "attr", "dobj", "nsubj", "nsubjpass", "advmod", "npadvmod"}
_NUMBER = re.compile(r"\d[\d,.]*")


def event_class(*words: str) -> str:
    """The ``predicates.EVENTS`` label of the first word naming an event, or ""."""
    for word in words:
        if word in predicates.NOUN_EVENTS:
            key = predicates.NOUN_EVENTS[word]
            return next(label for k, label, _ in predicates.EVENTS if k == key)
        for _, label, pattern in predicates.EVENTS:
            if re.search(pattern, word, re.IGNORECASE):
                return label
    return ""


def parse_slot(doc, start: int) -> tuple[str, str, str]:
    """(event label or "", counted noun lemma, governing lemma) of the number whose text starts at ``start``."""
    token = next((t for t in doc if t.idx >= start and t.like_num), None)  # the number itself, not its hedge
    if token is None:
        return "", "", ""
    noun = token
    while noun.dep_ in _CLIMB and noun.head is not noun and noun.head.pos_ in ("NOUN", "PROPN", "NUM", "SYM"):
        noun = noun.head
    governor = noun
    for _ in range(4):
        if governor.dep_ not in _UP or governor.head is governor:
            break
        governor = governor.head
        if governor.pos_ in ("VERB", "AUX"):
            break
    counted = noun.lemma_.lower() if noun is not token else ""
    lemma = governor.lemma_.lower() if governor is not noun else ""
    words = [noun.text.lower() if noun is not token else "", lemma, governor.text.lower() if lemma else ""]
    words += [t.lemma_.lower() for t in governor.children if t.dep_ in ("acomp", "attr", "oprd") and t is not noun]
    words += [w.lower_ for t in governor.children if t.dep_ in ("nsubj", "nsubjpass") and t is not noun
              for w in t.subtree if w.dep_ in ("compound", "nsubj", "nsubjpass")]  # "the death toll rose to 60"
    return event_class(*[w for w in words if w]), counted, lemma


def rule_slot(sentence: str, start: int) -> str:
    for figure in claims.figures_in(sentence):
        if figure.start <= start < figure.start + len(figure.text) and not figure.loose:
            return figure.label or figure.attribute
    return ""


def slot_key(parsed: tuple[str, str, str]) -> str:
    event, counted, lemma = parsed
    return event or (f"{counted} {lemma}".strip() if lemma else "")


def measure(rows, nlp, encoder) -> None:
    """Per required figure fact of the tuning halves: is a slot read, and do two sources get the same one?"""
    import statement_pairs as sp
    mentions, facts = Counter(), Counter()
    for gold, story in rows:
        scored = sp.Scored(story, encoder)
        for fact in sp.required(gold):
            numbers = {n for alt in fact["match"] for w in alt for n in _NUMBER.findall(w)}
            if not numbers:
                continue
            found = _fact_slots(fact, scored, numbers, nlp, sp)
            mentions.update(found["counts"])
            for way in ("rules", "parse"):
                slots = found[way]
                facts[f"{way}: two sources share a slot"] += any(
                    slots[a] & slots[b] for a, b in combinations(slots, 2))
            facts["figure facts"] += 1
            print(f"{gold['id']}/{fact['id']}: rules {dict(found['rules'])} | parse {dict(found['parse'])}")
    print(f"\nmentions: {dict(mentions)}\nfacts: {dict(facts)}")


def _fact_slots(fact, scored, numbers, nlp, sp) -> dict:
    rules, parse, counts = {}, {}, Counter()
    for i, said in enumerate(scored.pool):
        source = said.source.split("#")[0]
        if source not in fact["sources"] or not sp.holds(said.text, fact):
            continue
        doc = nlp(said.text)
        for m in _NUMBER.finditer(said.text):
            if m.group().rstrip(".,") not in numbers:
                continue
            rule, parsed = rule_slot(said.text, m.start()), slot_key(parse_slot(doc, m.start()))
            counts["mentions"] += 1
            counts["rules read a slot"] += bool(rule)
            counts["parse reads an event"] += bool(parse_slot(doc, m.start())[0])
            counts["parse reads a slot"] += bool(parsed)
            rules.setdefault(source, set()).update({rule} - {""})
            parse.setdefault(source, set()).update({parsed} - {""})
    return {"rules": rules, "parse": parse, "counts": counts}


def outside(data: Path, nlp, sample: int, seed: int) -> None:
    """Counts (``quantities.find``) the rules and the parse slot differently on the NeuS stories outside every gold, with a sample to read."""
    import consensus_outside as co
    from digest.text.sentences import split
    tally, kinds = Counter(), {"parse event, rules none": [], "rules event, parse other event": []}
    for story_id, story in co.outside_stories(data).items():
        texts = [t for o in story.origins for a in o.articles for b in a.blocks for t in split(b.text)]
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=64)):
            for figure_start, rule, parsed in _numbers(text, doc):
                event = parsed[0]
                rule_event = rule if rule in {label for _, label, _ in predicates.EVENTS} else ""
                tally["numbers"] += 1
                tally["rules slot"] += bool(rule)
                tally["parse event"] += bool(event)
                tally["both the same event"] += bool(event and event == rule_event)
                if event and not rule:
                    kinds["parse event, rules none"].append((story_id, text, figure_start, event, parsed))
                elif rule_event and event and event != rule_event and {event, rule_event} != {"Killed", "Died"}:
                    kinds["rules event, parse other event"].append((story_id, text, figure_start, f"{rule} vs {event}", parsed))
    print(dict(tally), {k: len(v) for k, v in kinds.items()})
    rng = random.Random(seed)
    for name, found in kinds.items():
        print(f"\n== {name}: {len(found)}, {min(sample, len(found))} drawn")
        for story_id, text, start, what, parsed in sorted(rng.sample(found, min(sample, len(found)))):
            print(f"- {story_id} [{what}; {parsed[1]} / {parsed[2]}] ...{text[max(0, start - 90):start + 60]}...")


def _numbers(text: str, doc):
    """(start, rules' slot, parse's slot) of each count ``quantities.find`` reads (not a year, a time, a distance)."""
    for q in quantities.find(text):
        if q.kind == "count":
            yield q.start, rule_slot(text, q.start), parse_slot(doc, q.start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    import statement_parse
    outside(args.data, statement_parse.load_parser(), args.sample, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
