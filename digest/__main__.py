"""``python -m digest``: the same commands as the ``digest`` script."""

import sys

from digest.cli import main

sys.exit(main())
