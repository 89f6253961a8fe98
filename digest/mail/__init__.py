"""Mailing (I/O): an Email and the subscribers in, messages at the relay out.

``deliver`` composes one message per subscriber (with a signed unsubscribe link) and sends it
through ``smtp``; the ``ledger`` records each delivery so nobody is mailed twice; ``subscribers``
keeps the list; ``unsubscribe`` is the RFC 8058 one-click endpoint; ``commands`` are the CLI's
``send``, ``subscribers`` and ``serve-unsubscribe``. ``tables`` is the base of their store tables.
"""
