"""Mailing (I/O): an Email and the subscribers in, messages at the relay out.

``deliver`` composes one message per subscriber (with a signed unsubscribe link) and sends it
through ``smtp`` (a deadline per conversation); the ``ledger`` claims each address before its
message leaves, so nobody is mailed twice and an uncertain outcome is "unknown", not a second copy;
``subscribers`` keeps the list; ``unsubscribe`` signs the RFC 8058 one-click links and ``endpoint``
answers them (Starlette under uvicorn); ``digest.commands.mail`` is the CLI's ``send``,
``subscribers`` and ``serve-unsubscribe``. Their store tables stand on ``digest.tables``.
"""
