"""Deprecated: `python -m ganzoo.demo` is now `ganzoo demo` (`ganzoo.cli.demo`).

Kept for one release; it runs `ganzoo demo` with the same arguments.
"""

import sys
import warnings


def main(argv=None):
    """Runs `ganzoo demo` after a `DeprecationWarning`; returns its exit status."""
    from ganzoo.cli import main as ganzoo_main

    warnings.warn(
        "`python -m ganzoo.demo` is deprecated and will be removed in the next "
        "release; run `ganzoo demo` (or `python -m ganzoo.cli demo`).",
        DeprecationWarning,
        stacklevel=2,
    )
    return ganzoo_main(["demo", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
