"""Sentence and word splitting that works offline.

sumy's own ``Tokenizer("english")`` needs NLTK's ``punkt_tab`` data, which cannot be downloaded
here, so digest gives sumy this tokenizer instead. Sentences come from nupunkt (Punkt with a
model trained on legal and news text, shipped inside the wheel: no download), cut again at line
breaks. It replaced pysbd, which cost ~85 ms per 600-word article, over half of a 1,000-article
run. ``benchmarks/splitter_eval.py`` on 1,500 paragraphs of 3-8 joined MSRP news sentences (8,280
sentences), both with the repairs below: nupunkt recovers 96.2 % of the sentences exactly
(precision 97.9 %, 90.1 % of paragraphs exactly right) at 1.1-4.5 ms per 600 words; pysbd
92.1 % (92.2 %, 77.9 %) at 49-90 ms. Both pass tests/test_sentences.py.

nupunkt's abbreviation list, learned from legal text, holds hundreds of ordinary words ("month",
"cancer", "found", "highs", "bank"): a sentence ending in one was joined to the next. A lowercase
word of four letters or more, a period and a capital end a sentence, unless the word is a known
lowercase abbreviation ("approx.", "feat.", "prod."). On the MSRP paragraphs below this took
nupunkt's joined pairs from 202 to 132 (recall 96.3 -> 97.5 %, precision 97.9 -> 98.5 %).

Two repairs on top of the splitter, each from a probe of 43 abbreviations x 3 continuations (made
with pysbd; nupunkt needs fewer of them, and they cost nothing where they do not apply):

- a splitter may end a sentence after "approx.", "ca.", "cf.", "est.", "feat.", "prod.", "No.", "Vol." even before a
  lowercase word or a number ("approx. 5 million"), after a title before a name ("Pres. Biden")
  and after a state abbreviation before a comma ("Sen. Ron Wyden, D-Ore., said"). A piece is
  joined to the one before when it starts with an all-lowercase word (brand names such as
  "iPhone" do not count) or with ``,`` ``;`` ``)`` ``]``, when the one before ends with an
  abbreviation that never ends a sentence, or with a title ("Sen.", "Gov.", "Prof.") and the
  piece starts with a capital; "Warner Bros. Discovery" is joined as the one company name
  entertainment news spells that way all the time.
- A quotation of several sentences is one sentence, as pysbd made it: a piece that closes a quote
  the one before opened is joined to it ("“AI can give creatives better tools. But it doesn’t
  make you a storyteller.”"), so a summary never quotes half a quotation.
- A run-in label opening a block, "Speed & Efficiency: The famous scene ...", is not part of the
  sentence: at most five capitalised words (with "&", "and", "of", "to" ...) before a colon,
  followed by a capital. The sentence starts after it, and stays a verbatim substring.

Every sentence returned is a verbatim substring of the text it came from: summaries quote their
sources, so nothing here may rewrite a character.
"""

from __future__ import annotations

import re
from functools import lru_cache

from digest.models import Article, Sentence
from digest.text.scripts import cjk_words, has_cjk, split_at_marks

QUOTATION = re.compile(r"“[^”]*”|\"[^\"]*\"")  # a quotation with its marks (facts mask it, summaries look outside it)
_LINE = re.compile(r"[^\s](?:[^\n]*[^\s])?")  # a line's text without its surrounding white space
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)
_NEVER_FINAL = re.compile(r"\b(?:approx|ca|cf|vs|est|feat|prod)\.$")
_NUMBERED = re.compile(r"\b(?:No|Nos|Vol|Fig)\.$")
_TITLE = re.compile(r"\b(?:Pres|Sen|Rep|Reps|Gov|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Cmdr|Prof|Rev|Hon|Atty|Supt)\.$")
_LOWER_START = re.compile(r"(?:[a-z][a-z'’\-]*\b|[,;)\]])")  # matched at a piece's start
_LABEL = re.compile(
    r"^[A-Z][\w’'\-]*(?:\s+(?:[A-Z][\w’'\-]*|&|and|of|to|the|for|in|on|a|an|with)){0,4}:\s+(?=[A-Z“\"‘])"
)
_WORD_STOP = re.compile(r"(?<![\w.'’&-])([a-z]{4,})\.\s+(?=[\"“‘']?[A-Z])")
_STOP = re.compile(r"\.\s")  # what every ``_WORD_STOP`` holds
_TAIL = 9  # "approx." and the character before it: the longest ending _NEVER_FINAL, _NUMBERED, _TITLE look for
_LOWER_ABBREVIATIONS = frozenset({  # written in lower case before a name or a capital: not a sentence's end
    "approx", "incl", "govt", "dept", "mgmt", "misc", "ibid", "cont", "resp", "corp", "assn", "assoc",
    "admin", "univ", "intl", "natl", "bros", "feat", "prod", "exec", "orig", "trans", "transl", "repr"})
