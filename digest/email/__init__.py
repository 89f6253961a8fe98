"""The email (pure): a Digest in, an Email (subject, HTML, plain text) out.

``view`` turns the Digest into the numbers and words the templates show, ``render`` runs the
Jinja2 + MJML templates (house style from ``style``) and checks the size against Gmail's clip,
``archive`` writes readable copies of sources that have no public URL.
"""
