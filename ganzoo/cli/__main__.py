"""`python -m ganzoo.cli`: the `ganzoo` command, without the console script."""

import sys

from ganzoo.cli import main

sys.exit(main())
