"""What a count is about: the words that govern the number, read as an editor's slot label.

A count is a fact only with a predicate: what happened to what is counted ("13 people were
killed", "killing 13", "at least 80 people shot", "apprehended over 212,000 migrants", "500
doses being discarded"). People (and words standing for them: "victims", "Russians", "migrants")
are slotted by what happened to them (bodies recovered are the dead) (``EVENTS``: killed and died are one slot, "Killed" when a
source says killed, else "Died"); other things by their noun with the verb next to them ("57
vials" + "removed" -> "Vials removed"); seats, votes and delegates won, taken or secured are
"Seats won" ("took 156 seats", "projected to win 157 seats"); workers, employees and staff laid off,
let go or losing their jobs are the jobs cut ("Jobs cut", as "cutting 1,200 jobs" and "7,000
layoffs"), and what happens to them next to the number is theirs ("two workers were killed": Killed).
Attackers, gunmen, militants and the like killed are a slot of their own ("Attackers killed", one
slot whichever of these nouns is used), never the victims' toll; people counted after "by" (the doers)
or as a place's population are no event's count (``not_theirs``). How many were inside is said many ways: "inside", "aboard", "trapped", "were in the club", "carrying". A count with no such word near it ("11 people running",
"in 34 states") has no slot and is not a fact line, so no label is ever a bare noun.

A number that belongs to another event the sentence recalls is no fact of this story
(``elsewhere``): one placed after a comparison ("down from a peak of 2,000", "above that of Italy,
which is reporting 19,468 deaths", "compared to just 76,000"), after a year or a month of another
time ("On May 1, 1886, more than 300,000 workers", "since March 2000, when more than 223,000"),
or tied to a time before ("last year", "a year ago", "previous", "earlier").

Vote tallies ("5-4", "371-18", "19-to-0") are slotted as "Vote" or "Ruling" by the word governing
them; without one (a score, a range of ages) they are dropped.
"""

from __future__ import annotations

import re

# class -> (label, pattern); the nearest match to the number wins, ties by this order
EVENTS = (
    ("dead", "Died", r"\bdied\b|\bdie\b|\bdeaths?\b|death toll|fatalit|\bdead\b|lost their lives|\blives\b"),
    ("dead", "Killed", r"\bkill(?:ed|ing|s)?\b|fatally"),
    ("injured", "Injured", r"injur|wound|\bhurt\b"),
    ("shot", "Shot", r"\bshot\b|gunshot|shooting"),
    ("missing", "Missing", r"missing|vanish|disappear|unaccounted"),
    ("rescued", "Rescued", r"rescu"),
    ("inside", "Inside", r"\binside\b|\baboard\b|on board|trapped|\b(?:were|was) in the\b|\bcarr(?:ying|ied)\b"),
    ("arrested", "Arrested", r"arrest|apprehend|detain|encounter|stopped|in custody"),
    ("evacuated", "Evacuated", r"evacuat|displaced"),
    ("jobs", "Jobs cut", r"\blaid off\b|\blay(?:s|ing)? off\b|\blayoffs?\b|\bjob cuts\b|\blet go\b|"
                         r"\blos(?:e|es|ing|t)\b(?: \w+){0,2} jobs\b"),
    ("identified", "Identified", r"identif"),
    ("indicted", "Indicted", r"indict"),
    ("charged", "Charged", r"\bcharged\b"),
    ("hospitalized", "Hospitalized", r"hospitali[sz]"),
    ("cases", "Cases reported", r"tested positive|infect|\b(?:new|confirmed|positive|suspected|reported)\s+cases\b"),
    ("vaccinated", "Vaccinated", r"vaccinat|inoculat"),
    ("eligible", "Eligible", r"eligib|path to citizenship|\bqualify\b"),
    ("opposed", "Voted against", r"\boppos|voted against|voted nay|\bvoted no\b"),
    ("affected", "Affected", r"\baffect|\blos(?:e|ing)\b(?: \w+){0,3} (?:benefits|coverage|homes|power)|\bkicked off\b|"
                            r"\bcut\b(?= .{0,40}\bfrom\b)"),
)
PEOPLE_LIKE = frozenset(("people persons residents citizens individuals adults children families voters civilians "
                         "victims passengers migrants immigrants refugees students girls boys women men teenagers "
                         "teens soldiers troops officers patients americans aliens detainees inmates prisoners "
                         "hostages survivors tourists worshippers congregants pilgrims fans spectators "
                         "protesters demonstrators").split())
