"""The editor's desk (``digest preview``): a local web page over the week's issue.

In: config.yaml, the corrections file, the templates and the sources (watched: a change rebuilds).
Out: the issue exactly as ``digest send`` sends it (the same build, files and store record), the
"why" behind it (``why``), the editor's corrections written to the corrections file (``actions``),
an approval in the store, a test send to the editor. ``state.Desk`` holds the build; ``app`` is the
Starlette app (served by uvicorn) with its safety rules; ``watch`` the live reload; ``page`` the HTML.
"""
