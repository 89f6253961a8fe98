"""Candidate sentences -> an extractive summary: verbatim sentences, ranked by sumy.

    summarize(candidates) = eligible -> shortlist -> rank (sumy) -> select -> reading order

- **eligible**: a sentence a reader can take out of its article. It ends with ``.`` or ``!``
  (optionally followed by closing quotes or a bracket), so headings and fragments glued to a
  paragraph ("How Netflix is Using GenAI in Other Places") are out; it has at least
  ``MIN_WORDS`` = 6 words (a subject, a verb and something said about them); no ``?`` anywhere
  (questions are not news); no line break; not a byline or boilerplate line; not in Title Case,
  i.e. every word of four letters or more capitalised and at least ``TITLE_CASE_SHARE`` = half
  of all words (a heading with a full stop: this catches all 12 seed headings of six words or
  more, and 0.5% of 33,068 BBC sentences, nearly all lists of names such as athletes and their
  clubs); not a list entry whose predicate has no subject ("“Happy Gilmore 2”: Leveraged AI to
  de-age characters": a label, a colon, a past-tense verb); no first or second person outside
  quotation marks (the writer's "makes me think", "your screen" would read as our voice).
- **dangling**: a sentence that opens with a connective ("However,", "But", "Instead,") or a
  pronoun without its antecedent ("This", "It", "He", "Such"), also after a short opening
  clause ("If executed well, this could ..."), or a quote nobody is named for ("...,” he said."
  or a sentence that is all quote) is taken only right after the sentence before it in the
  same article.
- **shortlist**: sumy's summarizers are quadratic or worse (LexRank ~20 ms for 40 sentences,
  15-29 s for 1,000), so at most ``settings.max_candidates`` sentences reach them. The shortlist
  is ranked in linear time by centrality (the mean share of sentences that contain each of its
  stemmed content words), plus ``POSITION_WEIGHT`` for early sentences (news is written lead
  first) and the caller's salience. KL picks sentences one by one and re-scores every remaining
  one against the growing summary (cubic), so it sees at most ``KL_CAP`` = 60 sentences: on BBC
  sentences sumy's KL took 0.4 s for 60, 11 s for 200 and 95 s for 400 (LexRank: 0.35 s for 200,
  1.5 s for 400; the other methods stay under 1.1 s for 400).
- **rank**: sumy's order as a score from 1 (first) down to 0 (last), plus ``SUPPORT_WEIGHT`` = 1
  times the sentence's support from other sources and the caller's salience (below); see
  ``digest.salience`` for support and concepts and the NeuS figures behind both weights.
- **select**: greedy, MMR-like. Each round takes the admissible sentence with the best rank score
  plus ``CONCEPT_WEIGHT`` = 0.5 times the weight of the shared concepts it adds to the summary
  (relative to the richest sentence), so restating what is covered earns nothing. A sentence
  is not admissible when it is a near-repeat of one already chosen, from any source: the Jaccard of their stemmed content words is above
  ``settings.redundancy``, or the share of the shorter one's words found in the other is above
  ``(1 + redundancy) / 2`` (0.75 by default: a short sentence restating part of a long one).
  Sentences are never cut; one that would pass ``settings.words_per_theme`` is skipped for a
  shorter one, and at most ``settings.max_sentences`` are taken.
- **salience** (e.g. how strongly a sentence matches its theme) adds up to ``SALIENCE_WEIGHT``
  = 0.5 to the rank score: on-topic sentences move up, but sumy's centrality and the sources'
  support still decide among equally on-topic ones.
- **algorithm**: TextRank by default. On NeuS val (see ``benchmarks/summary_rouge.py``) the full
  pipeline scored ROUGE-2 F 18.93 on TextRank against 17.55 on LexRank.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import groupby

from digest.config import SummarySettings
from digest.models import Article, Sentence
from digest.summary.salience import Concept, bigrams, concepts, content_stems, support
from digest.text.words import STOP_WORDS, stem
from digest.text.sentences import QUOTATION, SumyTokenizer, article_sentences, words

MIN_WORDS = 6
TITLE_CASE_SHARE = 0.5
POSITION_WEIGHT = 0.2
SALIENCE_WEIGHT = 0.5
KL_CAP = 60
SUPPORT_WEIGHT = 1.0
CONCEPT_WEIGHT = 0.5

_SUMMARIZERS = {  # sumy's classes in summary/rankers.py, imported when a summary is ranked (sumy, numpy: ~0.25 s)
    "lexrank": "LexRankSummarizer", "textrank": "TextRankSummarizer", "lsa": "LsaSummarizer",
    "luhn": "LuhnSummarizer", "kl": "KLSummarizer", "sumbasic": "SumBasicSummarizer",
}
# Edmundson's cue method: words that mark reported facts (bonus) and hedges or chatter (stigma).
BONUS_WORDS = (
    "announced", "revealed", "reported", "said", "first", "major", "new", "billion", "million",
    "percent", "revenue", "launched", "plans", "will", "industry", "according", "record",
)
STIGMA_WORDS = (
    "maybe", "perhaps", "hardly", "arguably", "reportedly", "rumored", "probably", "kind",
    "sort", "stuff", "really", "basically", "honestly", "imagine", "guess",
)

_END = re.compile(r"[.!。！](?:[\"”’')\]」』）]+)?$")  # 。！ end Chinese and Japanese statements
_BYLINE = re.compile(r"^By [A-Z][\w.’'\-]*(?: [A-Z][\w.’'\-]*){0,3}\s*(?:$|[,|—–]|and\b)")
_BOILERPLATE = re.compile(
    r"^(?:(?:Photo|Image|Credit|Source|Updated|Published|Posted)s?:|(?:Reporting|Editing|Writing) by\b)|"
    r"all rights reserved|click here|subscribe to|sign up for|follow us|read more|"
    r"contributed to this report|©",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(?:I|me|my|mine|[Yy]ou|[Yy]our|[Yy]ours)\b")
_OPENER = re.compile(
    r"^[“\"‘']?(?:(?:However|But|And|Or|So|Yet|Still|Instead|Also|Thus|Hence|Therefore|Meanwhile|"
    r"Moreover|Furthermore|Additionally|Nevertheless|Nonetheless|This|That|These|Those|It|Its|"
    r"He|She|They|Them|His|Her|Their|Such|Then)\b|In other words|Of course|As a result|"
    r"On the other hand|In addition|At the same time|For example|In effect|Even so)"
)
_SUBJECTLESS = re.compile(r"^[^:]{1,60}:\s+[A-Z][a-z]+ed\b")  # "“Happy Gilmore 2”: Leveraged AI to ..."
_UNATTRIBUTED = re.compile(r"[”\"],?\s+(?:he|she|they)\s+\w+")
_CLAUSE_THEN_PRONOUN = re.compile(r"^[^,]{1,40},\s+(?:this|that|these|those|it|its|they|their|he|she|his|her|such)\b")


def summarize(
    candidates: Sequence[Sentence],
    settings: SummarySettings,
    salience: Mapping[Sentence, float] | None = None,
) -> tuple[Sentence, ...]:
    """The best verbatim sentences of ``candidates`` within the budget, in reading order."""
    salience = salience or {}
    pool = shortlist(_unique(s for s in candidates if eligible(s)), settings, salience)
    ranked = _rank(pool, settings.algorithm, salience)
    return reading_order(_select(ranked, settings, concepts(pool)), candidates)


def summarize_articles(
    articles: Sequence[Article], settings: SummarySettings, words: int | None = None
) -> tuple[Sentence, ...]:
    """One summary of whole articles (``digest summarize PATH... --words N``)."""
    if words is not None:
        settings = settings.model_copy(update={"words_per_theme": words})
    return summarize([s for a in articles for s in article_sentences(a)], settings)


def eligible(sentence: Sentence) -> bool:
    """Whether a sentence reads as a complete statement on its own (see the module docstring)."""
    return _eligible(sentence.text)


@lru_cache(maxsize=16384)  # discovery, each summary and why-it-matters ask again of the same sentences
def _eligible(text: str) -> bool:
    tokens = words(text)
    if "\n" in text or "?" in text or "？" in text or not _END.search(text) or len(tokens) < MIN_WORDS:
        return False
    if _title_case(tokens) or _BYLINE.match(text) or _BOILERPLATE.search(text) or _SUBJECTLESS.match(text):
        return False
    return not _PERSONAL.search(QUOTATION.sub("", text))


def _title_case(tokens: list[str]) -> bool:
    if sum(1 for t in tokens if t[0].isupper()) < TITLE_CASE_SHARE * len(tokens):
        return False  # most sentences stop here, before the slower count of letters
    long = [t for t in tokens if sum(c.isalpha() for c in t) >= 4]
    return bool(long) and all(t[0].isupper() for t in long)


def dangling(sentence: Sentence) -> bool:
    """Whether a sentence leans on the one before it (a connective, a pronoun, "he said")."""
    text = sentence.text
    if _OPENER.match(text) or _CLAUSE_THEN_PRONOUN.match(text) or _UNATTRIBUTED.search(text):
        return True
    return not any(c.isalnum() for c in QUOTATION.sub("", text))  # a bare quote: who said it?


def near_repeat(a: frozenset[str], b: frozenset[str], redundancy: float) -> bool:
    """Whether two sentences' content stems overlap enough to say the same thing twice."""
    if not a or not b:
        return a == b
    shared = len(a & b)
    return shared / len(a | b) > redundancy or shared / min(len(a), len(b)) > (1 + redundancy) / 2