_DOER_NOUN = re.compile(r"[a-z]{3,}(?:er|or|ist|ant|ent)s$")  # a noun of people who do something
NOUN_EVENTS = {"deaths": "dead", "fatalities": "dead", "dead": "dead", "arrests": "arrested",
               "encounters": "arrested", "injuries": "injured", "cases": "cases", "layoffs": "jobs"}
_VERB = re.compile(r"^[a-z]{3,}(?:ed|ing)$")
_NOT_VERBS = frozenset(("during including according following nothing something morning evening being hundred "
                        "need speed based related united alleged bed red seed feed anything everything thing ring "
                        "king spring string bring sibling wedding building meeting spending funding ending "
                        "beginning starting reported expected estimated projected forecasted surveyed").split())
_OTHER_TIME = re.compile(
    r"\b(?:1[6-9]\d\d|20\d\d)\b|\blast year\b|\ba year (?:ago|earlier)\b|\bprevious(?:ly)?\b|\bprior\b|"
    r"\bsince (?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_COMPARISON = re.compile(r"(?<!more )(?<!less )(?<!fewer )\bthan\b|\bcompared (?:to|with)\b|\bdown from\b|\bup from\b|"
                         r"\bthat of\b|\bpeak of\b|\brecord (?:of|set)\b|\bfrom\b(?=[^,]*\bto\b)|\binstead of\b", re.I)


def _nearest(patterns, before: str, after: str) -> tuple[str, str] | None:
    """(class, label) of the event word nearest to the number: after it, then before it."""
    found = []
    for key, label, pattern in patterns:
        for m in re.finditer(pattern, after, re.IGNORECASE):
            found.append((m.start(), key, label))
        for m in re.finditer(pattern, before, re.IGNORECASE):
            found.append((len(before) - m.end() + 1, key, label))
    return min(found)[1:] if found else None


def event(noun: str, done: str, written: str, before: str, after: str) -> tuple[str, str]:
    """(slot, label) of a count: ("dead", "Killed"), ("vials", "Vials removed"); ("", "") if none."""
    plain = noun.split()[0] if noun else ""
    if plain == "cases" and not _ILLNESS.search(f"{before} {written} {after}"):
        return "", ""  # "three consolidated cases" before a court are no infections
    if plain == "bodies" and _RECOVERED.search(" ".join(before.split()[-3:] + [done, written] + after.split()[:4])):
        return "dead", "Died"  # "60 bodies have been recovered" beside "60 are confirmed dead" (NeuS test-198)
    if plain in NOUN_EVENTS:
        key = NOUN_EVENTS[plain]
        found = _nearest([e for e in EVENTS if e[0] == key], before, after)
        return key, found[1] if found else next(e[1] for e in EVENTS if e[0] == key)
    if plain in PEOPLE_LIKE or not plain:
        return _own_event(written, before, after) or ("", "")
    if plain in _PERPETRATORS:  # "police killed five attackers": not the victims' toll (NeuS val-131)
        found = _own_event(written, before, after)
        return (f"attackers {found[0]}", f"{plain.capitalize()} {found[1].lower()}") if found else ("", "")  # one slot
    if _DOER_NOUN.search(plain):  # "sailors", "protesters" (not "wrists"): people when an event names them
        found = _own_event(written, before, after)
        if found:
            return found
    if plain == "jobs":  # jobs, or the workers, employees and staff holding them (``quantities.SAME_NOUN``)
        found = _nearest(_JOB_CUTS, before, after)
        if not found and _STAFF.search(written):  # the workers' own event (three words either side), not a clause's
            found = _own_event(written, " ".join(before.split()[-3:]), " ".join(after.split()[:3]))
        if found:  # "laid off 1,500 workers" and "cutting 1,200 jobs" are one slot; "three workers were killed" are dead
            return found
    if plain in _CONTESTED and _WON.search(before):  # "took 156 seats", "projected to win 157 seats"
        return plain, f"{plain.capitalize()} won"
    verb = done or _verb(before, after) or _state(before, after)
    return (plain, f"{plain.capitalize()} {verb}") if verb else ("", "")


def _own_event(written: str, before: str, after: str) -> tuple[str, str] | None:
    """The event a count of people names in its own words ("two workers were killed") or, failing that, near it."""
    return _nearest(EVENTS, "", written) or _nearest(EVENTS, before, after)


_RECOVERED = re.compile(r"\b(?:recover|found|pull|retriev|discover|unearth|exhum)", re.IGNORECASE)  # not "governing bodies"
_PERPETRATORS = frozenset("attackers assailants gunmen shooters suspects militants terrorists bombers hijackers "
                          "insurgents fighters".split())
