"""``python -m digest``: the same commands as the ``digest`` script."""

from digest.cli import entry

entry()