def shortlist(
    sentences: Sequence[Sentence], settings: SummarySettings, salience: Mapping[Sentence, float]
) -> list[Sentence]:
    """At most the cap's number of sentences, ranked cheaply, returned in input order."""
    cap = settings.max_candidates
    if settings.algorithm == "kl":
        cap = min(cap, KL_CAP)
    if len(sentences) <= cap:
        return list(sentences)
    scores = _cheap_scores(sentences, salience)
    best = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:cap]
    return [sentences[i] for i in sorted(best)]


def _cheap_scores(sentences: Sequence[Sentence], salience: Mapping[Sentence, float]) -> list[float]:
    stems = [content_stems(s.text) for s in sentences]
    frequency = Counter(w for sentence in stems for w in sentence)
    top = max(salience.values(), default=0.0) or 1.0
    return [
        sum(frequency[w] for w in ws) / (len(ws) or 1) / len(sentences)
        + POSITION_WEIGHT / (1 + s.index)
        + SALIENCE_WEIGHT * salience.get(s, 0.0) / top
        for s, ws in zip(sentences, stems)
    ]


def _unique(sentences: Iterable[Sentence]) -> list[Sentence]:
    """First of each exact text: sumy keys its ratings by text, and a copy adds nothing."""
    seen: set[str] = set()
    kept = []
    for sentence in sentences:
        if sentence.text not in seen:
            seen.add(sentence.text)
            kept.append(sentence)
    return kept