_JOB_CUTS = tuple(e for e in EVENTS if e[0] == "jobs")
_STAFF = re.compile(r"\b(?:workers|employees|staff(?:ers)?|employes)\b", re.IGNORECASE)
_CONTESTED = ("seats", "votes", "delegates", "medals", "states", "districts", "electoral")
_WON = re.compile(r"\b(?:win|wins|won|winning|took|take|takes|taking|captured?|secured?|clinch(?:ed)?|gained)"
                  r"(?:\s+(?:a|an|the|at least|about|nearly|more than|over|some|all|just))*\s*$", re.IGNORECASE)
_ILLNESS = re.compile(r"virus|covid|infect|positive|disease|outbreak|flu\b|measles|ebola|illness|pandemic|"
                     r"epidemic|variant|confirmed|suspected", re.I)


_ANY_EVENT = re.compile("|".join(f"(?:{pattern})" for _, _, pattern in EVENTS), re.IGNORECASE)


def governed(before: str, after: str) -> bool:
    """Does an event word stand next to a number (three words either side: "killed more than 365,000")?"""
    near = " ".join(before.split()[-3:] + after.split()[:3])
    return bool(_ANY_EVENT.search(near))


def thing(noun: str) -> str:
    """The slot of a count of things no predicate governs ("the order to 200 million doses" ->
    "doses"; "among the more than 43,000 volunteers" -> "volunteers"), "" for people and events (their
    slots are what happened to them): such a count may only support a slot that another source's
    verb names ("Doses supplied", "Volunteers involved"), never make a line or a dispute of its own."""
    plain = noun.split()[0] if noun else ""
    people = plain in PEOPLE_LIKE
    return "" if not plain or people or plain in NOUN_EVENTS or plain in ("hours", "hour") else plain


def _participle(word: str) -> str:
    """"spoiling" -> "spoiled", "removing" -> "removed", "cutting" -> "cut": a label says what was done."""
    if not word.endswith("ing"):
        return word
    stem = word[:-3]
    if stem[:-1] in ("cut", "set", "put", "hit", "shut", "let", "bet", "quit", "split") and stem.endswith("t"):
        return stem[:-1]  # "cutting" -> "cut"
    return stem + "ed"  # "spoiling" -> "spoiled", "stopping" -> "stopped", "adding" -> "added"


_THING_STATES = ("missing", "identified")  # what may happen to things; "killed", "hospitalized" only to people


def _state(before: str, after: str) -> str:
    """An event word right next to counted things ("11 aircraft are missing", "steal 11 planes")."""
    near_after = " ".join(after.split()[:3])
    found = _nearest([e for e in EVENTS if e[0] in _THING_STATES], " ".join(before.split()[-2:]), near_after)
    if found:
        return found[1].lower()
    stolen = re.search(r"\b(?:steal|stole|stolen|seiz|captur|destroy|damag|sold|sell|buy|bought)", f"{before} {near_after}", re.I)
    return {"steal": "stolen", "stole": "stolen", "stolen": "stolen", "seiz": "seized", "captur": "captured",
            "destroy": "destroyed", "damag": "damaged", "sold": "sold", "sell": "sold", "buy": "bought",
            "bought": "bought"}[stolen[0].lower()] if stolen else ""


_AUXILIARY = re.compile(r"^\W*(?:being|were|was|been|are|is|have been|had been|got)\s+([a-z]+)", re.IGNORECASE)


def _verb(before: str, after: str) -> str:
    """A verb saying what happened to counted things: one before them ("removed 57 vials", "spoiling
    500 doses") or a participle after an auxiliary ("500 doses being discarded"); a verb right after
    is their own doing ("two sides argued"), not a fact about them."""
    passive = _AUXILIARY.match(after)
    if passive and _VERB.match(passive[1].lower()) and passive[1].lower() not in _NOT_VERBS:
        return passive[1].lower()
    words = re.findall(r"[a-z]+", before.lower())
    if re.search(r"\b(?:layoffs?|lay-offs?|cuts?) of$", before.strip(), re.IGNORECASE):
        return "cut"  # "layoffs of up to 110,000 workers"
    if words and words[-1] in _DONE_TO:  # "to cut 110,000 jobs"; not "outstripping supply, Amazon has"
        return _DONE_TO[words[-1]]
    for word in words[-3:][::-1]:
        if _VERB.match(word) and word not in _NOT_VERBS:
            return _participle(word)
        if word not in _BETWEEN:  # "poised to approve two articles", "conceded that two delegates": not theirs
            return ""
    return ""


# words that may stand between a verb and the number it governs ("removed all 57 vials")
_BETWEEN = frozenset("the a an all some another its their his her our these those by".split())


