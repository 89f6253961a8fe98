"""Stories (pure): Articles in, Stories out.

``copies`` finds reprints of one article (an Origin: a wire story and its 40 reprints count once),
``dedup.group`` joins origins about one event into a Story, and ``followups`` leaves out stories
an earlier issue sent, or marks those that come back with new sources. Nothing is discarded: a
Story keeps every copy, so later stages can count independent sources.
"""