def _rank(pool: list[Sentence], algorithm: str, salience: Mapping[Sentence, float]) -> list[Sentence]:
    """``pool`` best first: sumy's order, nudged by salience and support; ties keep input order."""
    order = sumy_order(pool, algorithm)
    rank_score = {i: 1 - position / len(order) for position, i in enumerate(order)}
    top = max(salience.values(), default=0.0) or 1.0
    backing = support(pool)
    scores = [
        rank_score.get(i, 0.0) + SALIENCE_WEIGHT * salience.get(s, 0.0) / top + SUPPORT_WEIGHT * backing[i]
        for i, s in enumerate(pool)
    ]
    return [pool[i] for i in sorted(range(len(pool)), key=lambda i: (-scores[i], i))]


def sumy_order(pool: Sequence[Sentence], algorithm: str) -> list[int]:
    """Indexes into ``pool``, best first, as sumy's ``algorithm`` rates them."""
    order: list[int] = []

    def keep_all(infos):  # sumy passes every sentence, best first, to a callable count
        order.extend(info.order for info in infos)
        return infos

    with warnings.catch_warnings():  # LSA warns when there are fewer words than sentences
        warnings.simplefilter("ignore")
        summarizer(algorithm)(_document(pool), keep_all)
    return order


def summarizer(algorithm: str):
    """A sumy summarizer for ``algorithm`` with the offline stemmer and English stop words."""
    from digest.summary import rankers

    if algorithm == "edmundson":
        chosen = rankers.EdmundsonSummarizer(stem, cue_weight=1.0, key_weight=1.0, title_weight=0.0)
        chosen.bonus_words, chosen.stigma_words = BONUS_WORDS, STIGMA_WORDS
        chosen.null_words = STOP_WORDS
        return chosen
    chosen = getattr(rankers, _SUMMARIZERS[algorithm])(stem)
    chosen.stop_words = STOP_WORDS
    return chosen


