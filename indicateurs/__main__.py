"""``python -m indicateurs``: see indicateurs/cli.py."""

import sys

from indicateurs.cli import main

sys.exit(main())
