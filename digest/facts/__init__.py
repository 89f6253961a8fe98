"""The consensus box (pure): a Story in, Fact lines out.

``consensus.story_facts`` compares what the story's independent origins say: figures
(``quantities`` reads numbers, ``periods`` their time, ``claims`` what they measure), names and
their spellings (``names``) and matching sentences (``statements``). Each line says "k of N
sources", or where sources differ, with who says what. ``said`` is the unit all of them read.
"""
