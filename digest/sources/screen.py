"""An article's units (``relevance``), and the exact screen that builds only the ones that matter.

Most articles of a week name no term of some concept group anywhere (a football report, no "AI"):
their score is 0 whatever their sentences, and their reason names only where the terms of the
other groups are (``"no AI concept; entertainment: 2 body ('film')"``). For such an article
(``quiet``), ``screened_units`` builds only the units that can change that reason, and splits
into sentences only the paragraphs where the splitter's cuts decide it:

- paragraphs holding no term (nor an exclusion, in the lead) are never split;
- the first two paragraphs are split only when they hold a term or an exclusion: otherwise the
  lead (the first ``LEAD_SENTENCES`` sentences) lies inside them and holds nothing to report;
- a later paragraph whose terms of each group, and the ``not_in`` phrases around them, each sit
  in one stretch where no sentence can end is one unit, unsplit (``_whole``): "film" twice in one
  sentence is 1 body unit, "film" in two sentences is 2, and that paragraph is split to tell;
- a split paragraph's sentences take their tokens from the paragraph's (``_sentences``), and
  their terms from those ``_whole`` matched in it (``_sentence``), not matched again.

The result is exactly the full scorer's (``article_units``): tests/test_relevance.py and
``benchmarks/relevance_screen.py`` compare scores and reasons.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from collections.abc import Sequence

from digest.models import Article
from digest.sources import phrases, terms
from digest.sources.terms import Topic, Unit
from digest.sources.wording import BODY, LEAD, Stemmed, Text
from digest.text.scripts import has_cjk
from digest.text.sentences import split
from digest.text.words import light_stem

LEAD_SENTENCES = 2
LABEL_WORDS = 5  # a run-in label has at most five words ("Speed & Efficiency:")

_INNER = re.compile(r"(['’.])")  # what may join word pieces (``text.sentences``' word pattern)
_WORDY = re.compile(r"[^\W_]").fullmatch  # a character words are made of
_BREAK = re.compile(r"[.!?…](?![^\W_])|[\n。！？]")  # where a sentence may end (``_whole``)


def article_units(article: Article, text: Text | None = None) -> list[Unit]:
    """Title, headings and sentences, each with its position weight and its paragraph: title
    ``TITLE``, headings and the first ``LEAD_SENTENCES`` sentences ``LEAD``, the rest ``BODY``.

    The title belongs to the first paragraph: together they are the standfirst, so "Lucasfilm
    de-ages Harrison Ford with machine learning" and a lead naming the actor join the groups.
    """
    text = text or Text(article)
    units = [text.title_unit()]
    sentences = 0
    for index, block in enumerate(article.blocks):
        if block.kind == "heading":  # the title frames every paragraph: "golf" there traps "tour"
            units.append(text.unit("heading", LEAD, index))
            continue
        for piece in split(block.text):
            units.append(text.unit(*_place(sentences), index, phrases.stemmed(piece)))
            sentences += 1
    return units


def screened_units(article: Article, text: Text, quiet: frozenset[int], topic: Topic) -> list[Unit]:
    """``article_units`` of a ``quiet`` article, only those that can hold a term (see above)."""
    units = [text.title_unit()]
    lead = _lead(text, quiet, topic)
    sentences = LEAD_SENTENCES if lead == "" else 0
    for index, block in enumerate(article.blocks):
        led = sentences >= LEAD_SENTENCES
        if led and index in quiet:
            continue  # no term there: its sentences can neither count nor be the lead
        if block.kind == "heading":
            units.append(text.unit("heading", LEAD, index))
            continue
        whole = (_whole(text, index, topic) if led
                 else _whole(text, index, topic, lead=True) if lead == "first" and index == text.first else None)
        if whole is not None:
            units += whole
            sentences = max(sentences, LEAD_SENTENCES)
            continue
        for own, first in _sentences(text, index):
            place = _place(sentences)
            sentences += 1
            if not topic.firsts.isdisjoint(own[1]):
                units.append(_sentence(text.unit(*place, index, own), text, first, topic))
    return units


def _sentence(unit: Unit, text: Text, first: int | None, topic: Topic) -> Unit:
    """A sentence unit of a paragraph ``_whole`` matched, its hits from those of its paragraph's
    terms that lie in it (its words are the paragraph's from ``first``): a term is in a sentence
    exactly when all its words are, so the sentence's words are not matched again."""
    found = text.found.get(unit.block)
    if found is None or first is None:
        return unit
    end = first + len(unit.words)
    own = [(name, term, start - first) for name, term, start in found if first <= start and start + len(term.tokens) <= end]
    return replace(unit, found=terms.hits(unit, topic, own, text.beside))


def _place(sentences: int) -> tuple[str, float]:
    return ("lead", LEAD) if sentences < LEAD_SENTENCES else ("body", BODY)


def _lead(text: Text, quiet: frozenset[int], topic: Topic) -> str:
    """What the lead (the first two sentences, in the first two paragraphs however they split)
    holds: "" no term or exclusion, then it holds nothing to report and the rest is body;
    "first" terms but no exclusion in the first paragraph only (``_whole`` may take it whole);
    else "split"."""
    held = [(i not in quiet, any(phrases.seek(text.words[i], text.stems[i], p.tokens) for p in topic.exclusions))
            for i in text.paragraphs[:LEAD_SENTENCES]] + [(False, False)] * LEAD_SENTENCES
    if not any(termed or excluded for termed, excluded in held):
        return ""
    return "first" if held[0] == (True, False) and held[1] == (False, False) else "split"


def _whole(text: Text, block: int, topic: Topic, lead: bool = False) -> list[Unit] | None:
    """Body paragraph ``block`` as one unit when that scores, and is named in the reason, exactly
    as its sentences are; else None (split it). With ``lead`` (the first paragraph, the next one
    holding nothing to report) one lead unit, when its terms all sit before the second place a
    sentence may end: in the first or second sentence, which are the lead.

    So it is when the counted terms of each group, and each term with the ``not_in`` phrases
    around it, sit in one stretch where no sentence can end, and no term can sit in a run-in
    label: the splitter ends a sentence only after ``. ! ? …`` not followed by a letter or digit,
    at a line break or at a CJK mark (``_BREAK``), and cuts nothing else but a label before the
    first colon (``sentences._skip_label``); a sentence's tokens are its paragraph's."""
    raw, (context, context_stems) = text.raw[block], text.context(block)
    unit = Unit(*(("lead", LEAD) if lead else ("body", BODY)), text.words[block], context, block, context_stems,
                context_stems)
    present = terms.context_stems(unit, text.beside)  # made once per paragraph: its sentences' traps read it too
    found = terms.matches(unit, topic, present)
    if not found or text.cjk[block]:
        return None  # a term only in a piece of a word, or CJK text: split it
    text.found[block] = found  # if it is split after all, its sentences' terms are among these
    counted = terms.hits(unit, topic, found, text.beside, present)
    stretches = [stretch for _, term, start in found
                 for stretch in ((start, start + len(term.tokens)), *terms.around(unit, term, start, topic, present))]
    stretches += [(min(start for _, _, start in group), max(start + len(term.tokens) for _, term, start in group))
                  for group in counted[0].values() if len(group) > 1]
    if ":" in raw and _labelled(raw, text.starts(block), min(start for start, _ in stretches)):
        return None  # a term may be in a label the splitter cuts off
    last = max(end for _, end in stretches)
    stretches = [(start, end) for start, end in stretches if end - start > 1]  # one word holds no cut
    if stretches or lead:
        cuts = _cuts(raw)
        if any(bisect_right(cuts, start) < bisect_left(cuts, end) for start, end in stretches):
            return None
        if lead and len(cuts) > 1 and last > cuts[1]:
            return None  # a term may be in the third sentence or later: body
    return [replace(unit, found=counted)]


def _labelled(raw: str, starts: Sequence[int], first: int) -> bool:
    """Whether word ``first`` of ``raw`` (its words start at ``starts``) may be in a run-in label:
    before the first colon, and that colon after at most ``LABEL_WORDS`` words (``sentences._LABEL``)."""
    colon = raw.find(":")
    return colon >= 0 and len(raw[:colon].split()) <= LABEL_WORDS and bisect_left(starts, colon) > first


def _cuts(raw: str) -> list[int]:
    """Where a sentence may end in ``raw`` (``_BREAK``), as the number of its words before each
    place: no word holds such a place (a word's inner "." is followed by a letter or digit).
    Counted in ``raw`` with each word written "w" (one ``sub``, no match object per word: 40 %
    less than finding where each word starts); a place is where it was, as a "." before a word
    is still before a letter."""
    marked = phrases.part_pattern(raw).sub("w", raw)
    cuts, count, at = [], 0, 0
    for match in _BREAK.finditer(marked):
        count += marked.count("w", at, match.start())
        at = match.start()
        cuts.append(count)
    return cuts


def _sentences(text: Text, block: int) -> list[tuple[Stemmed, int | None]]:
    """The sentences of ``block``, each as the run of the block's words it holds (a sentence is a
    verbatim piece of its block), and where in the block's words each starts; split into words afresh
    where a cut falls inside one, or in CJK text (and then None for where)."""
    raw, written, stems = text.raw[block], text.words[block], text.stems[block]
    pieces = split(raw)
    found, at = [], 0
    for piece in pieces:
        begin = raw.find(piece, at)
        if begin < 0 or text.cjk[block] or _inside(raw, begin) or _inside(raw, begin + len(piece)):
            return [(phrases.stemmed(piece), None) for piece in pieces]
        at = begin + len(piece)  # no word runs across either end: its words are the block's that start inside
        first, end = bisect_left(text.starts(block), begin), bisect_left(text.starts(block), at)
        found.append(((written[first:end], stems[first:end]), first))
    return found


def _inside(raw: str, at: int) -> bool:
    """Whether a word of ``raw`` (``phrases.PART``) runs across position ``at``."""
    left, right = raw[at - 2:at] if at >= 2 else raw[:at], raw[at:at + 2]
    return bool(right and left and (
        (_WORDY(left[-1]) and (_WORDY(right[0]) or (right[0] in "'’." and len(right) > 1 and _WORDY(right[1]))))
        or (left[-1] in "'’." and len(left) > 1 and _WORDY(left[0]) and _WORDY(right[0]))))


def _dotted(raw: str) -> bool:
    r"""Whether a "." stands between two letters or digits (the pattern ``[^\W_]\.[^\W_]``;
    ``[^\W_]`` is ``str.isalnum``),
    found by looking at each "." (a regex tries every position: 3 % of relevance's CPU)."""
    at = raw.find(".", 1)
    while 0 < at < len(raw) - 1:
        if raw[at - 1].isalnum() and raw[at + 1].isalnum():
            return True
        at = raw.find(".", at + 1)
    return False


def quiet(article: Article, text: Text, topic: Topic) -> frozenset[int] | None:
    """The blocks where no term occurs, when some group cannot count anywhere (else None): then
    the score is 0 (its spread is), and units without a term change neither it nor the reason.

    Looked for in whole blocks: a sentence is a verbatim piece of its block, cut at white space or
    punctuation, so a term in a sentence is in its block, and an occurrence beside a ``not_with``
    word is beside it in every sentence of that paragraph. Where a cut could fall inside a word
    (at a "." inside it, "U.S.Next"; CJK text at any mark), every piece of the word is tried
    against every word of the terms."""
    counted: set[int] = set()
    termed = []
    for block in range(-1, len(article.blocks)):
        termed.append(_occurs(text, block, topic, counted))
        if len(counted) == len(topic.groups):
            return None  # every group counts: the other blocks need not be looked at
    return frozenset(i for i, found in enumerate(termed[1:]) if not found)


def _occurs(text: Text, block: int, topic: Topic, counted: set[int]) -> bool:
    """Whether any term occurs in ``block``; the groups of the terms that may count there join ``counted``."""
    found, pieces = _whole_terms(text, block, topic, counted), _pieces(text, block)
    for g, group in enumerate(topic.stems):
        if pieces & group:
            found = True
            counted.add(g)
    return found


def _whole_terms(text: Text, block: int, topic: Topic, counted: set[int]) -> bool:
    """``_occurs`` for terms made of whole words of ``block``: a term counts unless a ``not_with``
    word of it is in the paragraph."""
    own, stems = (text.title, text.title_stems) if block < 0 else (text.words[block], text.stems[block])
    if topic.first_stems.isdisjoint(stems):
        return False  # no term's first word here (most blocks): no set of the block's stems made
    present, found = set(stems), False
    for stem in present & topic.first_stems:
        for g, _, _, term in topic.by_first[stem]:
            if not (term.stems <= present and phrases.seek(own, stems, term.tokens)):
                continue
            found = True
            if g not in counted and not _beside(text, block, topic.not_with.get(term.key, ())):
                counted.add(g)
    return found


def _beside(text: Text, block: int, traps) -> bool:
    context, context_stems = text.context(block)
    return any(phrases.seek(context, context_stems, p.tokens) for p in traps)


def _pieces(text: Text, block: int) -> set[str]:
    """The stems of every run of pieces of ``block``'s words a sentence cut could leave ("U.S.Next":
    "u.s", "next"...)."""
    raw, written = (text.title_raw, text.title) if block < 0 else (text.raw[block], text.words[block])
    if not (has_cjk(raw) if block < 0 else text.cjk[block]):  # a sentence can end inside a word only at a "." ("U.S.Next"), not at "'"
        joined = [word for word in written if "." in word] if _dotted(raw) else []  # its words hold the marks: no second regex pass
    else:
        joined = [w for w in written if _INNER.search(w)]
    return {light_stem("".join(parts[2 * i: 2 * j - 1])) for parts in map(_INNER.split, joined)
            for i in range(len(parts) // 2 + 1) for j in range(i + 1, len(parts) // 2 + 2)}