_MIN_LABELLED_WORDS = 4  # the rest must still read as a sentence, not "Verdict: Great."




def split(text: str) -> list[str]:
    """The sentences of ``text``, stripped, each a verbatim substring of ``text``."""
    return list(_split(text))


@lru_cache(maxsize=16384)
def _split(text: str) -> tuple[str, ...]:
    """Remembered: relevance, themes, discovery, the lead and the consensus box all read the same
    blocks (454 splits of 110 texts on the seeds uncached)."""
    spans = split_at_marks(text, _join_abbreviations(text, _spans(text)))  # 。！？ end sentences too
    if spans:
        spans[0] = _skip_label(text, spans[0])
    return tuple(text[start:end] for start, end in spans)


def nupunkt_spans(text: str) -> list[tuple[int, int]]:
    """Where nupunkt's sentences sit in ``text``, cut at line breaks, without surrounding white space.
    nupunkt is imported on first use: a re-run whose articles are all kept splits nothing (~10 ms)."""
    import nupunkt

    spans = []
    for start, end in nupunkt.sent_spans(text):
        for line in _LINE.finditer(text, start, end):
            spans.append(line.span())
    return spans


_spans = nupunkt_spans


def _cut_at_words(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each span cut after an ordinary lowercase word, a period and a capital ("to fresh highs.
    Buoyed by ..."): nupunkt's abbreviation list, learned from legal text, holds hundreds of common
    words ("month", "cancer", "found", "highs", "bank") and joins two sentences at each. Only a
    span with a period and a space inside (``_STOP``: a search for its literal first character)
    is searched for one (``_WORD_STOP`` is tried at every position: half the cost of this step)."""
    cut = []
    for start, end in spans:
        if not _STOP.search(text, start, end):
            cut.append((start, end))
            continue
        for match in _WORD_STOP.finditer(text, start, end):
            if match.group(1) not in _LOWER_ABBREVIATIONS:
                cut.append((start, match.end(1) + 1))
                start = match.end()
        cut.append((start, end))
    return cut


def _join_abbreviations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = _cut_at_words(text, spans)
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _continues(text, joined[-1], (start, end)):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _continues(text: str, before: tuple[int, int], span: tuple[int, int]) -> bool:
    """Whether the splitter cut ``text`` after an abbreviation; never across a line break.

    The abbreviations end the piece before, so only its last ``_TAIL`` characters are searched
    (the character before an ending is still there, for its ``\b``); the pieces are sliced only
    when the next one holds a closing quote (three searches of every piece were a third of this step)."""
    start, end = span
    if text.find("\n", before[1], start) >= 0:
        return False
    tail = text[max(before[0], before[1] - _TAIL) : before[1]]
    if _LOWER_START.match(text, start, end) or _NEVER_FINAL.search(tail):
        return True
    if ("”" in (piece := text[start:end]) or '"' in piece) and _closes_quote(text[before[0] : before[1]], piece):
        return True
    if _NUMBERED.search(tail) and text[start : start + 1].isdigit():
        return True
    if _TITLE.search(tail) and text[start : start + 1].isupper():
        return True
    return tail.endswith("Bros.") and text.startswith("Discovery", start, end)


def _closes_quote(previous: str, piece: str) -> bool:
    """A quotation of several sentences stays one: ``previous`` opened a quote that ``piece`` closes."""
    if previous.count("“") > previous.count("”"):
        return "”" in piece
    return previous.count('"') % 2 == 1 and '"' in piece


def _skip_label(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    label = _LABEL.match(text[start:end])
    if label and len(words(text[start + label.end() : end])) >= _MIN_LABELLED_WORDS:
        return (start + label.end(), end)
    return span


def words(text: str) -> list[str]:
    """Word tokens: letters and digits, keeping inner apostrophes, dots and hyphens."""
    found = _WORD.findall(text)
    return cjk_words(found) if has_cjk(text) else found  # a Chinese or Japanese character is a word


def article_sentences(article: Article) -> tuple[Sentence, ...]:
    """Every sentence of an article's prose blocks (paragraphs and bullets), in order."""
    found = []
    for block_index, block in enumerate(article.blocks):
        if block.kind not in ("paragraph", "bullet"):
            continue
        for text in split(block.text):
            found.append(Sentence(text, article.id, block_index, len(found)))
    return tuple(found)


class SumyTokenizer:
    """The tokenizer interface sumy expects (``to_sentences``, ``to_words``), offline."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
