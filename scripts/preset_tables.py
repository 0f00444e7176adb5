"""Prints or rewrites the generated tables of presets in the README and docs.

    .venv/bin/python scripts/preset_tables.py            # README: shipped presets
    .venv/bin/python scripts/preset_tables.py published  # README: authors' weights
    .venv/bin/python scripts/preset_tables.py losses     # docs/loss_families.md
    .venv/bin/python scripts/preset_tables.py --write    # rewrites all three

Each table sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` in its
file. tests/test_cli.py fails, naming this command, when one is stale.
"""

import argparse
import os

from ganzoo.presets.table import TABLES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The file each table lives in, by the marker name it sits between.
FILES = {
    "presets": "README.md",
    "published": "README.md",
    "losses": "docs/loss_families.md",
}


def write(name):
    """Replaces the text between table `name`'s markers with the table."""
    path = os.path.join(ROOT, FILES[name])
    with open(path) as f:
        text = f.read()
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, rest = text.split(start)
    tail = rest.split(end)[1]
    with open(path, "w") as f:
        f.write(f"{head}{start}\n{TABLES[name]()}\n{end}{tail}")
    print(f"Wrote the {name} table in {FILES[name]}")


def main(argv=None):
    """Parses `argv`; prints the table it names, or rewrites every table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", nargs="?", default="presets", choices=sorted(TABLES))
    parser.add_argument(
        "--write", action="store_true", help="rewrite every table in its file"
    )
    args = parser.parse_args(argv)
    if args.write:
        for name in FILES:
            write(name)
    else:
        print(TABLES[args.table]())


if __name__ == "__main__":
    main()
