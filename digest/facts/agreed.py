"""Counts that sources state alike but no predicate slots: a consensus line quoting one source's sentence.

A count of things no verb governs ("Of the 11 states with governor races", "in 11 states, voters will
also pick their next governor") has no slot (``predicates``: a label is never a bare noun), so
``slots`` lets it only support a slot another source names. When two or more sources give the same
count of the same noun (values agreeing as ``claims.agree`` says: "2,702 pages" and "some 2,700 pages"),
that agreement is a fact all the same: the line quotes one source's whole sentence (of those that can
stand alone, ``fragments.why_not_whole``, the one sharing most words with the others), as a statement line does, so no label is needed, and the
other sources' sentences are its evidence. Never for a number that is part of a name ("the Group of 20
major economies"), nor for a sentence another line already rests on or a number another line states.
So too (``unnamed_amounts``) for what ``claims`` drops for want of a slot: an amount of money no attribute
names ("divert $3.8 billion intended for military equipment"; per currency), a span of hours ("an outage
that lasted almost six hours", "for more than five hours") and people of whom no event is said ("her
four teenage children"), never people a reporter cites ("according to two people familiar with the
matter") nor numbers of another event (``predicates.elsewhere``). A question ("Real or hoax?") states
nothing: it neither makes nor supports a line.

Measured (issue 15, fifth round): tuning halves of the three news golds, consensus 62/62 -> 63/63,
recall 60/84 -> 61/84 (NeuS test-149's "11 states" with governor races), support exact 52/66 -> 53/67;
on the 507 NeuS stories outside every gold +7 lines, 7 judged right (counts: two top prosecutors
spared, the travel ban's six new countries; amounts: the Pentagon's $3.8 billion for the wall, tariffs
on $200 billion and on $60 billion of goods; the six-hour outage, 3 sources; Conway's four children).
Requiring the sentences to share a word rare in the story as well (measured on the counts) loses "11
states" ("governor", the story's topic, is common in it) and outside keeps the prosecutors but not the
travel ban: agreement on the number and its noun is the evidence. Seeds, older gold unchanged.
On the 277 Emergent claims outside every gold (headlines only) the rules add 5 lines and widen 2: the
HP split into two companies (7 sources), "Paid: 20,000", the goldfish surgery's 460 against 300 (a
dispute, with "pays" now a price verb) and two Apple Watch "Cost: 499" lines a seventh source joins are
right; "At least 10 ISIS fighters caught..." is supported by a headline reporting its denial, and
"Woman with three breasts is a fake" by "The woman with three breasts", which says no such thing: a
headline's claim is more than its count. So a sentence calling a claim false or unproven ("fake", "hoax",
"denies", "unconfirmed"...: ``_DENIES``) agrees only with others that do (review pass): on the 254 Emergent
claims outside every gold now (``consensus_outside.py --emergent``), the ISIS
line goes (its other two sources deny it or call it unconfirmed) and the fake line keeps its 2 right
sources of 3; on the 507 NeuS stories, the tuning halves, seeds and older gold nothing changes.
Cost: the sentences are read again for amounts, spans and people, which ``quantities.find``'s cache makes a
lookup: agreed over the 507 stories 6.9 s -> 0.8 s (one run, shared machine). Reading again only sentences
naming a currency, a span or people saved nothing measurable after the cache (0.35 s and 0.27-0.35 s over
the 507 stories, words matcher, one run each) and kept out an amount of no written currency, so the two
Apple Watch lines above lost their seventh source ("Apple Watch to start at 500 in stainless steel"):
not done (review pass).
"""

from __future__ import annotations

import re
from collections import defaultdict

from digest.facts import claims, fragments, names, predicates, quantities
from digest.facts.claims import Figure
from digest.facts.said import Said
from digest.models import Fact

_Claims = list[tuple[Said, Figure]]
_SPANS = ("hours", "minutes", "seconds")  # how long something lasted ("an outage that lasted almost six hours")
# people a reporter cites, not people the story is about ("according to two people familiar with the matter")
_SOURCING = re.compile(r"\W*(?:who\s+(?:were|are|was)\s+)?(?:familiar|briefed|with\s+(?:direct\s+)?knowledge|close\s+to|"
                       r"who\s+(?:spoke|asked|requested|declined|insisted)|involved\s+in|aware\s+of)\b", re.IGNORECASE)
_CITING = re.compile(r"\b(?:according\s+to|citing|told\s+by|sources?\s+include)\s*$", re.IGNORECASE)
_IN_NAME = re.compile(r"(?<=\S\s)[A-Z][\w-]*\s+of\s+(?:the\s+)?$")  # "Group of 20", "Council of Ten": a name, no count
# a sentence calling a claim false or unproven ("Obama administration DENIES congressman's claim", "...is a fake")
_DENIES = re.compile(r"\b(?:fake[sd]?|hoax\w*|false|untrue|den(?:y|ies|ied|ying|ial)|debunk\w*|unconfirmed|unverified)\b",
                     re.IGNORECASE)