def _document(pool: Sequence[Sentence]):
    """sumy's document: one paragraph per source block, so position methods see paragraphs."""
    from digest.summary.rankers import ObjectDocumentModel, Paragraph, SumySentence

    tokenizer = SumyTokenizer()
    blocks = groupby(pool, key=lambda s: (s.article_id, s.block))
    return ObjectDocumentModel(
        Paragraph(SumySentence(s.text, tokenizer) for s in group) for _, group in blocks
    )


def _select(ranked: list[Sentence], settings: SummarySettings, weights: Mapping[Concept, float]) -> list[Sentence]:
    """Greedy: each round takes the admissible sentence with the best rank plus new concepts."""
    chosen: list[Sentence] = []
    stems = {s: content_stems(s.text) for s in ranked}
    grams = {s: bigrams(s.text) for s in ranked}
    top = max((sum(weights.get(g, 0.0) for g in grams[s]) for s in ranked), default=0.0) or 1.0
    rank_score = {s: 1 - i / len(ranked) for i, s in enumerate(ranked)}
    covered: set[Concept] = set()

    def gain(sentence: Sentence) -> float:
        new = sum(weights.get(g, 0.0) for g in grams[sentence] - covered)
        return rank_score[sentence] + CONCEPT_WEIGHT * new / top

    while len(chosen) < settings.max_sentences:
        room = settings.words_per_theme - sum(len(words(s.text)) for s in chosen)
        options = [s for s in ranked if _admissible(s, chosen, room, stems, settings)]
        if not options:
            break
        chosen.append(max(options, key=gain))  # max keeps the first (best ranked) of equals
        covered |= grams[chosen[-1]]
    return chosen


def _admissible(
    sentence: Sentence,
    chosen: list[Sentence],
    room: int,
    stems: Mapping[Sentence, frozenset[str]],
    settings: SummarySettings,
) -> bool:
    if sentence in chosen or len(words(sentence.text)) > room:
        return False
    if dangling(sentence) and not any(_follows(sentence, c) for c in chosen):
        return False
    mine = stems[sentence]
    return not any(near_repeat(mine, stems[c], settings.redundancy) for c in chosen)


def _follows(sentence: Sentence, before: Sentence) -> bool:
    return before.article_id == sentence.article_id and before.index == sentence.index - 1


def reading_order(chosen: Iterable[Sentence], candidates: Sequence[Sentence]) -> tuple[Sentence, ...]:
    """By source article (in the order articles first appear among candidates), then position."""
    article_rank: dict[str, int] = {}
    for sentence in candidates:
        article_rank.setdefault(sentence.article_id, len(article_rank))
    return tuple(sorted(chosen, key=lambda s: (article_rank.get(s.article_id, len(article_rank)), s.index)))
