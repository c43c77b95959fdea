"""``python -m receptiondesk.cli``: the command line."""

import sys

from .entry import main

sys.exit(main())
