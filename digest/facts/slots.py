"""Figure lines of the consensus box: a story's figures grouped by slot and period into agreed,
disputed and changed lines (``digest.facts.consensus.find_facts`` calls ``numeric_facts``).

Figures (``digest.claims``) are compared symbolically within a slot (kind with currency,
attribute, qualifier) and period. Different stated periods are different facts, never a dispute. A
figure whose period is not stated joins the slot's only period (or the one it agrees with); a
dispute with a side whose period is unknown carries "period not stated — may differ". With no
period stated by anyone, values are never set against each other: only the largest agreeing group
is shown. A supporter agreeing with two disputing values counts for neither; a source giving two
values in one slot ("100 million more doses", "200 million doses" in all: NeuS test-102) shows the
slot holds several things, so each value is its own consensus candidate and nothing is disputed;
directions ("cheaper") and counts of people with nothing said of them only ever agree; two
sentences naming different subjects ("Netflix", "Disney") never dispute; a change with no stated
base ("grew 12%") never disputes (NeuS held-out check: 12 % vs 13 % and 25 % vs 36 % were month-
on-month against other bases). A lone source against four or more agreeing ones (``_lone_outliers``)
leaves the agreed value as consensus. A duration ("for 24 years") only ever disputes: where
sources agree, the statement saying what lasted so long is the line. A count of things no verb
governs (``Figure.loose``) only supports a value that another source's labelled figure states; it
never makes a line or a dispute. So does a bare number ("payrolls increased by 943,000"; not one an
event word governs, "killed more than 365,000"): it joins the one count slot, of its qualifier, whose
value another source states, or none; an amount of money no attribute names ("a rescission request for
$15 billion", ``agreed.unnamed_amounts``) joins the one slot of its currency another source's figure
agrees with ("a roughly $15 billion package": "Package", 2 sources). Outside every gold (507 NeuS
stories): +2 lines, 1 widened, all judged right (the expired $600 weekly payment; the $15 billion
rescission package; Smartmatic's $2.7 billion suit 2 -> 3 sources); tuning halves unchanged. Bounds
pointing one way ("at least 40", "at least 42") and values more than four times apart never dispute
unless dated in order (``digest.facts.bounds`` states both with what was measured).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from digest.facts import bounds, changes, claims, names, predicates
from digest.facts.claims import Figure
from digest.facts.periods import Period
from digest.facts.said import Said
from digest.models import Fact, FactValue

MAY_DIFFER = "period not stated — may differ"

_Claims = list[tuple[Said, Figure]]


def numeric_facts(found: _Claims, total: int, least: int, common: frozenset[str]) -> list[Fact]:
    slots: dict[tuple[str, str, str], _Claims] = defaultdict(list)
    for said, figure in found:
        if figure.attribute != "*":
            slots[(figure.kind, figure.attribute, figure.qualifier)].append((said, figure))
    _to_named_moves(slots)
    _to_counts(slots, [(said, figure) for said, figure in found if figure.attribute == "*"])
    facts = []
    for slot in sorted(slots):
        for period, members in _buckets(slots[slot]):
            facts += _slot_facts(slot, period, members, total, least, common)
    return facts


def _to_counts(slots: dict[tuple[str, str, str], _Claims], bare: _Claims) -> None:
    """A bare number ("increased by 943,000"; an amount no attribute names: a slot of its currency) joins the one count slot, of its qualifier, where another
    source's labelled figure agrees with it; none if several. So it does an amount of no written currency
    (Emergent headlines lost their "$": "Shane Smith's 300,000 steak dinner" beside "Spent 300,000 on
    dinner" in ten others)."""
    for said, figure in bare:
        kinds = (figure.kind,) if figure.kind.startswith("money") else ("count", "money unstated")
        homes = [k for k, m in slots.items() if k[0] in kinds and k[2] == figure.qualifier and any(
            not f.loose and s.source != said.source and claims.agree(f, figure) for s, f in m)]
        if len(homes) == 1:
            slots[homes[0]].append((said, figure))


def _to_named_moves(slots: dict[tuple[str, str, str], _Claims]) -> None:
    """A rise or fall of no named subject ("the blue-chip index climbed 0.4%") whose sentence names an index
    another source's move is keyed by ("Dow growth": "gained ... 0.42 percent"), and agrees with that move's
    value, is that index's move: it leaves the bare slot for the one such named slot (none if several)."""
    for key in [k for k in slots if k[1] in _MOVES]:
        kept = []
        for said, figure in slots[key]:
            homes = [k for k, members in slots.items()
                     if k[0] == key[0] and k[2] == key[2] and k[1][:1].isupper() and k[1].split()[-1] == key[1]
                     and k[1].split()[0].lower() in figure.subjects
                     and any(s.source != said.source and claims.agree(f, figure) for s, f in members)]
            (slots[homes[0]] if len(homes) == 1 else kept).append((said, figure))
        slots[key] = kept


def _buckets(members: _Claims) -> list[tuple[Period | None, _Claims]]:
    """Group a slot's figures by stated period; figures without one join where they fit."""
    known: dict[Period, _Claims] = defaultdict(list)
    for said, figure in members:
        if figure.period_known:
            known[figure.period].append((said, figure))
    loose = [(s, f) for s, f in members if not f.period_known]
    if not known:
        return [(None, loose)]
    for said, figure in loose:
        fits = [p for p in known if _fits(figure, p, known)]
        if len(fits) == 1:
            known[fits[0]].append((said, figure))
    return sorted(known.items(), key=lambda item: item[0].label)


def _fits(figure: Figure, period: Period, known: dict[Period, _Claims]) -> bool:
    """A partial period ("Q2") must match; an unstated one joins the only period or the one it agrees with."""
    if figure.period is not None and figure.period.kind in ("Q", "H", "FY"):
        return (figure.period.kind, figure.period.number) == (period.kind, period.number)
    return len(known) == 1 or any(claims.agree(figure, other) for _, other in known[period])


def _entries(members: _Claims) -> tuple[list[tuple[str, _Claims]], bool]:
    """Each source's figures in the slot, one entry per value it gives (most precise first), and
    whether some source gives two values: then the slot holds several things, never a dispute."""
    grouped: dict[str, _Claims] = defaultdict(list)
    for said, figure in members:
        grouped[said.source].append((said, figure))
    entries, several = [], False
    for source, items in grouped.items():
        clusters: list[_Claims] = []
        for item in sorted(items, key=lambda item: (item[1].width, item[1].text)):
            home = next((c for c in clusters if claims.agree(c[0][1], item[1])), None)
            home.append(item) if home is not None else clusters.append([item])
        several = several or len(clusters) > 1
        entries += [(source, cluster) for cluster in clusters]
    return entries, several


def _same_subject(a: Figure, b: Figure, common: frozenset[str]) -> bool:
    """Unless both sentences name someone, and no one in common ("Netflix" vs "Disney"). An event's
    count ("Killed") is the story's: whose it is was settled by its predicate (``predicates``), and a
    named index's move ("S&P decline") by its name."""
    if a.label and b.label and (a.kind in ("count", "tally", "duration") or a.attribute[:1].isupper()):
        return True
    left, right = a.subjects - common, b.subjects - common
    return not left or not right or bool(left & right)


_MOVES = ("growth", "decline")  # a change whose subject no word of the slot names


def _groups(entries: list[tuple[str, _Claims]], common: frozenset[str]) -> list[list[tuple[str, _Claims]]]:
    """Sources grouped by agreeing values; the most precise figure leads its group. A value
    disagreeing with the largest group about someone else is left out rather than called a dispute
    (the largest, not the first read: one precise figure about another bill keeps no pair out); so is a
    rise or fall of no named subject agreeing with one about someone else ("Australia's index lost
    7.3%" and "Markets in Europe were down about 7%" are two markets' moves, not one)."""
    groups: list[list[tuple[str, _Claims]]] = []
    def order(entry):  # labelled figures first: a loose count ("revised by 88,000 jobs") never keeps one out
        return all(f.loose for _, f in entry[1]), entry[1][0][1].width, entry[1][0][1].value, entry[0]

    for source, items in sorted(entries, key=order):
        best = items[0][1]
        fits = [g for g in groups if claims.agree(changes.leading(g), best)]
        if best.attribute in _MOVES and not all(_same_subject(changes.leading(g), best, common) for g in fits):
            continue
        if len(fits) == 1 and source not in {s for s, _ in fits[0]}:
            fits[0].append((source, items))
        elif not fits:
            groups.append([(source, items)])
    groups.sort(key=lambda g: (-len(g), changes.leading(g).width, changes.leading(g).value))
    anchor = changes.leading(groups[0]) if groups else None  # the value most sources give says whose the slot is
    return [g for i, g in enumerate(groups) if i == 0 or _same_subject(anchor, changes.leading(g), common)]


def _label(slot: tuple[str, str, str], members: _Claims = ()) -> str:  # "Revenue", "Growth (year-over-year)", "Killed"
    _, attribute, qualifier = slot
    said = Counter(f.label for _, f in members if f.label)
    name = min(said, key=lambda label: (-said[label], label)) if said else attribute[0].upper() + attribute[1:]
    return name + (f" ({qualifier})" if qualifier else "")


def _slot_facts(slot, period: Period | None, members: _Claims, total: int, least: int,
                common: frozenset[str]) -> list[Fact]:
    if all(f.loose for _, f in members):
        return []
    entries, several = _entries(members)
    groups = _without_parts([g for g in _groups(entries, common) if not all(f.loose for _, items in g for _, f in items)])
    if several and len(groups) > 1:  # "100 million more doses" and "200 million doses" in all: each may be a fact
        return [f for g in groups for f in _slot_facts(slot, period, [i for _, items in g for i in items],
                                                       total, least, common)]
    lead = changes.leading(groups[0]) if groups else None
    if len(groups) > 2 and changes.in_order(groups) is None:  # 60, 65 and a misread 300: 60 against 65 stays
        groups = [g for g in groups if g is groups[0] or not bounds.far_apart([groups[0], g])]
    if len(groups) > 1 and (period is None and lead.periodic or not lead.disputable or _other_people(groups)
                            or (bounds.one_way(groups) or bounds.far_apart(groups)) and changes.in_order(groups) is None):
        if len(groups[0]) == len(groups[1]):
            return []
        groups = groups[:1]  # no period stated anywhere: another value may be another period
    origins = tuple(sorted(source for group in groups for source, _ in group))
    if len(origins) < least:
        return []
    stated = sum(1 for g in groups for _, items in g if any(f.period == period for _, f in items))
    text = _label(slot, members) + (f", {period.label}" if period is not None and stated >= least else "")
    values = tuple(v for i, group in enumerate(groups) for v in _values(group, period, i > 0))
    evidence = tuple(e for v in values for e in v.evidence)
    if len(groups) == 1:
        if lead.kind == "duration":  # "for 30 days" alone says not what lasted: the statement saying it is the line
            return []
        return [Fact("consensus", f"{text}: {values[0].value}", origins, total, values, evidence)]
    if _verbs_differ(members):  # "seven candidates mounting efforts", "four candidates locked in a race": two facts
        return _per_verb(slot, period, members, total, least, common)
    if slot[1].endswith(("growth", "decline")) and not slot[2] and not slot[1][:1].isupper():
        return []  # a change with no stated base (year-over-year...) cannot be said to differ
    change = changes.change(text, groups, origins, total)
    if change is not None:
        return [change]
    if _lone_outliers(groups):  # 43 in four sources, 40 in one: the one is likelier a slip than a dispute
        return _slot_facts(slot, period, [i for _, items in groups[0] for i in items], total, least, common)
    unsure = lead.periodic and any(not any(f.period_known for _, items in g for _, f in items) for g in groups)
    return [Fact("disputed", text, origins, total, values, evidence, MAY_DIFFER if unsure else "")]


_PLACE_FIRST = re.compile(r"^\W*(?:In|At)\s+((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*),")  # "In Alexandria, ..."


def _without_parts(groups: list[list[tuple[str, _Claims]]]) -> list[list[tuple[str, _Claims]]]:
    """Groups less any smaller value whose every sentence opens on a place no other value's sentences
    name: "In Alexandria, an explosion outside St Mark's church killed 13 people" counts one of the
    event's places, not its total (NeuS test-60: 37 and "at least 40" killed at two churches)."""
    def place(group) -> str:
        found = {m[1] for _, items in group for said, _ in items for m in [_PLACE_FIRST.match(said.text)] if m}
        every = all(_PLACE_FIRST.match(said.text) for _, items in group for said, _ in items)
        where = found.pop() if every and len(found) == 1 else ""
        return "" if not where or where.split()[0].lower() in names.DATES else where  # "In March, ...": a time, no place

    def part(i: int, group) -> bool:
        where, others = place(group), [g for j, g in enumerate(groups) if j != i]
        said = " ".join(s.text for g in others for _, items in g for s, _ in items)
        top = max(f.high for _, items in group for _, f in items)
        return bool(where) and where not in said and all(f.low > top for g in others for _, items in g for _, f in items)

    return [g for i, g in enumerate(groups) if len(groups) < 2 or not part(i, g)]


def _other_people(groups: list[list[tuple[str, _Claims]]]) -> bool:
    """Counts of people that name different people are a part and its whole, not a dispute: "left 12
    police officers shot" and "shot 14 people" (NeuS test-99, outside every gold: 12 officers among 14
    shot). Only two values, one naming anyone ("people", "victims"), the other a kind of people
    ("officers"), and the part no larger than its whole: "killed 60 people" and "killed 65 pilgrims" (or
    "65 victims") are the issue's disputed toll, as "162 people" and "About 180 people" are. "Five were
    killed" names none and may differ, and "1,500 workers" and "1,200 jobs" are one slot. Two kinds of people
    and no one in common are two groups: "killed 4 hostages" and "killed 10 top ISIS commanders" (an Emergent
    claim outside every gold, once its Title-case headlines were read)."""
    if len(groups) != 2 or changes.leading(groups[0]).kind != "count":
        return False
    named = [{m[0].lower() if (m := _PEOPLE_NOUN.search(f.text)) else "" for _, items in g for _, f in items}
             for g in groups]
    generic = [n <= _ANYONE for n in named]
    specific = [bool(n) and not n & _ANYONE and n <= predicates.PEOPLE_LIKE for n in named]
    value = [changes.leading(g).value for g in groups]
    kinds = [{n for n in names if predicates.people(n)} for names in named]  # "4 hostages", "10 commanders"
    apart = all(k and k == n - {""} and not k & _ANYONE for k, n in zip(kinds, named)) and not kinds[0] & kinds[1]
    return apart or any(generic[whole] and specific[1 - whole] and value[1 - whole] < value[whole] for whole in (0, 1))


_ANYONE = frozenset(("people", "persons", "individuals", "victims", "casualties"))
_PEOPLE_NOUN = re.compile(r"[a-z]+\s*$", re.IGNORECASE)  # the noun a count's text ends on ("14 people", "12 police officers")


def _lone_outliers(groups: list[list[tuple[str, _Claims]]]) -> bool:
    """Every other value is one source's, against at least four agreeing sources and four times as
    many as differ: the box shows the agreed value, not a dispute with a lone outlier (Emergent:
    "43 students" in four reports, "40" in one). Three against one stays a dispute (the seeds'
    revenue: three say $11.08 billion, one $11.5 billion, and the gold calls it one)."""
    others = sum(len(g) for g in groups[1:])
    return len(groups[0]) >= 4 and all(len(g) == 1 for g in groups[1:]) and len(groups[0]) >= 4 * others


def _verbs_differ(members: _Claims) -> bool:
    """A count of things is slotted by its noun; sources that differ only with different verbs
    ("Doses discarded", "Doses ordered") say different things, not a dispute."""
    labels = {f.label for _, f in members if f.kind == "count" and f.label and " " in f.label}
    return len(labels) > 1


def _per_verb(slot, period: Period | None, members: _Claims, total: int, least: int,
              common: frozenset[str]) -> list[Fact]:
    """Each verb's figures as a fact of its own ("Jobs lost: 140,000" by two sources beside one
    source's "Jobs cut: 372,000" by restaurants); loose counts may support any of them."""
    loose = [(said, f) for said, f in members if f.loose]
    by_label: dict[str, _Claims] = defaultdict(list)
    for said, figure in members:
        if not figure.loose:
            by_label[figure.label].append((said, figure))
    return [fact for label in sorted(by_label)
            for fact in _slot_facts(slot, period, by_label[label] + loose, total, least, common)]


def _values(group: list[tuple[str, _Claims]], period: Period | None, disputing: bool) -> list[FactValue]:
    """One value per way of stating the group's figure: exact ones first, then rounded or hedged."""
    lead = changes.leading(group)
    ways: dict[tuple[str, str], list[tuple[str, _Claims]]] = defaultdict(list)
    for source, items in group:
        best = items[0][1]
        note = _note(best, lead, period, disputing)
        ways[(note, lead.shown if not note else best.shown)].append((source, items))
    values = []
    for (note, shown), members in sorted(ways.items(), key=lambda kv: (kv[0][0] != "", kv[0])):
        evidence = tuple(said.evidence for _, items in members for said, _ in items)
        values.append(FactValue(shown, tuple(sorted(source for source, _ in members)), evidence, note))
    return values


def _note(figure: Figure, lead: Figure, period: Period | None, disputing: bool) -> str:
    notes = ["approximate" if figure.hedge else "rounded"] if figure.width > lead.width else []
    if figure.periodic and not figure.period_known and (period is not None or disputing):
        notes.append(MAY_DIFFER if disputing else "period not stated")
    return "; ".join(notes)