# verbs news uses for what is done to counted things, as the label writes them ("to cut 110,000 jobs")
_DONE_TO = {"cut": "cut", "cuts": "cut", "sack": "cut", "sacks": "cut", "slash": "cut", "slashes": "cut",
            "axe": "cut", "axes": "cut", "add": "added", "adds": "added", "hire": "hired", "hires": "hired",
            "buy": "bought", "buys": "bought", "sell": "sold", "sells": "sold", "order": "ordered",
            "orders": "ordered", "purchase": "purchased", "purchases": "purchased", "supply": "supplied", "supplies": "supplied", "ship": "shipped",
            "ships": "shipped", "lose": "lost", "loses": "lost", "lost": "lost", "sold": "sold",
            "bought": "bought", "paid": "paid", "spent": "spent", "raised": "raised", "destroyed": "destroyed",
            "shed": "lost", "sheds": "lost", "send": "sent", "sends": "sent", "sent": "sent", "share": "shared", "shares": "shared",
            "donate": "donated", "donates": "donated", "deliver": "delivered", "delivers": "delivered",
            "receive": "received", "receives": "received", "give": "given", "gives": "given"}


_AGENT = re.compile(r"\bby\s*$", re.IGNORECASE)
_PLACE_OF = re.compile(r"\b(?:town|city|village|country|nation|community|county|island|region|suburb|population)\s+of\s*$",
                       re.IGNORECASE)


def people(noun: str) -> bool:
    """Is a plural noun one of people ("pilgrims", "hostages", "commanders"; not "acres", "jobs")?"""
    return noun in PEOPLE_LIKE or noun in _PERPETRATORS or bool(_DOER_NOUN.search(noun))


def not_theirs(noun: str, before: str) -> bool:
    """People the sentence counts who are not those the event happened to: the doers after "by" ("he
    was shot to death by two congregants": they shot, they did not die; NeuS test-9) and a place's
    population ("a town of about 17,000 people near Fort Worth", beside "fatally shooting him")."""
    plain = noun.split()[0] if noun else ""
    return people(plain) and bool(_AGENT.search(before) or _PLACE_OF.search(before))


def elsewhere(before: str, after: str) -> bool:
    """Does the number belong to another event: a comparison or another time governs it?"""
    clause = " ".join(re.split(r"[;—–]", before)[-1].split()[-7:])  # what governs the number is near it
    return bool(_COMPARISON.search(clause) or _OTHER_TIME.search(clause)
                or _OTHER_TIME.search(" ".join(after.split()[:3])))


_DAILY = re.compile(r"in the (?:past|last) 24 hours|in a single day|\beach day\b|\bper day\b|"
                    r"\ba day\b(?!\s*(?:of\b|$))|\bdaily\b|"  # not "a day of worship"
                    r"on average", re.IGNORECASE)


def qualifier(before: str, after: str) -> str:
    """"per day" for a daily count ("2,108 people died in the past 24 hours"), else ""."""
    return "per day" if _DAILY.search(f"{before} {after}") else ""


def tally(before: str, after: str) -> tuple[str, str]:
    """("vote", "Vote") or, for a court's, ("vote", "Ruling") for a tally governed by such a word; ("", "") otherwise."""
    near = " ".join(before.split()[-4:] + after.split()[:3]).lower()
    if re.search(r"\bvot|\bpass(?:ed)?\b|\bapproved?\b", near):
        return "vote", "Vote"
    if re.search(r"\bruling|\bdecision|\bcourt\b|\bjustices\b", near):
        return "vote", "Ruling"  # a court's vote: one slot with "voted 5-4"
    return "", ""


_HOW_LONG = (  # what lasted, read from the words before "for N years": the duration line's label
    (re.compile(r"\b(?:skip\w*|absen\w*|leave|turn\w* up|show\w* up|AWOL)\b", re.I), "Absent from work"),
    (re.compile(r"\b(?:jail\w*|prison\w*|imprison\w*|behind bars|locked up)\b", re.I), "In prison"),
    (re.compile(r"\b(?:missing|disappear\w*|vanish\w*)\b", re.I), "Missing"),
    (re.compile(r"\b(?:suspend\w*)\b", re.I), "Suspended"),
    (re.compile(r"\b(?:banned|barred)\b", re.I), "Banned"),
    (re.compile(r"\b(?:closed|shut\w*)\b", re.I), "Closed"),
)


def how_long(before: str) -> str:
    """The label of a duration ("skipped work for 24 years" -> "Absent from work"); "Duration" when
    the words before the number name nothing listed."""
    clause = " ".join(re.split(r"[;—–,]", before)[-1].split()[-8:])
    return next((label for pattern, label in _HOW_LONG if pattern.search(clause)), "Duration")
