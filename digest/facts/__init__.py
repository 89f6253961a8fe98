"""The consensus box (pure): a Story in, Fact lines out.

``consensus.find_facts`` compares what the story's independent origins say: figures
(``quantities`` reads numbers, ``periods`` their time, ``claims`` what they measure, with
``measures`` naming the attribute of money and percentages and ``predicates`` a count's slot from
the words governing it), names and their spellings (``names``) and matching sentences (``statements``, never a fragment: ``fragments``). Each line
says "k of N sources", or where sources differ, with who says what, or how a figure changed over
time (``changes``). ``said`` is the unit all of them read. ``paraphrase`` (optional extra) loads a
sentence-embedding model the caller passes in as ``encoder``: the only part that is not pure.
"""