def agreed_counts(found: _Claims, total: int, least: int, shown: list[Fact], amounts: _Claims = ()) -> list[Fact]:
    """A statement line for each count of one noun (or amount, span or people count of ``amounts``, as
    ``unnamed_amounts`` reads them) that ``least`` sources give alike and no line of ``shown`` states already."""
    by_noun: dict[tuple[str, bool], _Claims] = defaultdict(list)  # a denial agrees only with denials
    for one, figure in [*found, *amounts]:
        if figure.loose and figure.attribute not in ("", "*") and not _IN_NAME.search(one.text[:figure.start]):
            by_noun[figure.attribute, bool(_DENIES.search(one.text))].append((one, figure))
    taken = {e.sentence for fact in shown for e in fact.evidence}
    facts = []
    for noun in sorted(by_noun):
        for group in _clusters(by_noun[noun]):
            fact = _line(group, total, least, taken, shown + facts)
            if fact is not None:
                taken |= {e.sentence for e in fact.evidence}
                facts.append(fact)
    return facts


def unnamed_amounts(said: list[Said], found: _Claims) -> _Claims:
    """Amounts of money no attribute names ("divert $3.8 billion intended for military equipment"), as
    loose figures of one slot per currency; not one another event governs (``predicates.elsewhere``)."""
    read = {(s.source, s.text, f.start) for s, f in found}
    amounts = []
    for one in said:
        for q in quantities.find(one.text) if one.kind in ("paragraph", "bullet") else ():
            span = q.kind == "count" and q.noun in _SPANS
            people = q.kind == "count" and q.noun.split(" ")[0] == "people"
            if q.kind != "money" and not span and not people or (one.source, one.text, q.start) in read:
                continue
            before, after = " ".join(one.text[:q.start].split()[-8:]), " ".join(one.text[q.end:].split()[:5])
            if predicates.elsewhere(before, after) or people and (_SOURCING.match(after) or _CITING.search(before)
                                                                  or predicates.not_theirs(q.noun, before)):
                continue
            low, high = quantities.interval(q.value, q.step, q.hedge)
            slot = ("count", q.noun) if span or people else (f"money {q.currency}", f"amount {q.currency}")
            amounts.append((one, Figure(*slot, "", q.value, low, high, q.text, q.hedge, None, one.text, q.start, loose=True)))
    return amounts


def _clusters(members: _Claims) -> list[_Claims]:
    """Figures grouped by agreeing value, the most precise leading; one figure per source in each."""
    clusters: list[_Claims] = []
    for said, figure in sorted(members, key=lambda m: (m[1].width, m[1].value, m[0].source, m[0].text)):
        home = next((c for c in clusters if claims.agree(c[0][1], figure)), None)
        if home is None:
            clusters.append([(said, figure)])
        elif said.source not in {s.source for s, _ in home}:
            home.append((said, figure))
    return clusters


def _line(group: _Claims, total: int, least: int, taken: set[str], shown: list[Fact]) -> Fact | None:
    group = [(said, figure) for said, figure in group if not fragments.asks(said.text)]  # "Real or hoax?" asks, states nothing
    origins = tuple(sorted({said.source for said, _ in group}))
    if len(origins) < least or any(said.text in taken for said, _ in group):
        return None
    if any(_states(fact, group) for fact in shown):
        return None
    whole = [said for said, _ in group if not fragments.why_not_whole(said.text)]
    if not whole:
        return None
    quoted = min(whole, key=lambda s: (-_shared(s, group), len(s.text), s.text))
    return Fact("consensus", quoted.text, origins, total, (), tuple(said.evidence for said, _ in group))


def _shared(said: Said, group: _Claims) -> int:
    """How many content words ``said`` shares with the group's other sentences: the one saying most of what all say."""
    own = set(names.stems(said.text))
    return sum(len(own & set(names.stems(other.text))) for other, _ in group if other is not said)


def _states(fact: Fact, group: _Claims) -> bool:
    """Does ``fact`` already state the group's number: written as the group writes it, or the same value
    (in digits or words) beside a content word of the group's sentences ("Hewlett-Packard plans to split
    into two companies" beside "HP to split into two businesses")? One fact, one line."""
    texts = (fact.text, *(v.value for v in fact.values))
    for _, figure in group:
        number = re.search(r"\d[\d,.]*\d|\d", figure.text)
        pattern = number and re.compile(r"(?<![\w.,])" + re.escape(number[0]) + r"(?![\w,]|\.\d)")
        if pattern and any(pattern.search(text) for text in texts):
            return True
    values = {quantities.parse_number(n)[0] for text in texts for n in _NUMBER.findall(text)}
    if not any(figure.value in values for _, figure in group):
        return False
    words = {w for said, _ in group for w in names.stems(said.text)} - _NUMBER_STEMS
    return bool(words & set(names.stems(fact.text)))


_NUMBER = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w,]|\.\d)|\b(?:" + quantities.WORDS_PATTERN + r")\b", re.IGNORECASE)
_NUMBER_STEMS = frozenset(w[:6] for w in quantities.WORD_NUMBERS)
