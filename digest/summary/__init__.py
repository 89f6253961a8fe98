"""Summaries (pure): Stories in, ThemeSections and the lead out.

``themes`` assigns each sentence of the week's stories to a configured theme (``discover`` names
new ones from what is left), ``summarize`` picks each theme's sentences verbatim (sumy's rankers
plus the cross-source signals of ``salience``), and ``lead`` picks and summarises the lead story.
Every sentence is quoted from a source, never rewritten.
"""
