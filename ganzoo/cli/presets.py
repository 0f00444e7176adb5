"""`ganzoo presets`: the registered presets and their measured figures."""

import argparse
import json

PRESETS_EXAMPLES = """examples:
  ganzoo presets
  ganzoo presets --family cyclegan
  ganzoo presets --json > presets.json
"""


def add_command(sub):
    """Adds the `presets` sub-command to `sub`, the `ganzoo` sub-parsers."""
    p = sub.add_parser(
        "presets",
        help="list presets and their measured figures",
        description="Lists the registered presets with their class, parameter "
        "count and the quality measured on held-out data.",
        epilog=PRESETS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--family", help="only presets of this class, e.g. dcgan")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_presets)


def cmd_presets(args):
    """Runs `ganzoo presets`; returns the exit status."""
    import ganzoo

    rows = ganzoo.list_presets(args.family)
    if not rows:
        classes = sorted({row["class_name"] for row in ganzoo.list_presets()})
        raise ValueError(
            f"--family {args.family!r}: no preset of that class. Classes with "
            f"presets: {', '.join(classes)}."
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from ganzoo.presets.table import quality_summary

    header = ("name", "class", "params", "quality (held-out data)")
    table = [header]
    for row in rows:
        table.append(
            (
                row["name"],
                row["class_name"],
                f"{row['parameter_count']:,}" if "parameter_count" in row else "-",
                "authors' weights, downloaded on first use"
                if row.get("downloads_on_first_use")
                else quality_summary(row.get("metrics", {})),
            )
        )
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    return 0
