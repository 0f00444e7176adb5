"""Prints a generated table of the presets, to paste into the README or docs.

    .venv/bin/python scripts/preset_tables.py            # README: shipped presets
    .venv/bin/python scripts/preset_tables.py published  # README: authors' weights
    .venv/bin/python scripts/preset_tables.py losses     # docs/loss_families.md

tests/test_cli.py fails, naming this command, when a pasted copy is stale.
"""

import argparse

from ganzoo.presets.table import TABLES


def main(argv=None):
    """Parses `argv` and prints the table it names."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", nargs="?", default="presets", choices=sorted(TABLES))
    print(TABLES[parser.parse_args(argv).table]())


if __name__ == "__main__":
    main()
